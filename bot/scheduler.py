"""The run loop's jobs: feed polls, publishing slots, one-off posts, housekeeping.

The jobs go through one seam, :class:`Jobs`: PTB's JobQueue when the bot runs
(:class:`bot.telegram.jobs.QueueJobs`, whose failures reach the bot's error handler), or an
AsyncIOScheduler of our own when there is no bot (:class:`AsyncIOJobs`): the same jobs either
way. They are never pickled: the store is the source of truth, and
:meth:`Scheduler.sync` rebuilds the jobs from it at start and every minute after, so feeds and
scheduled posts added by another process (`hashbot schedule`, `hashbot feeds add`) are picked up.

Every time a job runs at is decided by :mod:`bot.planner` from (store state, now); this module only
turns those answers into triggers. Each feed has a one-shot job at its next check plus a stable
offset; after the poll it is re-armed from what the poll recorded (interval, or backoff after a
failure). The publishing job is re-armed at the next slot after each run, and each digest feed's
job at its next digest time (local), so a digest goes at its time, not at the next slot.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from functools import partial
from typing import Any, Protocol

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.planner import PublishSchedule, next_digest, next_poll, poll_offset
from bot.runner import Runner
from bot.storage import PostState, Store

logger = logging.getLogger(__name__)

PUBLISH_JOB = "publish"
SYNC_JOB = "sync"
HOUSEKEEPING_JOB = "housekeeping"


@dataclass(frozen=True, slots=True)
class Housekeeping:
    """The daily clean-up: when (local time) and how much of the seen items to keep."""

    at: time = time(4, 30)
    retention: timedelta = timedelta(days=90)
    #: A feed's newest seen items are kept whatever their age (see Store.prune_seen).
    keep_per_feed: int = 1000


#: A job's work; it may raise: the Jobs it runs on reports the failure and keeps its schedule.
Job = Callable[[], Awaitable[None]]
#: How every job runs: one that wakes late (a busy loop, a suspended laptop) still runs, once,
#: and never beside itself; adding a job under a taken name replaces that job.
JOB_OPTIONS: dict[str, Any] = {
    "misfire_grace_time": None,
    "coalesce": True,
    "max_instances": 1,
    "replace_existing": True,
}


class Jobs(Protocol):
    """Where the run loop's jobs run. Each job has a unique name; adding a name replaces its job."""

    def once(self, name: str, job: Job, at: datetime) -> None: ...

    def every(self, name: str, job: Job, interval: timedelta) -> None:
        """Run `job` every `interval`, the first time one interval from now."""
        ...

    def daily(self, name: str, job: Job, at: time) -> None:
        """Run `job` every day at `at`, a time of day in its own time zone."""
        ...

    def cancel(self, name: str) -> None:
        """Drop the job of that name, if there is one."""
        ...


def job_failed(name: str, error: BaseException | None) -> None:
    """How a failed job is reported, whichever Jobs ran it."""
    logger.error("job %s failed; it runs again at its next time", name, exc_info=error)


class AsyncIOJobs:
    """The jobs on an APScheduler scheduler of our own, for a run with no bot (so no JobQueue)."""

    def __init__(self, scheduler: BaseScheduler) -> None:
        self._scheduler = scheduler

    def once(self, name: str, job: Job, at: datetime) -> None:
        self._add(name, job, DateTrigger(at))

    def every(self, name: str, job: Job, interval: timedelta) -> None:
        self._add(name, job, IntervalTrigger(seconds=interval.total_seconds()))

    def daily(self, name: str, job: Job, at: time) -> None:
        self._add(
            name, job, CronTrigger(hour=at.hour, minute=at.minute, second=at.second, timezone=at.tzinfo)
        )

    def cancel(self, name: str) -> None:
        if self._scheduler.get_job(name) is not None:
            self._scheduler.remove_job(name)

    def _add(self, name: str, job: Job, trigger: BaseTrigger) -> None:
        async def run() -> None:
            try:
                await job()
            except Exception as error:
                job_failed(name, error)

        self._scheduler.add_job(run, trigger, id=name, name=name, **JOB_OPTIONS)


def next_daily(at: time, *, tz: tzinfo, now: datetime) -> datetime:
    """The first moment after `now` that is `at` o'clock in `tz`."""
    local = now.astimezone(tz)
    today = datetime.combine(local.date(), at, tzinfo=tz)
    return today if today > local else datetime.combine(local.date() + timedelta(days=1), at, tzinfo=tz)


def poll_job(feed_id: int) -> str:
    return f"poll:{feed_id}"


def one_off_job(post_id: int) -> str:
    return f"once:{post_id}"


def digest_job(feed_id: int) -> str:
    return f"digest:{feed_id}"


