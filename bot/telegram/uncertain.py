"""Posts that may or may not have reached the channel, put to the admins: [Resend] or [Mark sent].

A post is ``uncertain`` when hashbot stopped between committing ``sending`` and recording
Telegram's answer, or when that answer was lost. Bots cannot read a channel's history, so only a
person can tell whether it is there; until one decides, the post is neither resent nor forgotten.
The decision is a compare-and-set in the store (only from ``uncertain``), so two admins, or a
double click, decide once; :mod:`bot.telegram.desk` does the rest (buttons, every admin's copy).

A post marked sent is in the chat like any sent post, so its tags enter the chat's tag history
(statistics, vocabulary). The tags of the lost send were never recorded: they are those the post
renders with at the click, in the chat's vocabulary and rules of that moment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from html import escape

from telegram import Bot

from bot.clock import Clock
from bot.errors import HashbotError
from bot.models import Post
from bot.storage import PostEvent, QueuedPost, Store
from bot.telegram.auth import Admins
from bot.telegram.desk import Click, Desk, Verdict, capitalized
from bot.telegram.handlers import Handler

logger = logging.getLogger(__name__)

PREFIX = "uncertain"
RESEND, MARK_SENT = "resend", "sent"


def describe(post: QueuedPost, channel: str) -> str:
    article = post.article
    title = escape(article.title or article.url or article.source or f"post {post.id}")
    link = f'\n<a href="{escape(article.url, quote=True)}">{escape(article.url)}</a>' if article.url else ""
    return (
        f"⚠️ <b>Post {post.id} may or may not be in {escape(post.chat or channel)}</b>\n"
        f"{title}{link}\n\n"
        "hashbot stopped, or lost Telegram's answer, while sending it. Check the channel, then "
        "tell me: <b>Resend</b> publishes it now; <b>Mark sent</b> keeps it as published."
    )


class UncertainDesk:
    """Shows uncertain posts to every admin and carries out the first decision on each."""

    def __init__(
        self,
        bot: Bot,
        *,
        admins: Admins,
        store: Store,
        channel: str,
        clock: Clock,
        render: Callable[[QueuedPost], Post],
        on_resend: Callable[[], None] = lambda: None,
    ) -> None:
        self.desk = Desk(
            bot,
            name=PREFIX,
            admins=admins,
            store=store,
            buttons=[[("🔁 Resend", RESEND), ("✅ Mark sent", MARK_SENT)]],
        )
        self._store = store
        self._channel = channel
        self._clock = clock
        #: The post as a send renders it now (:meth:`bot.runner.Runner.render`): its tags.
        self._render = render
        #: Called after a post is queued again, so the scheduler arms its job at once.
        self._on_resend = on_resend

    async def notify(self, posts: Sequence[QueuedPost]) -> None:
        for post in posts:
            await self.desk.ask(post.id, describe(post, self._channel))

    def handlers(self) -> list[Handler]:
        return [self.desk.handler(self.decide)]

    async def decide(self, click: Click) -> Verdict | None:
        now = self._clock()
        if click.action == RESEND:
            if not self._store.decide(click.post_id, PostEvent.RESEND, now=now):
                return None
            self._on_resend()
            outcome = f"queued again by {click.who}: it goes out now"
        elif click.action == MARK_SENT:
            post = self._store.post(click.post_id)
            tags = self._tags(post) if post else []
            note = f"marked sent by {click.who}"
            if not self._store.decide(click.post_id, PostEvent.CONFIRM_SENT, now=now, note=note, tags=tags):
                return None
            outcome = f"marked sent by {click.who}"
        else:
            return Verdict(answer="This button is no longer supported.")
        return Verdict(answer=capitalized(outcome), note=outcome)

    def _tags(self, post: QueuedPost) -> list[str]:
        """The tags `post` is in the chat with: those its lost send went out with. A post claimed
        before the store kept them (schema 17) gets those it renders with now, the nearest guess."""
        if post.sending_tags is not None:
            return list(post.sending_tags)
        try:
            return self._render(post).tag_names
        except HashbotError as exc:  # its template broke since the send: its own tags at least
            logger.warning("post %d marked sent: its tags cannot be rendered again: %s", post.id, exc)
            return list(post.tags)
