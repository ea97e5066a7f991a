"""The run loop's commands: `run`, `status` and `schedule`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot import app
from bot.cli._common import EXIT_FAILED, EXIT_OK, Console, load, open_db
from bot.cli._table import RunCommandOptions, ScheduleOptions, StatusOptions
from bot.clock import utcnow
from bot.config import Settings
from bot.errors import ConfigError, HashbotError
from bot.planner import local_time, parse_when
from bot.runner import queue_one_off
from bot.status import status_lines

#: The bundled example feed a dry run reads when no feed is configured (from a clone of the repo).
EXAMPLE_FEED = Path(__file__).resolve().parents[2] / "examples" / "feed.xml"


def run(options: RunCommandOptions, settings: Settings, console: Console) -> int:
    dry_run = options.dry_run or settings.dry_run
    example = EXAMPLE_FEED if EXAMPLE_FEED.is_file() else Path("examples/feed.xml")
    run_options = app.RunOptions(
        dry_run=dry_run,
        once=options.once,
        no_bot=options.no_bot,
        example_feed=example if example.is_file() else None,
    )
    report = asyncio.run(app.run(settings, run_options, preview_stream=console.out))
    if report is not None and (report.failed or report.uncertain):
        return EXIT_FAILED
    return EXIT_OK


def status(options: StatusOptions, settings: Settings, console: Console) -> int:
    with open_db(settings) as store:
        lines = status_lines(store, schedule=app.publish_schedule(settings), now=utcnow())
    print("\n".join(lines), file=console.out)
    return EXIT_OK


def schedule(options: ScheduleOptions, settings: Settings, console: Console) -> int:
    now = utcnow()
    try:
        when = parse_when(options.when, now=now, tz=settings.tz)
    except ValueError as exc:
        raise ConfigError("WHEN", str(exc)) from None
    failed = 0
    with open_db(settings) as store:
        for item in load(options.sources, settings, console):
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
                f"{item.source}: scheduled as post {post_id} for {local_time(when, settings.tz)}",
                file=console.out,
            )
    return EXIT_FAILED if failed else EXIT_OK
