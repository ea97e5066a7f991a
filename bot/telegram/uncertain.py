"""Posts that may or may not have reached the channel, put to the admins: [Resend] or [Mark sent].

A post is ``uncertain`` when hashbot stopped between committing ``sending`` and recording
Telegram's answer, or when that answer was lost. Bots cannot read a channel's history, so only a
person can tell whether it is there; until one decides, the post is neither resent nor forgotten.
The decision is a compare-and-set in the store (only from ``uncertain``), so two admins, or a
double click, decide once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.storage import PostState, QueuedPost, Store
from bot.telegram.auth import Admins

logger = logging.getLogger(__name__)

PREFIX = "uncertain"
RESEND, MARK_SENT = "resend", "sent"


def keyboard(post_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("🔁 Resend", callback_data=f"{PREFIX}:{post_id}:{RESEND}"),
                InlineKeyboardButton("✅ Mark sent", callback_data=f"{PREFIX}:{post_id}:{MARK_SENT}"),
            ]
        ]
    )


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
        clock: Callable[[], datetime],
        on_resend: Callable[[], None] = lambda: None,
    ) -> None:
        self._bot = bot
        self._admins = admins
        self._store = store
        self._channel = channel
        self._clock = clock
        #: Called after a post is queued again, so the scheduler arms its job at once.
        self._on_resend = on_resend

    async def notify(self, posts: Sequence[QueuedPost]) -> None:
        for post in posts:
            for admin in self._admins.ids:
                try:
                    await self._bot.send_message(
                        admin,
                        describe(post, self._channel),
                        parse_mode=ParseMode.HTML,
                        reply_markup=keyboard(post.id),
                    )
                except TelegramError as exc:
                    logger.warning("could not ask admin %s about post %d: %s", admin, post.id, exc.message)

    def handler(self) -> CallbackQueryHandler[ContextTypes.DEFAULT_TYPE, None]:
        return CallbackQueryHandler(
            self._admins.only("an uncertain-post button", self.on_button), pattern=f"^{PREFIX}:"
        )

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.data is None:
            return
        _, raw_id, action = query.data.split(":", 2)
        post_id, now, who = int(raw_id), self._clock(), query.from_user.first_name
        if action == RESEND:
            decided = self._store.set_post_state(
                post_id, PostState.QUEUED, now=now, scheduled=now, only_from=[PostState.UNCERTAIN]
            )
            outcome = f"queued again by {who}: it goes out now"
        else:
            decided = self._store.set_post_state(
                post_id,
                PostState.SENT,
                now=now,
                error=f"marked sent by {who}",
                only_from=[PostState.UNCERTAIN],
            )
            outcome = f"marked sent by {who}"
        if not decided:
            post = self._store.post(post_id)
            await query.answer(f"Already decided: post {post_id} is {post.state if post else 'gone'}.")
            return
        logger.info("uncertain post %d %s (user %s)", post_id, outcome.split(" by ")[0], query.from_user.id)
        if action == RESEND:
            self._on_resend()
        await query.answer(outcome.capitalize())
        message = query.message
        if message is not None and hasattr(message, "text_html"):
            try:
                await query.edit_message_text(
                    f"{message.text_html}\n\n<b>{escape(outcome)}</b>", parse_mode=ParseMode.HTML
                )
            except TelegramError as exc:
                logger.warning("could not mark the question about post %d: %s", post_id, exc.message)
