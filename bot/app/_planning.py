"""Settings turned into the core's value objects: tag options, the planner, the publishing schedule.

Only the core is imported here (no adapter): `hashbot tags` and `preview` build their planner from
this module alone.
"""

from __future__ import annotations

from datetime import timedelta

from bot.config import Settings, clock_time
from bot.hashtags import TagOptions
from bot.pipeline import PostPlanner
from bot.planner import PublishSchedule, QuietHours, SilentHours
from bot.render import Renderer


def tag_options(settings: Settings, *, limit: int | None = None) -> TagOptions:
    return TagOptions(
        limit=limit or settings.tag_limit,
        case=settings.tag_case,
        script=settings.tag_script,
        fixed=settings.tag_fixed,
        blocklist=settings.tag_blocklist,
        aliases=dict(settings.tag_aliases),
    )


def build_planner(
    settings: Settings, *, template: str | None = None, tag_limit: int | None = None
) -> PostPlanner:
    renderer = Renderer(templates_dir=settings.templates_dir, tz=settings.tz, locale=settings.locale)
    return PostPlanner(
        renderer=renderer,
        tag_options=tag_options(settings, limit=tag_limit),
        template=template or settings.template,
    )


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
