"""`hashbot run`: the store, the fetcher, the bot and the scheduler put together, and driven."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app._ingest import build_poller, open_fetcher, open_long_reads, open_mastodon
from bot.app._loop import build_runner, build_scheduler
from bot.app._store import open_state
from bot.app._telegram import Hashbot, build_bot, initialized
from bot.clock import utcnow
from bot.config import Settings
from bot.ingest.links import dedup_keys
from bot.ingest.local import load_sources
from bot.ingest.poller import Poller, chronological
from bot.models import Article
from bot.preview import PreviewPublisher
from bot.runner import PublishReport, Runner
from bot.scheduler import PUBLISH_JOB, AsyncIOJobs, Scheduler
from bot.storage import NewPost, PostState, Store, open_store_copy

logger = logging.getLogger(__name__)


def queue_example_feed(store: Store, path: Path, *, chat: str, now: datetime) -> int:
    """Queue every item of a feed file (oldest first) into `store`: the dry run's bundled example."""
    articles = [item for item in load_sources([str(path)]) if isinstance(item, Article)]
    return sum(
        store.enqueue(NewPost(article=article, chat=chat, keys=dedup_keys(article)), now=now) is not None
        for article in chronological(articles)
    )


@dataclass(frozen=True, slots=True)
class RunOptions:
    dry_run: bool = False
    once: bool = False
    #: Poll and publish without answering commands (`--no-bot`): one of several workers.
    no_bot: bool = False
    #: Read when a dry run finds no feeds configured.
    example_feed: Path | None = None


async def run(settings: Settings, options: RunOptions, *, preview_stream: TextIO) -> PublishReport | None:
    """`hashbot run`: poll, publish on the schedule, until SIGINT/SIGTERM (or one pass with `once`).

    A dry run works on an in-memory SQLite copy of the database (see :func:`open_store_copy`): it
    polls, queues and "publishes" exactly as a real run would, and nothing of it reaches the database.
    With `no_bot` the bot sends (posts, questions to admins) but answers nothing: several such
    workers and one `hashbot run` share a database (bot.workers); a dry run has no bot at all.
    """
    dry_run = options.dry_run
    store = open_store_copy(settings.database) if dry_run else open_state(settings)
    try:
        if dry_run and not store.feeds() and options.example_feed is not None:
            count = queue_example_feed(store, options.example_feed, chat=settings.channel or "", now=utcnow())
            logger.info("dry run: no feeds configured; %d items queued from %s", count, options.example_feed)
        async with open_fetcher(settings) as fetcher:
            poller = build_poller(settings, store=store, fetcher=fetcher)
            if dry_run and (options.once or options.no_bot or settings.bot_token is None):
                runner = build_runner(
                    settings,
                    store=store,
                    publisher=PreviewPublisher(preview_stream),
                    poller=poller,
                    dry_run=True,
                )
                own = _own_jobs()
                scheduler = build_scheduler(settings, runner, jobs=AsyncIOJobs(own), store=store)
                loop = _Loop(runner, scheduler, store, own)
                with _metrics(settings, runner=runner, poller=poller, store=store):
                    return await _drive(loop, None, options)
            if dry_run:
                settings = settings.model_copy(update={"dry_run": True})
            # Without the bot's updates, no JobQueue runs either: the jobs get a scheduler of ours.
            own = _own_jobs() if options.no_bot else None
            async with open_long_reads(settings, store) as telegraph, open_mastodon(settings) as mastodon:
                hashbot = build_bot(
                    settings,
                    store=store,
                    fetcher=fetcher,
                    poller=poller,
                    jobs=None if own is None else AsyncIOJobs(own),
                    dry_run_store=dry_run,
                    # A dry run publishes nothing, on Telegraph neither.
                    long_reads=None if dry_run else telegraph,
                    mastodon=mastodon,
                )
                loop = _Loop(hashbot.runner, hashbot.scheduler, store, own)
                with _metrics(settings, runner=hashbot.runner, poller=poller, store=store):
                    return await _drive(loop, hashbot, options)
    finally:
        store.close()


def _own_jobs() -> AsyncIOScheduler:
    """The jobs' scheduler when no bot runs PTB's JobQueue: an AsyncIOScheduler made as PTB makes it."""
    return AsyncIOScheduler(timezone=UTC)


@contextmanager
def _metrics(settings: Settings, *, runner: Runner, poller: Poller, store: Store) -> Iterator[None]:
    """With ``HASHBOT_METRICS_PORT``, the run's metrics served on it for as long as the run lasts."""
    if settings.metrics_port is None:
        yield
        return
    from bot.metrics import Metrics

    metrics = Metrics()
    metrics.watch(runner=runner, poller=poller, store=store)
    with metrics.serving(host=settings.metrics_host, port=settings.metrics_port) as port:
        logger.info("metrics at http://%s:%d/metrics", settings.metrics_host, port)
        yield


@dataclass(frozen=True, slots=True)
class _Loop:
    """What `_drive` drives: the runner and its jobs, and the store they work on."""

    runner: Runner
    scheduler: Scheduler
    store: Store
    #: A scheduler of our own to start and stop; None when PTB's JobQueue runs the jobs.
    own_jobs: AsyncIOScheduler | None = None


async def _drive(parts: _Loop, hashbot: Hashbot | None, options: RunOptions) -> PublishReport | None:
    """Recover, then one pass (`once`) or the jobs until a signal; the send in flight always finishes."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    runner, scheduler = parts.runner, parts.scheduler

    def on_signal() -> None:
        logger.info("stopping: finishing the send in flight")
        runner.request_stop()
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_signal)
    try:
        async with _bot_running(hashbot, updates=not (options.once or options.no_bot)):
            await runner.recover()
            if options.once:
                await runner.poll_due()
                report = await runner.publish()
                await runner.stop()  # its claims go back at once, for the next pass or worker
                _log_pass(parts, report)
                return report
            scheduler.start()
            if parts.own_jobs is not None:
                parts.own_jobs.start()
            slot = scheduler.planned.get(PUBLISH_JOB)
            logger.info(
                "running as worker %s%s: %d feeds, next publishing slot %s; Ctrl-C or SIGTERM stops",
                runner.worker,
                " (no bot: commands are answered by another process)" if options.no_bot else "",
                len(parts.store.feeds()),
                slot.astimezone(scheduler.tz).strftime("%Y-%m-%d %H:%M %Z") if slot else "none",
            )
            await stop.wait()
            await runner.stop()
            if parts.own_jobs is not None:
                parts.own_jobs.shutdown(wait=False)
            logger.info("stopped cleanly")
            return None
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


@asynccontextmanager
async def _bot_running(hashbot: Hashbot | None, *, updates: bool) -> AsyncIterator[None]:
    """The bot connected; with `updates`, also answering commands and buttons (not for one pass)."""
    if hashbot is None:
        yield
    elif updates:
        async with hashbot.running():
            yield
    else:
        async with initialized(hashbot.application, hashbot.settings):
            yield


def _log_pass(parts: _Loop, report: PublishReport) -> None:
    left = parts.store.count_posts()[PostState.QUEUED]
    slot = parts.scheduler.next_slot()
    logger.info(
        "one pass done: %d published%s; %d still queued%s",
        len(report.sent),
        f" (paused: {report.paused})" if report.paused else "",
        left,
        f", next slot {slot.astimezone(parts.scheduler.tz):%Y-%m-%d %H:%M}" if left and slot else "",
    )
