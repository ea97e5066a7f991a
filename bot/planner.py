"""When posts go out: publishing slots, quiet hours and caps, as pure functions of (state, now).

Nothing here reads a clock, a store or the scheduler: the run loop passes `now` and what the store
knows, and acts on the answer. That keeps every scheduling decision testable with a fixed `now`.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

_DAY = timedelta(days=1)
#: How far ahead `next_slot` looks; a week covers any schedule that has a slot at all.
_HORIZON_DAYS = 8


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily span of local time with no regular posts; it may wrap midnight (22:00–07:00)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ValueError("quiet hours must not start and end at the same time")

    def contains(self, moment: time) -> bool:
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


@dataclass(frozen=True, slots=True)
class SilentHours:
    """A daily span of local time in which posts go out without a notification sound."""

    span: QuietHours
    tz: tzinfo

    def contains(self, moment: datetime) -> bool:
        return self.span.contains(moment.astimezone(self.tz).time())


@dataclass(frozen=True, slots=True)
class PublishSchedule:
    """When regular (not explicitly scheduled) posts may leave the queue."""

    tz: tzinfo
    #: Slots every so often, counted from local midnight (every 30 min: 00:00, 00:30, …).
    every: timedelta | None = timedelta(minutes=30)
    #: Fixed local times of day, in addition to `every`.
    at: tuple[time, ...] = ()
    per_slot: int = 1
    max_per_hour: int | None = None
    max_per_day: int | None = None
    quiet: QuietHours | None = None

    def __post_init__(self) -> None:
        if self.every is None and not self.at:
            raise ValueError("a publishing schedule needs an interval or fixed times")
        if self.every is not None and not timedelta(minutes=1) <= self.every <= _DAY:
            raise ValueError("the publishing interval must be between 1 minute and 1 day")
        if self.per_slot < 1:
            raise ValueError("at least one post per slot")

    def _slots_on(self, day: date) -> list[datetime]:
        times = set(self.at)
        if self.every is not None:
            count = math.ceil(_DAY / self.every)
            midnight = datetime.combine(day, time())
            times.update((midnight + index * self.every).time() for index in range(count))
        return [datetime.combine(day, moment, tzinfo=self.tz) for moment in sorted(times)]

    def is_quiet(self, moment: datetime) -> bool:
        return self.quiet is not None and self.quiet.contains(moment.astimezone(self.tz).time())

    def next_slot(self, after: datetime) -> datetime | None:
        """The first slot strictly after `after` that is not in quiet hours; None if there is none."""
        first_day = after.astimezone(self.tz).date()
        for offset in range(_HORIZON_DAYS):
            for slot in self._slots_on(first_day + timedelta(days=offset)):
                if slot > after and not self.is_quiet(slot):
                    return slot
        return None

    def allowance(self, now: datetime, sent_at: Iterable[datetime]) -> int:
        """How many regular posts may go at `now`, given when earlier posts went out."""
        if self.is_quiet(now):
            return 0
        allowed = self.per_slot
        sent = list(sent_at)
        if self.max_per_hour is not None:
            last_hour = sum(1 for moment in sent if now - timedelta(hours=1) < moment <= now)
            allowed = min(allowed, self.max_per_hour - last_hour)
        if self.max_per_day is not None:
            today = now.astimezone(self.tz).date()
            same_day = sum(1 for moment in sent if moment.astimezone(self.tz).date() == today)
            allowed = min(allowed, self.max_per_day - same_day)
        return max(allowed, 0)


def digest_due(times: Sequence[time], *, since: datetime, now: datetime, tz: tzinfo) -> bool:
    """Whether one of a feed's digest times (local) has come after `since` and by `now`.

    `since` is the feed's last digest, or its oldest waiting item for a first one. A digest missed
    while hashbot was down is due at once: its items never wait past a digest time.
    """
    first_day = since.astimezone(tz).date()
    last_day = now.astimezone(tz).date()
    day = max(first_day, last_day - timedelta(days=_HORIZON_DAYS))
    while day <= last_day:
        if any(since < datetime.combine(day, moment, tzinfo=tz) <= now for moment in times):
            return True
        day += _DAY
    return False


def next_digest(times: Sequence[time], *, now: datetime, tz: tzinfo) -> datetime | None:
    """The first of a feed's digest times (local, every day) after `now`; None when it has none."""
    local_day = now.astimezone(tz).date()
    upcoming = (
        datetime.combine(local_day + timedelta(days=offset), moment, tzinfo=tz)
        for offset in (0, 1, 2)  # two days ahead: a day made short by a clock change still has one
        for moment in times
    )
    return min((moment for moment in upcoming if moment > now), default=None)


