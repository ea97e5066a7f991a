"""The scheduler's jobs follow the store: rebuilt at start, synced with changes, never pickled."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from auxil.run_loop import Clock

from bot.app import build_planner
from bot.config import load_settings
from bot.models import Article
from bot.planner import PublishSchedule
from bot.preview import PreviewPublisher
from bot.runner import Runner, RunnerConfig, queue_one_off
from bot.scheduler import (
    HOUSEKEEPING_JOB,
    PUBLISH_JOB,
    AsyncIOJobs,
    Housekeeping,
    Scheduler,
    next_daily,
    one_off_job,
    poll_job,
)
from bot.storage import NewFeed, PollRecord, Store, open_store

NOW = datetime(2026, 11, 24, 12, 10, tzinfo=UTC)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "hashbot.sqlite3")


def _scheduler(store: Store, clock: Clock) -> Scheduler:
    schedule = PublishSchedule(tz=UTC, every=timedelta(minutes=30))
    runner = Runner(
        store=store,
        planner=build_planner(load_settings(None)),
        publisher=PreviewPublisher(io.StringIO()),
        config=RunnerConfig(schedule=schedule),
        clock=clock,
    )
    housekeeping = Housekeeping(retention=timedelta(days=30), keep_per_feed=1)
    return Scheduler(
        AsyncIOJobs(AsyncIOScheduler()),
        runner,
        store=store,
        schedule=schedule,
        clock=clock,
        housekeeping=housekeeping,
    )


def test_jobs_are_rebuilt_from_the_store_and_follow_its_changes(store: Store) -> None:
    clock = Clock(NOW)
    first = store.add_feed(NewFeed(url="https://example.org/a.xml"), now=NOW)
    scheduler = _scheduler(store, clock)
    scheduler.start()
    assert scheduler.planned[PUBLISH_JOB] == datetime(2026, 11, 24, 12, 30, tzinfo=UTC)
    assert scheduler.planned[HOUSEKEEPING_JOB] == datetime(2026, 11, 25, 4, 30, tzinfo=UTC)
    assert set(scheduler.planned) >= {poll_job(first.id or 0)}

    # Another process adds a feed and schedules a post; another disables the first feed.
    second = store.add_feed(NewFeed(url="https://example.org/b.xml"), now=NOW)
    article = Article(text="The ferry leaves at midnight.", title="Ferry")
    post_id = queue_one_off(store, article, when=NOW + timedelta(hours=3), chat="@news", now=NOW)
    store.set_feed_enabled(first.id or 0, False)
    scheduler.sync()
    assert poll_job(second.id or 0) in scheduler.planned
    assert poll_job(first.id or 0) not in scheduler.planned
    assert scheduler.planned[one_off_job(post_id or 0)] == NOW + timedelta(hours=3)


async def test_housekeeping_prunes_old_seen_items(store: Store) -> None:
    clock = Clock(NOW)
    feed = store.add_feed(NewFeed(url="https://example.org/a.xml"), now=NOW)
    assert feed.id is not None
    for days, key in ((60, "old"), (40, "older-but-newer"), (1, "fresh")):
        checked = NOW - timedelta(days=days)
        store.save_poll(PollRecord(feed_id=feed.id, checked=checked, next_check=checked, seen_keys=(key,)))
    await _scheduler(store, clock).housekeeping()
    assert store.seen_keys(feed.id, ["old", "older-but-newer", "fresh"]) == {"fresh"}


async def test_a_failing_job_without_a_bot_is_logged_and_a_name_is_one_job(
    caplog: pytest.LogCaptureFixture,
) -> None:
    aps = AsyncIOScheduler(timezone=UTC)
    jobs = AsyncIOJobs(aps)
    error = ValueError("no such feed")

    async def fails() -> None:
        raise error

    aps.start(paused=True)  # started, so a name added again replaces its job; paused: nothing fires
    try:
        jobs.once("poll:3", fails, NOW)
        jobs.once("poll:3", fails, NOW + timedelta(hours=1))
        jobs.daily(HOUSEKEEPING_JOB, fails, time(4, 30, tzinfo=UTC))
        [poll, housekeeping] = aps.get_jobs()
        assert poll.trigger.run_date == NOW + timedelta(hours=1)
        caplog.set_level(logging.ERROR, logger="bot.scheduler")
        await poll.func()
        jobs.cancel("poll:3")
        jobs.cancel("poll:3")
        assert aps.get_jobs() == [housekeeping]
    finally:
        aps.shutdown(wait=False)
    [record] = caplog.records
    assert record.getMessage() == "job poll:3 failed; it runs again at its next time"
    assert record.exc_info is not None and record.exc_info[1] is error


def test_the_next_daily_moment_is_today_until_it_has_passed() -> None:
    paris = ZoneInfo("Europe/Paris")
    at = time(4, 30)
    assert next_daily(at, tz=paris, now=datetime(2026, 3, 28, 2, 0, tzinfo=UTC)) == datetime(
        2026, 3, 28, 4, 30, tzinfo=paris
    )
    # 04:30 in Paris has passed: tomorrow's, on the far side of the switch to summer time.
    assert next_daily(at, tz=paris, now=datetime(2026, 3, 28, 4, 0, tzinfo=UTC)) == datetime(
        2026, 3, 29, 4, 30, tzinfo=paris
    )
