"""The run loop's jobs on PTB's JobQueue: one job per name, and a failing job reaches the bot's
error handler, which logs it and lets the other jobs run."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from auxil.fake_bot_api import RecordedSleep

from bot.app import open_bot
from bot.config import Settings
from bot.telegram import RetryPolicy
from bot.telegram.jobs import QueueJobs

pytestmark = pytest.mark.anyio


async def _work() -> None:
    return None


async def test_a_name_is_one_job_replaced_when_added_again_and_gone_when_cancelled(
    settings: Settings, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    async with open_bot(settings, retry=retry, sleep=sleep) as hashbot, hashbot.running(poll_timeout=1):
        queue = hashbot.application.job_queue
        assert queue is not None
        jobs = QueueJobs(queue)
        jobs.once("publish", _work, later)
        jobs.once("publish", _work, later + timedelta(minutes=30))
        jobs.every("sync", _work, timedelta(minutes=1))
        jobs.daily("housekeeping", _work, time(4, 30, tzinfo=ZoneInfo("Europe/Paris")))
        [publish] = queue.get_jobs_by_name("publish")
        assert publish.next_t == later + timedelta(minutes=30)
        [sync] = queue.get_jobs_by_name("sync")
        assert sync.job.trigger.interval == timedelta(minutes=1)
        [housekeeping] = queue.get_jobs_by_name("housekeeping")
        next_t = housekeeping.next_t
        assert next_t is not None and (next_t.hour, next_t.minute) == (4, 30)
        assert str(next_t.tzinfo) == "Europe/Paris"
        jobs.cancel("publish")
        jobs.cancel("no such job")
        assert queue.get_jobs_by_name("publish") == ()


async def test_a_failing_job_is_logged_by_the_error_handler_and_the_next_job_still_runs(
    settings: Settings, sleep: RecordedSleep, retry: RetryPolicy, caplog: pytest.LogCaptureFixture
) -> None:
    error = RuntimeError("the feed server answered nonsense")
    ran = asyncio.Event()

    async def fails() -> None:
        raise error

    async def works() -> None:
        ran.set()

    caplog.set_level(logging.ERROR, logger="bot.scheduler")
    async with open_bot(settings, retry=retry, sleep=sleep) as hashbot, hashbot.running(poll_timeout=1):
        queue = hashbot.application.job_queue
        assert queue is not None
        jobs = QueueJobs(queue)
        now = datetime.now(UTC)
        jobs.once("poll:7", fails, now)
        jobs.once("poll:8", works, now + timedelta(milliseconds=50))
        await asyncio.wait_for(ran.wait(), timeout=10)
        for _ in range(200):  # the error handler runs as a task of its own
            if caplog.records:
                break
            await asyncio.sleep(0.05)
    [record] = caplog.records
    assert record.getMessage() == "job poll:7 failed; it runs again at its next time"
    assert record.exc_info is not None and record.exc_info[1] is error
