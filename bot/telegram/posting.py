"""/post and paste-to-post: an admin's article published once, recorded like every post.

/post publishes at once. A message an admin sends without a command (an article's text, a link, a
forwarded channel post) becomes a preview with [Publish now] [Queue] [Schedule…] [Edit tags]
[Discard]: the
post waits in ``awaiting`` and the approval desk decides it, with the same compare-and-set as a
feed post's approval, so two clicks or two admins act once.

The article goes into the store as a ``manual`` post and out through the runner's own claim and
send, so it has a message id, counts in the caps, and `/queue` and `/status` see it. When the chat
already received that article (same normalized link or text hash), the admin is asked first:
"already posted as message 25 on 1 Dec 09:00 — post again?", with [Post again] and [Leave it],
a decision desk like the approval previews: the first click claims the question in the store,
so two clicks, or two processes, publish one copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Protocol

from telegram import Bot, Update
from telegram.ext import CommandHandler, ContextTypes, MessageHandler, filters

from bot.errors import HashbotError
from bot.ingest.links import dedup_keys
from bot.models import Article
from bot.planner import local_time
from bot.runner import WAITING, PostNow
from bot.storage import NewPost, PostEvent, PostKind, PostState, QueuedPost, Store
from bot.telegram.auth import Admins
from bot.telegram.commands import LoadArticle, argument_text, usage
from bot.telegram.desk import Click, Desk, Verdict
from bot.telegram.handlers import Handler
from bot.telegram.replies import reply

logger = logging.getLogger(__name__)

AGAIN, KEEP = "post", "keep"
#: More than any article: Telegram's own messages stop at 4,096 characters.
MAX_PASTED = 100_000
NO_TEXT = (
    "There is no text in that message to make a post of. Send an article's text or link "
    "(or forward a channel post), or /help for the commands."
)


class PostsNow(Protocol):
    """What /post needs from the run loop: its one way of publishing an article at once."""

    async def post_now(self, article: Article, *, chat: str, again: bool = False) -> PostNow: ...


def outcome(result: PostNow, *, channel: str) -> str:
    """What publishing did, in the words the admin is answered with."""
    post, report = result.post, result.report
    if post is None:
        if report.paused is not None:
            return f"Not published: publishing is paused ({report.paused}); /resume to continue."
        return "Nothing was published."
    if post.state is PostState.SENT:
        return f"Published to {post.chat or channel} (message {post.message_id})."
    if post.state is PostState.SKIPPED and report.skipped:
        return "Dry run is on: the post went to the admins as a preview."
    if report.paused is not None:
        return f"Not published: publishing is paused ({report.paused}); /resume to continue."
    if post.state is PostState.QUEUED:
        return f"Not delivered yet ({post.last_error}); post #{post.id} goes out at the next slot."
    if post.state is PostState.UNCERTAIN:
        return f"Maybe published: the connection broke (post #{post.id}); check the channel."
    return f"Not published: {post.last_error}"


def already(post: QueuedPost, tz: tzinfo) -> str:
    """How the admin is told the chat has the article already."""
    if post.state is PostState.SENT and post.sent is not None:
        return f"already posted as message {post.message_id} on {local_time(post.sent, tz)}"
    return f"already post #{post.id} ({post.state}; /queue shows it)"


class OffersPasted(Protocol):
    """Puts a pasted post (in ``awaiting``) to the admin who sent it, with the decision buttons."""

    async def offer_pasted(self, post_id: int, admin: int) -> bool: ...


class PostCommand:
    """The /post handler and its "post again?" question."""

    def __init__(
        self,
        bot: Bot,
        *,
        admins: Admins,
        store: Store,
        load: LoadArticle,
        publishing: PostsNow,
        offers: OffersPasted,
        channel: str,
        tz: tzinfo,
        clock: Callable[[], datetime],
    ) -> None:
        self.desk = Desk(
            bot,
            name="again",
            admins=admins,
            store=store,
            buttons=[[("📤 Post again", AGAIN), ("✋ Leave it", KEEP)]],
            # No lifecycle event guards this question: the click claims it in the store.
            claims=True,
        )
        self._admins = admins
        self._store = store
        self._load = load
        self._channel = channel
        self._tz = tz
        self._publishing = publishing
        self._offers = offers
        self._clock = clock

    def handlers(self) -> list[Handler]:
        # Reading a link may take seconds: it runs beside other updates, not before them.
        return [
            CommandHandler("post", self._admins.only("/post", self.post), block=False),
            self.desk.handler(self.decide),
        ]

    def paste_handler(self) -> MessageHandler[ContextTypes.DEFAULT_TYPE, None]:
        """Every private message that is no command; register it last, it takes what is left."""
        return MessageHandler(
            filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.COMMAND,
            self._admins.only("a message", self.paste),
            block=False,
        )

    async def post(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        text = argument_text(message)
        if not text:
            await message.reply_text(usage("post"))
            return
        try:
            article = await self._load(text, source=f"/post from {message.chat_id}")
        except HashbotError as exc:
            await message.reply_text(f"Cannot make a post of that: {exc}")
            return
        await self.publish(update, article, admin=user.id)

    async def publish(self, update: Update, article: Article, *, admin: int) -> None:
        """Publish `article` now, or ask `admin` first when the channel already has it."""
        result = await self._publishing.post_now(article, chat=self._channel)
        if result.duplicate is not None:
            await self._ask_again(update, result.duplicate, admin=admin)
            return
        await reply(update, outcome(result, channel=self._channel))

    async def paste(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An admin's message without a command: its article's preview, with the decision buttons."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        text = (message.text or message.caption or "").strip()
        if not text:
            await message.reply_text(NO_TEXT)
            return
        if len(text) > MAX_PASTED:
            await message.reply_text(f"That message is too long for an article ({len(text):,} characters).")
            return
        try:
            article = await self._load(text, source=f"a message from {message.chat_id}")
        except HashbotError as exc:
            await message.reply_text(f"Cannot make a post of that: {exc}")
            return
        now, keys = self._clock(), dedup_keys(article)
        existing = self._store.post_with_keys(self._channel, keys)
        if existing is not None and existing.state in WAITING:
            shown = f"post #{existing.id} ({existing.state})"
            await message.reply_text(f"That article is already {shown}; /queue shows it.")
            return
        if existing is not None and existing.state in (
            PostState.SENT,
            PostState.SENDING,
            PostState.UNCERTAIN,
        ):
            await self._ask_again(update, existing, admin=user.id)
            return
        post = NewPost(
            article=article, chat=self._channel, keys=() if existing else keys, kind=PostKind.MANUAL
        )
        post_id = self._store.enqueue(post, now=now)
        if post_id is None or not self._store.hold(post_id, now=now):
            await message.reply_text("That article was queued meanwhile; /queue shows it.")
            return
        logger.info("post %d pasted by user %s", post_id, user.id)
        if not await self._offers.offer_pasted(post_id, user.id):
            self._store.decide(
                post_id, PostEvent.CANCEL, now=self._clock(), note="its preview could not be shown"
            )
            await message.reply_text("Could not show the post's preview; nothing was queued.")

    async def _ask_again(self, update: Update, duplicate: QueuedPost, *, admin: int) -> None:
        question = f"“{_title(duplicate)}” is {already(duplicate, self._tz)}. Post it again?"
        if not await self.desk.ask(duplicate.id, question, html=False, admins=[admin]):
            await reply(update, f"Not published: {question}")

    async def decide(self, click: Click) -> Verdict | None:
        # The desk claimed the question for this click: a second click, the other button, or a
        # click in another process finds none left and is told "Already decided".
        post = self._store.post(click.post_id)
        if post is None:
            return None
        if click.action == KEEP:
            return Verdict(answer="Left as it is.", note=f"not posted again ({click.who})")
        if click.action != AGAIN:
            return Verdict(answer="This button is no longer supported.")
        result = await self._publishing.post_now(post.article, chat=post.chat, again=True)
        answer = outcome(result, channel=self._channel)
        return Verdict(answer=answer, note=f"{answer} ({click.who})")


def _title(post: QueuedPost) -> str:
    text = post.article.title or post.article.text or post.article.url or "(untitled)"
    return " ".join(text.split())[:80]


__all__ = ["OffersPasted", "PostCommand", "PostsNow", "already", "outcome"]
