"""The approval flow: posts wait for an admin's [Publish] or [Skip] before reaching the channel.

:class:`ApprovalDesk` is a :class:`~bot.pipeline.Publisher`: with approval on, new feed items are
"published" to it, which sends each admin a preview with buttons. The first decision wins: it is
claimed before anything is awaited, so a double click, or two admins clicking at once, publishes
once. Every admin's copy of the preview is then edited to show who decided what.

Decisions live in memory until the store lands; a restart forgets pending previews.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from html import escape

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode as TelegramParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.errors import PublishError, PublishPaused, PublishUncertain
from bot.models import ParseMode, Post, Receipt
from bot.pipeline import Publisher
from bot.telegram.auth import Admins

logger = logging.getLogger(__name__)

PREFIX = "approval"


class Decision(StrEnum):
    PUBLISH = "publish"
    SKIP = "skip"


@dataclass(slots=True)
class Pending:
    post: Post
    #: The preview sent to each admin: (chat id, message id, text as sent).
    previews: list[tuple[int, int, str]] = field(default_factory=list)
    decision: Decision | None = None
    decided_by: str | None = None
    outcome: str | None = None


def keyboard(key: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("✅ Publish", callback_data=f"{PREFIX}:{key}:{Decision.PUBLISH}"),
                InlineKeyboardButton("⏭ Skip", callback_data=f"{PREFIX}:{key}:{Decision.SKIP}"),
            ]
        ]
    )


class ApprovalDesk:
    """Sends posts to the admins for approval and carries out their decisions, once each."""

    def __init__(self, bot: Bot, *, admins: Admins, publisher: Publisher) -> None:
        self._bot = bot
        self._admins = admins
        self._publisher = publisher
        self._keys = (f"{number:x}" for number in itertools.count(1))
        self.pending: dict[str, Pending] = {}

    async def publish(self, post: Post) -> Receipt:
        """Submit `post` for approval: each admin gets a preview with the decision buttons."""
        key = next(self._keys)
        pending = self.pending[key] = Pending(post)
        html = post.parse_mode is ParseMode.HTML
        text = f"<i>Awaiting approval</i>\n\n{post.body}" if html else f"Awaiting approval\n\n{post.body}"
        for admin in self._admins.ids:
            try:
                message = await self._bot.send_message(
                    admin,
                    text,
                    parse_mode=TelegramParseMode.HTML if html else None,
                    reply_markup=keyboard(key),
                )
            except TelegramError as exc:
                logger.warning("approval preview for admin %s failed: %s", admin, exc.message)
                continue
            pending.previews.append((admin, message.id, text))
        if not pending.previews:
            del self.pending[key]
            raise PublishError(
                f"{post.article.source or 'post'}: no admin could be sent the approval preview"
            )
        return Receipt(post=post, destination="approval", sent_at=datetime.now(UTC))

    def handler(self) -> CallbackQueryHandler[ContextTypes.DEFAULT_TYPE, None]:
        return CallbackQueryHandler(
            self._admins.only("an approval button", self.on_button), pattern=f"^{PREFIX}:"
        )

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.data is None:
            return
        _, key, action = query.data.split(":", 2)
        pending = self.pending.get(key)
        if pending is None:
            await query.answer("This preview is no longer waiting for a decision.")
            return
        if pending.decision is not None:
            await query.answer(
                f"Already decided: {pending.outcome or pending.decision} by {pending.decided_by}."
            )
            return
        # Claimed before the first await: a second click finds the decision taken.
        pending.decision = Decision(action)
        pending.decided_by = query.from_user.first_name
        if pending.decision is Decision.SKIP:
            pending.outcome = "skipped"
        else:
            pending.outcome = await self._publish(pending)
            if pending.outcome is None:
                pending.decision = pending.decided_by = None  # not sent: the buttons still work
                await query.answer("Not published: publishing is paused. /resume, then click again.")
                return
        await query.answer(pending.outcome.capitalize())
        await self._show_decision(pending)
        del self.pending[key]

    async def _publish(self, pending: Pending) -> str | None:
        """What happened, in words; None when nothing was sent and the admin may try again."""
        try:
            receipt = await self._publisher.publish(pending.post)
        except PublishPaused:
            return None
        except PublishUncertain as exc:
            return f"maybe published, check the channel ({exc})"
        except PublishError as exc:
            return f"failed: {exc}"
        if receipt.destination == "preview":
            return "previewed (dry run)"
        return f"published as message {receipt.message_id}"

    async def _show_decision(self, pending: Pending) -> None:
        note = f"{pending.outcome} by {pending.decided_by}"
        for chat_id, message_id, text in pending.previews:
            html = pending.post.parse_mode is ParseMode.HTML
            try:
                await self._bot.edit_message_text(
                    f"{text}\n\n<b>{escape(note)}</b>" if html else f"{text}\n\n{note}",
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=TelegramParseMode.HTML if html else None,
                )
            except BadRequest as exc:
                logger.warning("could not mark the approval preview %s: %s", message_id, exc.message)
