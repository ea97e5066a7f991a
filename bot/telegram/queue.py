"""/queue and /cancel: what waits to be published, and taking a post out before it goes.

Both act on the store only. Cancelling is a guarded state change (queued → skipped), so a post the
scheduler has just claimed for sending is never skipped behind its back: the admin is told instead.
"""

from __future__ import annotations

import logging
from datetime import tzinfo

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.clock import Clock, utcnow
from bot.planner import local_time
from bot.storage import PostEvent, PostState, QueuedPost, Store
from bot.telegram.auth import Admins
from bot.telegram.commands import usage
from bot.telegram.handlers import Handler
from bot.telegram.replies import clip, fit, reply

logger = logging.getLogger(__name__)

#: What /queue shows by default, in this order, and at most how many of each.
SECTIONS: tuple[tuple[PostState, str, int], ...] = (
    (PostState.SENDING, "Being sent", 5),
    (PostState.AWAITING, "Awaiting approval (decide on the previews)", 10),
    (PostState.QUEUED, "Next to go", 10),
    (PostState.UNCERTAIN, "Maybe sent (check the channel)", 5),
    (PostState.FAILED, "Failed", 5),
)
#: How many posts /queue <state> lists.
ONE_STATE = 30
#: The states /queue <state> accepts.
LISTED = tuple(state for state, _, _ in SECTIONS)
TITLE_WIDTH = 60


def post_line(post: QueuedPost, tz: tzinfo) -> str:
    """One post: id, title, target chat, and when (local time in `tz`) or why where it matters."""
    title = clip(post.article.title or post.article.text or post.article.url or "(untitled)", TITLE_WIDTH)
    target = post.chat + (f" topic {post.topic}" if post.topic else "")
    line = f"#{post.id} {title} → {target}"
    if post.state is PostState.QUEUED and post.due:
        line += f" · at {local_time(post.due, tz)}"
    if post.state in (PostState.FAILED, PostState.UNCERTAIN) and post.last_error:
        line += f" · {clip(post.last_error, 80)}"
    return line


class QueueCommands:
    """The /queue and /cancel handlers, on the store."""

    def __init__(self, *, store: Store, admins: Admins, tz: tzinfo, clock: Clock = utcnow) -> None:
        self._store = store
        self._admins = admins
        self._tz = tz
        self._clock = clock

    def handlers(self) -> list[Handler]:
        admin = self._admins.only
        return [
            CommandHandler("queue", admin("/queue", self.queue)),
            CommandHandler("cancel", admin("/cancel", self.cancel)),
        ]

    async def queue(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = context.args or []
        if len(args) > 1 or (args and args[0].lower() not in LISTED):
            await reply(update, usage("queue"))
            return
        counts = self._store.count_posts()
        summary = " · ".join(f"{n} {state.value}" for state, n in counts.items() if n)
        lines = [f"Posts: {summary}" if summary else "No posts yet: the queue is empty."]
        sections = (
            [(state, title, ONE_STATE) for state, title, _ in SECTIONS if state.value == args[0].lower()]
            if args
            else SECTIONS
        )
        for state, title, limit in sections:
            posts = self._store.posts(states=[state], limit=limit)
            if not posts:
                continue
            shown = (
                f"{title} ({len(posts)} of {counts[state]}):" if counts[state] > len(posts) else f"{title}:"
            )
            lines += ["", shown, *(post_line(post, self._tz) for post in posts)]
        if args and len(lines) == 1:
            lines.append(f"No {args[0].lower()} posts.")
        await reply(update, fit(lines, more=lambda left: f"… {left} more lines"))

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = context.args or []
        number = args[0].removeprefix("#") if len(args) == 1 else ""
        if not number.isdecimal():  # isdigit() would let "²" through to int()
            await reply(update, usage("cancel"))
            return
        post_id = int(number)
        post = self._store.post(post_id)
        if post is None:
            await reply(update, f"There is no post #{post_id}. /queue shows the posts and their ids.")
            return
        title = clip(post.article.title or post.article.text, TITLE_WIDTH)
        if self._store.decide(post_id, PostEvent.CANCEL, now=self._clock()):
            user = update.effective_user
            logger.info("post %d cancelled by user %s", post_id, user.id if user else "unknown")
            await reply(update, f"Cancelled #{post_id} “{title}”: it will not be published.")
            return
        current = self._store.post(post_id) or post  # it may have moved since it was read
        await reply(update, f"#{post_id} “{title}” {_why_not(current, self._tz)}")


def _why_not(post: QueuedPost, tz: tzinfo) -> str:
    """Why a post that is not queued cannot be cancelled, in the admin's terms."""
    if post.state is PostState.SENT:
        at = f" at {local_time(post.sent, tz)}" if post.sent else ""
        return f"was already published (message {post.message_id}{at}); nothing to cancel."
    if post.state is PostState.SENDING:
        return "is being sent right now and can no longer be cancelled."
    if post.state is PostState.SKIPPED:
        return "was already cancelled or skipped."
    if post.state is PostState.UNCERTAIN:
        return "may already be in the channel (the connection broke while it was sent); check there."
    return f"already failed ({post.last_error or 'no reason recorded'}); it is not in the queue."
