"""What the running bot knows about itself, and the gate every post passes through.

Whether publishing is paused is the store's to say (:class:`PauseSwitch`): it survives restarts
and every process reads the same answer. What :class:`BotState` counts is per process.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.clock import utcnow
from bot.errors import PublishError, PublishForbidden, PublishPaused, PublishUndelivered
from bot.models import Post, Receipt
from bot.pipeline import Publisher

logger = logging.getLogger(__name__)


class PauseSwitch(Protocol):
    """The publishing pause, as the store keeps it (:meth:`bot.storage.Store.paused`)."""

    def paused(self) -> str | None: ...

    def pause(self, reason: str) -> None: ...

    def resume(self) -> str | None: ...


class DryRunSwitch(Protocol):
    """Dry run, as the store keeps it (:meth:`bot.storage.Store.dry_run`)."""

    def dry_run(self) -> str | None: ...

    def set_dry_run(self, reason: str | None) -> None: ...


@dataclass(slots=True)
class BotState:
    """The bot's own state: dry run or not, and what it did since it started."""

    #: The whole process is a dry run (`hashbot run --dry-run`, on a copy of the store);
    #: `/dryrun` is the store's (:class:`DryRunSwitch`).
    dry_run: bool = False
    started_at: datetime = field(default_factory=utcnow)
    published: int = 0
    previewed: int = 0
    failed: int = 0
    last_receipt: Receipt | None = None
    last_error: str | None = None


class PublishGate:
    """The publisher the bot uses: honours pause and dry run, and pauses itself on a 403.

    It is the one place a 403 is handled: publishing is paused in the store, the admins are told,
    and the error goes on to the caller (`/post` answers it, the runner puts the post back).

    It is itself a :class:`~bot.pipeline.Publisher`, so the scheduler and the approval flow send
    through it exactly as `/post` does.
    """

    def __init__(
        self,
        *,
        channel: Publisher,
        preview: Publisher,
        state: BotState,
        pause: PauseSwitch,
        dry_run: DryRunSwitch,
        tell_admins: Callable[[str], Awaitable[object]],
    ) -> None:
        self._dry_run = dry_run
        self._channel = channel
        self._preview = preview
        self._state = state
        self._pause = pause
        self._tell_admins = tell_admins

    async def publish(self, post: Post) -> Receipt:
        state = self._state
        paused = self._pause.paused()
        if paused is not None:
            raise PublishPaused(f"publishing is paused ({paused}); /resume to continue")
        if state.dry_run or self._dry_run.dry_run() is not None:
            receipt = await self._preview.publish(post)
            state.previewed += 1
            return receipt
        try:
            receipt = await self._channel.publish(post)
        except PublishForbidden as exc:
            self._pause.pause(exc.pause_reason)
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
