"""Telegram's limits per chat, kept exactly: at most N messages in any 60 seconds, one a second.

Telegram refuses a bot that sends more than about 20 messages a minute to one group or channel,
and more than about one a second to one chat. A token bucket (PTB's AIORateLimiter) lets a full
bucket out at once and then refills it, so 40 posts can reach a channel within one minute. Here
every send to a chat waits until both hold for the window that ends with it:

- the send is at least :attr:`ChatLimits.min_gap` after the previous one to that chat;
- it is at least :attr:`ChatLimits.window` after the send :attr:`ChatLimits.per_window` before it,
  so no window of that length ever holds more than ``per_window`` sends.

:func:`next_send_at` is the pure rule; :class:`ChatPacer` applies it with an injected clock and
sleep, so tests move time instead of waiting. Sends wait in the order they asked (one lock per
chat), which keeps a slot's posts in feed order.

A wait can be long (a minute when a slot is bigger than the window allows), so it is
:class:`Interruptible`: when hashbot is asked to stop, a waiting send gives up at once with
:class:`~bot.errors.PublishStopping`, and its post stays queued instead of holding the shutdown.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.errors import PublishStopping

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]

#: Waits shorter than this are the one-a-second spacing, not worth a log line.
_QUIET_WAIT = 1.5


@dataclass(frozen=True, slots=True)
class ChatLimits:
    """How many sends one chat gets per window, and the least time between two of them."""

    #: 0 turns the per-window limit off.
    per_window: int = 20
    window: timedelta = timedelta(seconds=60)
    min_gap: timedelta = timedelta(seconds=1)

    def __post_init__(self) -> None:
        if self.per_window < 0:
            raise ValueError("per_window cannot be negative")


def next_send_at(history: Sequence[datetime], *, now: datetime, limits: ChatLimits) -> datetime:
    """The earliest moment from `now` at which one more send to a chat keeps `limits`.

    `history` is when the earlier sends to that chat went out, oldest first.
    """
    moment = now
    if history:
        moment = max(moment, history[-1] + limits.min_gap)
    if limits.per_window and len(history) >= limits.per_window:
        moment = max(moment, history[-limits.per_window] + limits.window)
    return moment


class Interruptible:
    """Sleeps that end at once, raising :class:`PublishStopping`, after :meth:`interrupt`.

    What a stop request (SIGTERM) needs of every wait before a send: nothing was sent yet, so
    giving up loses nothing and leaves the post to the next run.
    """

    def __init__(self, sleep: Sleep = asyncio.sleep) -> None:
        self._sleep = sleep
        self._interrupted = asyncio.Event()

    @property
    def interrupted(self) -> bool:
        return self._interrupted.is_set()

    def interrupt(self) -> None:
        """End every wait now and refuse every later one."""
        self._interrupted.set()

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds`, unless interrupted before or meanwhile: then PublishStopping."""
        self.check()
        sleeping = asyncio.ensure_future(self._sleep(seconds))
        stopped = asyncio.ensure_future(self._interrupted.wait())
        try:
            await asyncio.wait((sleeping, stopped), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            sleeping.cancel()  # no-op when it is done
        self.check()
        await sleeping

    def check(self) -> None:
        """Raise PublishStopping if a stop was requested."""
        if self.interrupted:
            raise PublishStopping("hashbot is stopping: nothing was sent")


def is_group(chat: str) -> bool:
    """Whether `chat` is a group or channel (``@name`` or a negative id), not a person's chat."""
    return chat.startswith(("@", "-"))


class ChatPacer:
    """Makes each send to a chat wait its turn under :class:`ChatLimits`, chat by chat."""

    def __init__(self, limits: ChatLimits, *, clock: Clock, sleep: Sleep = asyncio.sleep) -> None:
        self._limits = limits
        #: A person's private chat: one a second, but no cap per minute (that is for groups).
        self._private = replace(limits, per_window=0)
        self._clock = clock
        self._sleep = sleep
        #: The same sleep, cut short by a stop request (see :meth:`interrupt`).
        self.waits = Interruptible(sleep)
        keep = max(limits.per_window, 1)
        self._sent: defaultdict[str, deque[datetime]] = defaultdict(lambda: deque(maxlen=keep))
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    def interrupt(self) -> None:
        """hashbot is stopping: sends waiting their turn give up now (PublishStopping)."""
        self.waits.interrupt()

    async def wait(self, chat: str, *, interruptible: bool = True) -> None:
        """Return when a message may be sent to `chat`, and count it as sent then.

        `interruptible`: after :meth:`interrupt` raise PublishStopping instead of waiting. Not for
        the second message of a post whose first is out (an album's text): that one finishes.
        """
        if interruptible:
            self.waits.check()
        async with self._locks[chat]:
            history = self._sent[chat]
            now = self._clock()
            limits = self._limits if is_group(chat) else self._private
            moment = next_send_at(history, now=now, limits=limits)
            if moment > now:
                seconds = (moment - now).total_seconds()
                if seconds >= _QUIET_WAIT:
                    logger.info(
                        "pacing %s: %d messages in the last %.0f s; the next one waits %.0f s",
                        chat,
                        sum(sent > now - self._limits.window for sent in history),
                        self._limits.window.total_seconds(),
                        seconds,
                    )
                await (self.waits.sleep(seconds) if interruptible else self._sleep(seconds))
            # The moment it was allowed, not the clock read after the sleep: the rule holds for
            # the record even if the sleep came back early, and a sleep that returns at once
            # (tests) never makes this spin.
            history.append(max(moment, self._clock()) if moment > now else now)

    def refused(self, chat: str) -> None:
        """Telegram refused the last send to `chat` (429): it does not count against the limits."""
        history = self._sent[chat]
        if history:
            history.pop()


__all__ = ["ChatLimits", "ChatPacer", "Interruptible", "is_group", "next_send_at"]
