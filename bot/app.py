"""Composition root: the one place that turns settings into wired-up objects.

Adapters and the core never build each other; they are built here and passed in.
"""

from __future__ import annotations

from bot.config import Settings
from bot.hashtags import TagOptions
from bot.pipeline import PostPlanner
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
    renderer = Renderer(templates_dir=settings.templates_dir, tz=settings.tz)
    return PostPlanner(
        renderer=renderer,
        tag_options=tag_options(settings, limit=tag_limit),
        template=template or settings.template,
    )