class Scheduler:
    """Registers the run loop's jobs and keeps them in step with the store."""

    def __init__(
        self,
        jobs: Jobs,
        runner: Runner,
        *,
        store: Store,
        schedule: PublishSchedule,
        clock: Clock,
        housekeeping: Housekeeping | None = None,
        sync_every: timedelta = timedelta(minutes=1),
    ) -> None:
        self._jobs = jobs
        self._runner = runner
        self._store = store
        self._schedule = schedule
        self._clock = clock
        self._housekeeping = housekeeping or Housekeeping()
        self._sync_every = sync_every
        #: When each job runs next, as decided here: what `/status` shows and tests check.
        self.planned: dict[str, datetime] = {}

    @property
    def tz(self) -> tzinfo:
        """The publishing schedule's time zone, in which slots and housekeeping are read."""
        return self._schedule.tz

    def next_slot(self) -> datetime | None:
        """The next publishing slot after now."""
        return self._schedule.next_slot(self._clock())

    def start(self) -> None:
        """Register every job, rebuilt from the store (call once, before or after the scheduler starts)."""
        now, tz = self._clock(), self._schedule.tz
        self._jobs.every(SYNC_JOB, self.sync_job, self._sync_every)
        self.planned[SYNC_JOB] = now + self._sync_every
        at = self._housekeeping.at.replace(tzinfo=tz)
        self._jobs.daily(HOUSEKEEPING_JOB, self.housekeeping, at)
        self.planned[HOUSEKEEPING_JOB] = next_daily(at, tz=tz, now=now)
        self._arm_publish()
        self.sync()

    def sync(self) -> None:
        """Add jobs for feeds and scheduled posts the store has and the scheduler lacks; drop the rest."""
        now, store = self._clock(), self._store
        wanted: set[str] = {SYNC_JOB, HOUSEKEEPING_JOB, PUBLISH_JOB}
        for feed in store.feeds():
            if not feed.enabled:
                continue
            job = poll_job(feed.id)
            wanted.add(job)
            if job not in self.planned:
                self._arm_poll(feed.id, now)
            if feed.digest_at:
                wanted.add(digest_job(feed.id))
                if digest_job(feed.id) not in self.planned:
                    self._arm_digest(feed.id, now)
        for post in store.posts(states=[PostState.QUEUED]):
            if post.due is None:
                continue
            job = one_off_job(post.id)
            wanted.add(job)
            if job not in self.planned:
                when = max(post.due, now)
                self._jobs.once(job, partial(self.one_off, post.id), when)
                self.planned[job] = when
        for job in set(self.planned) - wanted:
            self._remove(job)

    # The jobs

    async def sync_job(self) -> None:
        self.sync()

    async def poll(self, feed_id: int) -> None:
        """A feed's job: poll it, then re-arm from what the poll recorded."""
        self.planned.pop(poll_job(feed_id), None)
        try:
            await self._runner.poll_feed(feed_id)
        finally:
            feed = self._store.feed(feed_id)
            if feed is not None and feed.enabled and not self._runner.stopping:
                self._arm_poll(feed_id, self._clock())

    async def publish(self) -> None:
        """The slot job: publish what the slot allows, then re-arm at the next slot."""
        self.planned.pop(PUBLISH_JOB, None)
        try:
            await self._runner.publish(regular=True)
        finally:
            if not self._runner.stopping:
                self._arm_publish()

    async def digest(self, feed_id: int) -> None:
        """A digest feed's job at one of its times: its digest goes now, then re-armed at the next time."""
        self.planned.pop(digest_job(feed_id), None)
        try:
            await self._runner.publish(digests_only=True)
        finally:
            if not self._runner.stopping:
                self._arm_digest(feed_id, self._clock())

    async def one_off(self, post_id: int) -> None:
        """A scheduled post's job: publish the one-off posts that are due (this one among them)."""
        self.planned.pop(one_off_job(post_id), None)
        await self._runner.publish(regular=False)

    async def housekeeping(self) -> None:
        """Forget old seen items and compact the database."""
        store, policy = self._store, self._housekeeping
        pruned = store.prune_seen(
            older_than=policy.retention, now=self._clock(), keep_per_feed=policy.keep_per_feed
        )
        store.vacuum()
        logger.info("housekeeping: %d old seen items forgotten; database compacted", pruned)

    # Helpers

    def _arm_poll(self, feed_id: int, now: datetime) -> None:
        feed = self._store.feed(feed_id)
        if feed is None:
            return
        offset = poll_offset(feed.url, timedelta(seconds=feed.interval))
        when = next_poll(next_check=feed.next_check, offset=offset, now=now)
        job = poll_job(feed_id)
        self._jobs.once(job, partial(self.poll, feed_id), when)
        self.planned[job] = when

    def _arm_digest(self, feed_id: int, now: datetime) -> None:
        feed = self._store.feed(feed_id)
        if feed is None or not feed.enabled or not feed.digest_at:
            return
        times = [time.fromisoformat(moment) for moment in feed.digest_at]
        when = next_digest(times, now=now, tz=self._schedule.tz)
        if when is None:
            return
        job = digest_job(feed_id)
        self._jobs.once(job, partial(self.digest, feed_id), when)
        self.planned[job] = when

    def _arm_publish(self) -> None:
        when = self.next_slot()
        if when is None:
            logger.warning("the publishing schedule has no slot in the coming week; regular posts wait")
            return
        self._jobs.once(PUBLISH_JOB, self.publish, when)
        self.planned[PUBLISH_JOB] = when

    def _remove(self, job_id: str) -> None:
        self.planned.pop(job_id, None)
        self._jobs.cancel(job_id)
