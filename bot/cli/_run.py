"""The run loop's commands: `run`, `status` and `schedule`."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.app import RunOptions, housekeeping, publish_schedule, run
from bot.cli._common import EXIT_FAILED, EXIT_OK, SOURCE_HELP, Console, SubParsers, load, open_db
from bot.config import Settings
from bot.errors import ConfigError, HashbotError
from bot.planner import parse_when
from bot.runner import queue_one_off
from bot.status import status_lines

#: The bundled example feed a dry run reads when no feed is configured (from a clone of the repo).
EXAMPLE_FEED = Path(__file__).resolve().parents[2] / "examples" / "feed.xml"


def _cmd_run(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    dry_run = args.dry_run or settings.dry_run
    example = EXAMPLE_FEED if EXAMPLE_FEED.is_file() else Path("examples/feed.xml")
    options = RunOptions(
        dry_run=dry_run,
        once=args.once,
        example_feed=example if example.is_file() else None,
        housekeeping=housekeeping(settings),
    )
    report = asyncio.run(run(settings, options, preview_stream=console.out))
    if report is not None and (report.failed or report.uncertain):
        return EXIT_FAILED
    return EXIT_OK


def _cmd_status(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    with open_db(settings) as store:
        lines = status_lines(store, schedule=publish_schedule(settings), now=datetime.now(UTC))
    print("\n".join(lines), file=console.out)
    return EXIT_OK


def _cmd_schedule(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    now = datetime.now(UTC)
    try:
        when = parse_when(args.when, now=now, tz=settings.tz)
    except ValueError as exc:
        raise ConfigError("WHEN", str(exc)) from None
    failed = 0
    with open_db(settings) as store:
        for item in load(args.sources, settings, console):
            if isinstance(item, HashbotError):
                console.error(item)
                failed += 1
                continue
            post_id = queue_one_off(store, item, when=when, chat=settings.channel or "", now=now)
            if post_id is None:
                console.error(f"{item.source}: already queued or published in the channel; not scheduled")
                failed += 1
                continue
            print(
                f"{item.source}: scheduled as post {post_id} for "
                f"{when.astimezone(settings.tz):%Y-%m-%d %H:%M} ({settings.timezone})",
                file=console.out,
            )
    return EXIT_FAILED if failed else EXIT_OK


def register(commands: SubParsers) -> None:
    """Add `run`, `status` and `schedule` to the top-level parser."""
    run_parser = commands.add_parser(
        "run",
        help="the main job: poll feeds and publish new items on the schedule",
        description="Poll every feed on its interval, tag and render new items, and publish them "
        "at the publishing slots (HASHBOT_PUBLISH_*), answering bot commands meanwhile, until "
        "Ctrl-C or SIGTERM; the send in flight is finished first. Needs HASHBOT_BOT_TOKEN, "
        "HASHBOT_CHANNEL and HASHBOT_ADMIN_IDS, except with --dry-run.",
    )
    run_parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the posts instead of publishing them, working on an in-memory copy of the "
        "database (a later real run is unaffected); needs no token; with no feed configured it "
        "reads the bundled examples/feed.xml",
    )
    run_parser.add_argument(
        "--once", action="store_true", help="one poll and one publish pass, then exit (for cron)"
    )
    run_parser.set_defaults(handler=_cmd_run)

    status = commands.add_parser(
        "status",
        help="show feeds, the queue and the next publishing slot",
        description="Show whether publishing is paused, the next publishing slot, the queue by "
        "state, and every feed's last poll, next poll and last error.",
    )
    status.set_defaults(handler=_cmd_status)

    schedule = commands.add_parser(
        "schedule",
        help="queue a post to go out at a given local time",
        description="Queue one post per article to be published at WHEN (in HASHBOT_TIMEZONE), "
        "whatever the publishing slots, caps and quiet hours say. A running `hashbot run` picks "
        "it up within a minute.",
    )
    schedule.add_argument("when", metavar="WHEN", help='"YYYY-MM-DD HH:MM", or HH:MM for its next occurrence')
    schedule.add_argument("sources", nargs="+", metavar="SOURCE", help=SOURCE_HELP)
    schedule.set_defaults(handler=_cmd_schedule)
