"""The run loop's jobs on PTB's JobQueue: ``run_once``, ``run_repeating`` and ``run_daily``.

Through the JobQueue's own API, a job that raises reaches the application's error handler
(``context.job`` set), as a failing update handler does; see ``bot.app._telegram``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime, time, timedelta
from typing import Any

from telegram.ext import ContextTypes, JobQueue

from bot.scheduler import JOB_OPTIONS, Job


class QueueJobs:
    """:class:`bot.scheduler.Jobs` on the bot's JobQueue; a job's name is its APScheduler id too,
    so adding a name again replaces its job."""

    def __init__(self, queue: JobQueue[ContextTypes.DEFAULT_TYPE]) -> None:
        self._queue = queue

    def once(self, name: str, job: Job, at: datetime) -> None:
        self._queue.run_once(_callback(job), at, name=name, job_kwargs=_options(name))

    def every(self, name: str, job: Job, interval: timedelta) -> None:
        self._queue.run_repeating(_callback(job), interval, name=name, job_kwargs=_options(name))

    def daily(self, name: str, job: Job, at: time) -> None:
        self._queue.run_daily(_callback(job), at, name=name, job_kwargs=_options(name))

    def cancel(self, name: str) -> None:
        for job in self._queue.get_jobs_by_name(name):
            job.schedule_removal()


def _callback(job: Job) -> Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    async def callback(context: ContextTypes.DEFAULT_TYPE) -> None:
        await job()

    return callback


def _options(name: str) -> dict[str, Any]:
    return {"id": name, **JOB_OPTIONS}
