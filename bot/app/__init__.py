"""Composition root: the one place that turns settings into wired-up objects.

Adapters and the core never build each other; they are built here and passed in:

- ``_planning``: settings → the core's value objects for posts (tag options, planner);
- ``_schedule``: settings → when posts go out (publishing schedule, silent hours);
- ``_store``: the store;
- ``_ingest``: the HTTP fetcher, the poller, the web API clients (Telegraph, Mastodon);
- ``_loop``: the runner (built first) and the scheduler that drives it;
- ``_telegram``: the PTB application, publishers, and the bot with its run loop, commands and desks;
- ``_run``: `hashbot run`, which puts all of them together and drives the scheduler.

Each part is imported the first time one of its names is used (module ``__getattr__``, PEP 562;
the scientific-Python "lazy loader" pattern): importing python-telegram-bot, APScheduler and httpx
takes longer than tagging an article, and `hashbot tags` needs none of them. ``from bot.app import
build_planner`` loads ``_planning`` alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.lazy import lazy_parts

if TYPE_CHECKING:
    from bot.app._ingest import build_poller, open_fetcher, open_long_reads, open_mastodon
    from bot.app._loop import build_runner, build_scheduler, housekeeping
    from bot.app._planning import build_planner, tag_options
    from bot.app._run import RunOptions, run
    from bot.app._schedule import publish_schedule
    from bot.app._store import open_state
    from bot.app._telegram import (
        Hashbot,
        build_application,
        build_bot,
        build_channel_publisher,
        chat_pacer,
        open_bot,
        open_publisher,
    )

__all__ = [
    "Hashbot",
    "RunOptions",
    "build_application",
    "build_bot",
    "build_channel_publisher",
    "build_planner",
    "build_poller",
    "build_runner",
    "build_scheduler",
    "chat_pacer",
    "housekeeping",
    "open_bot",
    "open_fetcher",
    "open_long_reads",
    "open_mastodon",
    "open_publisher",
    "open_state",
    "publish_schedule",
    "run",
    "tag_options",
]

#: The part of the composition root each exported name lives in.
_PARTS = {
    "_store": ("open_state",),
    "_ingest": ("build_poller", "open_fetcher", "open_long_reads", "open_mastodon"),
    "_planning": ("build_planner", "tag_options"),
    "_schedule": ("publish_schedule",),
    "_loop": ("build_runner", "build_scheduler", "housekeeping"),
    "_run": ("RunOptions", "run"),
    "_telegram": (
        "Hashbot",
        "build_application",
        "build_bot",
        "build_channel_publisher",
        "chat_pacer",
        "open_bot",
        "open_publisher",
    ),
}
__getattr__, __dir__ = lazy_parts(__name__, _PARTS)
