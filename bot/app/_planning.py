"""Settings turned into the core's value objects for posts: the tag options and the planner.

Only the core is imported here (no adapter). `hashbot tags` needs the tag options alone, so the
planner, with its renderer, is imported by the function that builds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import Settings
from bot.hashtags import TagOptions

if TYPE_CHECKING:
    from bot.pipeline import PostPlanner


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
    from bot.pipeline import PostPlanner
    from bot.render import Renderer

    renderer = Renderer(templates_dir=settings.templates_dir, tz=settings.tz, locale=settings.locale)
    return PostPlanner(
        renderer=renderer,
        tag_options=tag_options(settings, limit=tag_limit),
        template=template or settings.template,
    )
