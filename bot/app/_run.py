"""`hashbot run`: the store, the fetcher, the bot and the scheduler put together, and driven."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app._ingest import build_poller, open_fetcher, open_state
from bot.app._planning import build_planner, publish_schedule
from bot.app._telegram import Hashbot, build_bot, initialized
from bot.config import Settings
from bot.ingest.links import dedup_keys
from bot.ingest.local import load_sources
from bot.ingest.poller import Poller, chronological
from bot.models import Article
from bot.pipeline import Publisher
from bot.preview import PreviewPublisher
from bot.runner import Clock, OnUncertain, PublishReport, Runner, utcnow
from bot.scheduler import PUBLISH_JOB, Housekeeping, Scheduler
from bot.storage import NewPost, PostState, Store, open_store_copy
from bot.telegram import ApprovalDesk

logger = logging.getLogger(__name__)


def build_runner(
    settings: Settings,
    *,
    store: Store,
    publisher: Publisher,
    poller: Poller | None,
    clock: Clock = utcnow,
    on_uncertain: OnUncertain | None = None,
    dry_run: bool = False,
    approvals: ApprovalDesk | None = None,
) -> Runner:
    """The run loop's passes; with `approvals` (the bot's desk), its buttons act through this runner,
    and with ``HASHBOT_APPROVAL`` on, feed posts wait for the admins' decision."""
    runner = Runner(
        store=store,
        planner=build_planner(settings),
        publisher=publisher,
        schedule=publish_schedule(settings),
        poller=poller,
        channel=settings.channel,
        clock=clock,
        previews_count_as_sent=dry_run,
        approval=settings.approval and approvals is not None,
        **({"on_uncertain": on_uncertain} if on_uncertain else {}),
        **({"on_awaiting": approvals.offer} if approvals else {}),
    )
    if approvals is not None:
        approvals.bind(runner)
    return runner


def queue_example_feed(store: Store, path: Path, *, chat: str, now: datetime) -> int:
    """Queue every item of a feed file (oldest first) into `store`: the dry run's bundled example."""
    articles = [item for item in load_sources([str(path)]) if isinstance(item, Article)]
    return sum(
        store.enqueue(NewPost(article=article, chat=chat, keys=dedup_keys(article)), now=now) is not None
        for article in chronological(articles)
    )


def housekeeping(settings: Settings) -> Housekeeping:
    return Housekeeping(retention=timedelta(days=settings.seen_retention_days))


@dataclass(frozen=True, slots=True)
class RunOptions:
    dry_run: bool = False
    once: bool = False
    #: Read when a dry run finds no feeds configured.
    example_feed: Path | None = None
    housekeeping: Housekeeping = field(default_factory=Housekeeping)


async def run(settings: Settings, options: RunOptions, *, preview_stream: TextIO) -> PublishReport | None:
    """`hashbot run`: poll, publish on the schedule, until SIGINT/SIGTERM (or one pass with `once`).

    A dry run works on an in-memory copy of the database (SQLite's backup API): it polls, queues
    and "publishes" exactly as a real run would, and nothing of it reaches the file.
    """
    dry_run = options.dry_run
    store = open_store_copy(settings.database) if dry_run else open_state(settings)
    try:
        if dry_run and not store.feeds() and options.example_feed is not None:
            count = queue_example_feed(store, options.example_feed, chat=settings.channel or "", now=utcnow())
            logger.info("dry run: no feeds configured; %d items queued from %s", count, options.example_feed)
        async with open_fetcher(settings) as fetcher:
            poller = build_poller(settings, store=store, fetcher=fetcher)
            if dry_run and (options.once or settings.bot_token is None):
                runner = build_runner(
                    settings,
                    store=store,
                    publisher=PreviewPublisher(preview_stream),
                    poller=poller,
                    dry_run=True,
                )
                return await _drive(runner, None, options)
            if dry_run:
                settings = settings.model_copy(update={"dry_run": True})
            hashbot = build_bot(settings, store=store, fetcher=fetcher)
            runner = build_runner(
                settings,
                store=store,
                publisher=hashbot.publisher,
                poller=poller,
                on_uncertain=hashbot.uncertain.notify,
                dry_run=dry_run,
                approvals=hashbot.approvals,
            )
            return await _drive(runner, hashbot, options)
    finally:
        store.close()


async def _drive(runner: Runner, hashbot: Hashbot | None, options: RunOptions) -> PublishReport | None:
    """Recover, then one pass (`once`) or the jobs until a signal; the send in flight always finishes."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        logger.info("stopping: finishing the send in flight")
        runner.stopping = True
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_signal)
    try:
        async with _bot_running(hashbot, updates=not options.once):
            await runner.recover()
            if options.once:
                await runner.poll_due()
                report = await runner.publish()
                _log_pass(runner, report)
                return report
            # PTB's JobQueue scheduler when the bot runs (PTB starts and stops it); without a
            # token, an AsyncIOScheduler made as PTB makes it, which we start and stop.
            job_queue = hashbot.application.job_queue if hashbot else None
            aps = job_queue.scheduler if job_queue else AsyncIOScheduler(timezone=UTC)
            scheduler = Scheduler(aps, runner, tz=runner.schedule.tz, housekeeping=options.housekeeping)
            if hashbot is not None:
                hashbot.wake.target = scheduler.sync
            scheduler.start()
            if job_queue is None:
                aps.start()
            slot = scheduler.planned.get(PUBLISH_JOB)
            logger.info(
                "running: %d feeds, next publishing slot %s; Ctrl-C or SIGTERM stops",
                len(runner.store.feeds()),
                slot.astimezone(runner.schedule.tz).strftime("%Y-%m-%d %H:%M %Z") if slot else "none",
            )
            await stop.wait()
            await runner.stop()
            if job_queue is None:
                aps.shutdown(wait=False)
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


def _log_pass(runner: Runner, report: PublishReport) -> None:
    left = runner.store.count_posts()[PostState.QUEUED]
    slot = runner.schedule.next_slot(runner.clock())
    logger.info(
        "one pass done: %d published%s; %d still queued%s",
        len(report.sent),
        f" (paused: {report.paused})" if report.paused else "",
        left,
        f", next slot {slot.astimezone(runner.schedule.tz):%Y-%m-%d %H:%M}" if left and slot else "",
    )