@dataclass(frozen=True, slots=True)
class Pending:
    """What the planner needs to know about a queued post."""

    id: int
    queued_at: datetime
    #: Set for one-off posts scheduled for a given time; they go then, whatever the slots say.
    not_before: datetime | None = None


def choose_posts(pending: Sequence[Pending], *, now: datetime, allowance: int) -> list[Pending]:
    """The posts to send at `now`: due one-off posts, then up to `allowance` regular ones in order.

    One-off posts were timed by an admin on purpose, so neither quiet hours nor caps hold them back.
    Regular posts go oldest first, so a feed's items reach the channel in the order they arrived.
    """
    scheduled = sorted(
        (post for post in pending if post.not_before is not None and post.not_before <= now),
        key=lambda post: (post.not_before, post.id),
    )
    regular = sorted(
        (post for post in pending if post.not_before is None), key=lambda post: (post.queued_at, post.id)
    )
    return [*scheduled, *regular[: max(allowance, 0)]]


def poll_offset(feed_key: str, interval: timedelta, *, spread: float = 0.2) -> timedelta:
    """A stable offset within `spread` of a feed's interval, so feeds polled alike do not fire together.

    Derived from the feed's key rather than a random draw: restarts keep each feed's rhythm.
    """
    digest = hashlib.blake2b(feed_key.encode("utf-8"), digest_size=8).digest()
    fraction = int.from_bytes(digest, "big") / 2**64
    return timedelta(seconds=round(interval.total_seconds() * spread * fraction))


def next_poll(*, next_check: datetime | None, offset: timedelta, now: datetime) -> datetime:
    """When to poll a feed: its next check plus its offset, but never in the past.

    A feed never polled, or overdue after a restart, is polled `offset` from now, so the feeds
    that all fell due while the bot was down are spread out instead of fired at once.
    """
    if next_check is None or next_check <= now:
        return now + offset
    return next_check + offset


_CLOCK_FORMAT = "%H:%M"
#: The first word of ``2026-12-01 09:00``: a date whose time follows.
_DATE_WORD = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def parse_when(text: str, *, now: datetime, tz: tzinfo) -> datetime:
    """The moment an admin means by `text`, in local time `tz`: ``18:30`` or ``2026-12-01 09:00``.

    A bare time of day is its next occurrence after `now` (today, or tomorrow once it has passed).
    Raises ValueError with a sentence for people when the text is not a time or is in the past.
    """
    cleaned = " ".join(text.split())
    try:
        clock = datetime.strptime(cleaned, _CLOCK_FORMAT).time()
    except ValueError:
        pass
    else:
        local_now = now.astimezone(tz)
        moment = datetime.combine(local_now.date(), clock, tzinfo=tz)
        return moment if moment > now else datetime.combine(local_now.date() + _DAY, clock, tzinfo=tz)
    for layout in _DATE_FORMATS:
        try:
            moment = datetime.strptime(cleaned, layout).replace(tzinfo=tz)
        except ValueError:
            continue
        if moment <= now:
            raise ValueError(f"{cleaned} is in the past")
        try:
            moment.astimezone(UTC)  # the store keeps UTC: year 9999 late in the day overflows it
        except OverflowError:
            raise ValueError(f"{cleaned} is too far ahead") from None
        return moment
    raise ValueError(f"{text!r} is not a time: use HH:MM or YYYY-MM-DD HH:MM")


def starts_with_date(text: str) -> bool:
    """Whether `text` opens with a date (``2026-12-01 …``), so its time is the next word."""
    first = text.split(maxsplit=1)[:1]
    return bool(first) and _DATE_WORD.fullmatch(first[0]) is not None


def local_time(moment: datetime, tz: tzinfo) -> str:
    """`moment` as admins read it: the local date and time, and the zone's name.

    Every time the bot or the CLI shows is written this way, so a time can never be misread as
    UTC or as local (``2026-03-12 18:30 Europe/Paris``).
    """
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M} {tz}"
