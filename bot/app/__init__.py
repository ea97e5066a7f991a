"""Composition root: the one place that turns settings into wired-up objects.

Adapters and the core never build each other; they are built here and passed in:

- ``_planning``: settings → the core's value objects (tag options, planner, publishing schedule);
- ``_ingest``: the HTTP fetcher, the store, the poller;
- ``_telegram``: the PTB application, publishers, and the bot with its commands and desks;
- ``_run``: `hashbot run`, which puts all of them together and drives the scheduler.
"""

from bot.app._ingest import build_poller, fetch_pages, open_fetcher, open_state
from bot.app._planning import build_planner, housekeeping, publish_schedule, tag_options
from bot.app._run import RunOptions, build_runner, run
from bot.app._telegram import (
    Hashbot,
    build_application,
    build_bot,
    build_channel_publisher,
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
    "fetch_pages",
    "housekeeping",
    "open_bot",
    "open_fetcher",
    "open_publisher",
    "open_state",
    "publish_schedule",
    "run",
    "tag_options",
]
