"""Settings turned into the core's rules for when posts go out: the publishing schedule, silent hours."""

from __future__ import annotations

from datetime import timedelta

from bot.config import Settings, clock_time
from bot.planner import PublishSchedule, QuietHours, SilentHours


def _daily_span(value: str | None) -> QuietHours | None:
    """A validated HH:MM-HH:MM setting as a span of the day."""
    if not value:
        return None
    start, end = value.split("-")
    return QuietHours(start=clock_time(start), end=clock_time(end))


def silent_hours(settings: Settings) -> SilentHours | None:
    span = _daily_span(settings.silent_hours)
    return SilentHours(span=span, tz=settings.tz) if span else None


def publish_schedule(settings: Settings) -> PublishSchedule:
    quiet = _daily_span(settings.quiet_hours)
    return PublishSchedule(
        tz=settings.tz,
        every=timedelta(minutes=settings.publish_every) if settings.publish_every else None,
        at=tuple(clock_time(moment) for moment in settings.publish_at),
        per_slot=settings.publish_per_slot,
        max_per_hour=settings.publish_max_per_hour or None,
        max_per_day=settings.publish_max_per_day or None,
        quiet=quiet,
    )
