"""What the running bot knows about itself, and the gate every post passes through.

The pause flag survives restarts: `hashbot run` hands :class:`BotState` a callback that writes
it to the store (the run loop reads it there). Counters are per process.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.errors import PublishError, PublishForbidden, PublishPaused, PublishUndelivered
from bot.models import Post, Receipt
from bot.pipeline import Publisher

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class BotState:
    """The bot's own state: paused or not, dry run or not, and what it did since it started."""

    dry_run: bool = False
    paused: bool = False
    pause_reason: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    published: int = 0
    previewed: int = 0
    failed: int = 0
    last_receipt: Receipt | None = None
    last_error: str | None = None
    #: Called with the pause reason, or None on resume, so the flag outlives the process.
    persist_pause: Callable[[str | None], None] = field(default=lambda reason: None, repr=False)

    def pause(self, reason: str) -> None:
        self.paused, self.pause_reason = True, reason
        self.persist_pause(reason)

    def resume(self) -> None:
        self.paused, self.pause_reason = False, None
        self.persist_pause(None)


class PublishGate:
    """The publisher the bot uses: honours pause and dry run, and pauses itself on a 403.

    It is itself a :class:`~bot.pipeline.Publisher`, so the scheduler and the approval flow send
    through it exactly as `/post` does.
    """

    def __init__(
        self,
        *,
        channel: Publisher,
        preview: Publisher,
        state: BotState,
        tell_admins: Callable[[str], Awaitable[object]],
    ) -> None:
        self._channel = channel
        self._preview = preview
        self._state = state
        self._tell_admins = tell_admins

    async def publish(self, post: Post) -> Receipt:
        state = self._state
        if state.paused:
            raise PublishPaused(f"publishing is paused ({state.pause_reason}); /resume to continue")
        if state.dry_run:
            receipt = await self._preview.publish(post)
            state.previewed += 1
            return receipt
        try:
            receipt = await self._channel.publish(post)
        except PublishForbidden as exc:
            state.pause(f"Telegram refused the bot in {exc.chat}: {exc.reason}")
            state.failed += 1
            state.last_error = str(exc)
            logger.error("publishing paused: %s", exc)
            await self._tell_admins(
                f"⏸ Publishing is paused: Telegram refused the bot in {exc.chat} ({exc.reason}).\n"
                "Make the bot an admin of the channel with the right to post messages, then send /resume."
            )
            raise
        except PublishError as exc:
            # Not delivered, but not refused either: the run loop tries the post again at the
            # next slot, so it is no failure (yet); whoever gives up on it counts it.
            if not isinstance(exc, PublishUndelivered):
                state.failed += 1
            state.last_error = str(exc)
            raise
        state.published += 1
        state.last_receipt = receipt
        return receipt
