"""Composition root: the one place that turns settings into wired-up objects.

Adapters and the core never build each other; they are built here and passed in.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from bot.config import Settings, clock_time, env_name
from bot.errors import ConfigError, IngestError, PublishError
from bot.hashtags import TagOptions
from bot.ingest.formats import parse_text
from bot.ingest.http import DEFAULT_USER_AGENT, Fetcher, FetchPolicy, build_client
from bot.ingest.links import dedup_keys
from bot.ingest.local import is_web_address, load_sources
from bot.ingest.pages import fetch_article, fetch_articles
from bot.ingest.poller import Poller, PollPolicy, chronological
from bot.models import Article, LinkPreview
from bot.pipeline import PostPlanner, Publisher
from bot.planner import PublishSchedule, QuietHours
from bot.preview import PreviewPublisher
from bot.render import Renderer
from bot.runner import PAUSED, Clock, OnUncertain, PublishReport, Runner, utcnow
from bot.scheduler import PUBLISH_JOB, Housekeeping, Scheduler
from bot.status import status_lines
from bot.storage import NewPost, PostState, Store, open_store, open_store_copy
from bot.telegram import (
    AdminPreviewPublisher,
    Admins,
    ApprovalDesk,
    BotCommands,
    BotState,
    PublishGate,
    RetryPolicy,
    TelegramPublisher,
)
from bot.telegram.commands import announce_commands
from bot.telegram.feeds import FeedCommands
from bot.telegram.notices import NoticeJob
from bot.telegram.publisher import Sleep
from bot.telegram.queue import QueueCommands
from bot.telegram.scheduling import ScheduleCommand
from bot.telegram.uncertain import UncertainDesk

logger = logging.getLogger(__name__)

_TOKEN_REFUSED = "Telegram refused the token; copy it again from @BotFather"


def tag_options(settings: Settings, *, limit: int | None = None) -> TagOptions:
    return TagOptions(
        limit=limit or settings.tag_limit,
        case=settings.tag_case,
        script=settings.tag_script,
        fixed=settings.tag_fixed,
        blocklist=settings.tag_blocklist,
        aliases=dict(settings.tag_aliases),
    )


def build_planner(
    settings: Settings, *, template: str | None = None, tag_limit: int | None = None
) -> PostPlanner:
    renderer = Renderer(templates_dir=settings.templates_dir, tz=settings.tz)
    return PostPlanner(
        renderer=renderer,
        tag_options=tag_options(settings, limit=tag_limit),
        template=template or settings.template,
    )


# ── Telegram ─────────────────────────────────────────────────────────────────────────────────────


def _require(settings: Settings, *names: str) -> None:
    """Refuse, naming the setting, when something Telegram needs is not configured."""
    hints = {
        "bot_token": "is not set; create a bot with @BotFather and put its token here",
        "channel": "is not set; give the channel's @username or numeric id",
        "admin_ids": "is empty; nobody could command the bot (ask @userinfobot for your id)",
    }
    for name in names:
        if not getattr(settings, name):
            raise ConfigError(env_name(name), hints[name])


def build_application(settings: Settings, *, read_timeout: float = 30.0) -> Application:  # type: ignore[type-arg]
    """A PTB Application on the configured Bot API server, rate limited as the settings say.

    The read timeout is generous on purpose: a send whose answer never comes cannot be retried
    safely (see bot/telegram/publisher.py), so we would rather wait.
    """
    _require(settings, "bot_token")
    assert settings.bot_token is not None
    limiter = AIORateLimiter(
        overall_max_rate=settings.rate_limit_overall,
        overall_time_period=1,
        group_max_rate=settings.rate_limit_per_chat,
        group_time_period=60,
        max_retries=0,  # the publisher owns retries, so it can bound them and never duplicate
    )
    return (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.bot_api_url)
        .base_file_url(settings.bot_file_url)
        .rate_limiter(limiter)
        .read_timeout(read_timeout)
        .write_timeout(read_timeout)
        .build()
    )


@asynccontextmanager
async def _initialized(application: Application, settings: Settings) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """`application` started up (getMe), with Telegram's refusals turned into hashbot's errors."""
    try:
        await application.initialize()
    except (InvalidToken, NetworkError) as exc:
        await application.bot.shutdown()  # initialize() opened the HTTP clients before failing
        if isinstance(exc, InvalidToken):
            # `from None`: PTB's own message quotes the token.
            raise ConfigError(env_name("bot_token"), _TOKEN_REFUSED) from None
        raise PublishError(f"cannot reach the Bot API at {settings.bot_api_url}: {exc.message}") from exc
    try:
        yield application
    finally:
        await application.shutdown()


@asynccontextmanager
async def open_publisher(
    settings: Settings, *, dry_run: bool, preview_stream: TextIO
) -> AsyncIterator[Publisher]:
    """What `hashbot post` publishes with: the channel, or in a dry run the preview on a stream.

    The same pipeline runs either way; only this choice differs.
    """
    if dry_run:
        yield PreviewPublisher(preview_stream)
        return
    _require(settings, "bot_token", "channel")
    async with _initialized(build_application(settings), settings) as application:
        yield build_channel_publisher(settings, application.bot)


def build_channel_publisher(
    settings: Settings, bot: Bot, *, retry: RetryPolicy | None = None, sleep: Sleep = asyncio.sleep
) -> TelegramPublisher:
    _require(settings, "channel")
    assert settings.channel is not None
    return TelegramPublisher(
        bot,
        channel=settings.channel,
        link_preview=LinkPreview(settings.link_preview),
        retry=retry,
        sleep=sleep,
    )


class Relay:
    """A callback whose target is set later: the bot is wired before the scheduler exists."""

    def __init__(self) -> None:
        self.target: Callable[[], None] = lambda: None

    def __call__(self) -> None:
        self.target()


@dataclass(frozen=True, slots=True)
class Hashbot:
    """The running bot's parts, wired: what `hashbot bot` runs and what the tests drive."""

    application: Application  # type: ignore[type-arg]
    settings: Settings
    state: BotState
    publisher: PublishGate
    approvals: ApprovalDesk
    admins: Admins
    #: The database; opened and closed by whoever built the bot.
    store: Store
    uncertain: UncertainDesk
    notices: NoticeJob
    #: Called when a command queued a post for a given time, so the scheduler arms it at once.
    wake: Relay

    async def _on_start(self, application: Application) -> None:  # type: ignore[type-arg]
        await announce_commands(application)
        await self.notices.deliver(application.bot)  # what came in while the bot was down
        self.notices.schedule(application)
        logger.info(
            "bot @%s is listening; %d admin(s); dry run %s; approval %s",
            application.bot.username,
            len(self.admins.ids),
            "on" if self.state.dry_run else "off",
            "on" if self.approval else "off",
        )

    @property
    def approval(self) -> bool:
        """Whether new feed items go through :attr:`approvals` before the channel."""
        return self.settings.approval

    def serve(self) -> None:
        """Poll for updates until SIGINT or SIGTERM (PTB handles the signals and the shutdown)."""
        self.application.post_init = self._on_start
        try:
            self.application.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False)
        except InvalidToken:
            raise ConfigError(env_name("bot_token"), _TOKEN_REFUSED) from None

    @asynccontextmanager
    async def running(self, *, poll_timeout: float = 1.0) -> AsyncIterator[Hashbot]:
        """The same start as :meth:`serve`, inside an event loop that the caller owns."""
        app = self.application
        async with _initialized(app, self.settings):
            await self._on_start(app)
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(timeout=timedelta(seconds=poll_timeout))
            try:
                yield self
            finally:
                await app.updater.stop()
                await app.stop()


def build_bot(
    settings: Settings,
    *,
    store: Store,
    fetcher: Fetcher,
    retry: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
    read_timeout: float = 30.0,
    clock: Clock = utcnow,
) -> Hashbot:
    """Wire the whole bot: application, publishers, pause gate, commands and approval flow.

    The caller owns `store` and `fetcher` (the HTTP client that reads feeds and pages) and closes
    them after the bot stops. The pause flag is read from and written to `store`, so it survives
    restarts.
    """
    _require(settings, "bot_token", "channel", "admin_ids")
    application = build_application(settings, read_timeout=read_timeout)
    bot = application.bot
    admins = Admins(settings.admin_ids)
    paused = store.flag(PAUSED)
    state = BotState(
        dry_run=settings.dry_run,
        paused=paused is not None,
        pause_reason=paused,
        persist_pause=lambda reason: store.set_flag(PAUSED, reason),
    )
    channel = build_channel_publisher(settings, bot, retry=retry, sleep=sleep)
    gate = PublishGate(
        channel=channel,
        preview=AdminPreviewPublisher(channel, admins.ids),
        state=state,
        tell_admins=lambda text: admins.tell(bot, text),
    )
    approvals = ApprovalDesk(bot, admins=admins, store=store, tag_options=tag_options(settings), clock=clock)
    assert settings.channel is not None
    schedule = publish_schedule(settings)
    wake = Relay()
    uncertain = UncertainDesk(
        bot, admins=admins, store=store, channel=settings.channel, clock=clock, on_resend=wake
    )

    async def load(source: str) -> Article:
        return await load_article(settings, source)

    application.add_handler(
        ScheduleCommand(
            store=store,
            admins=admins,
            load=load,
            channel=settings.channel,
            tz=settings.tz,
            clock=clock,
            on_queued=wake,
        ).handler()
    )
    # Before BotCommands: its catch-all for private messages would answer these commands first.
    application.add_handlers(QueueCommands(store=store, admins=admins).handlers())
    application.add_handlers(
        FeedCommands(
            store=store, fetcher=fetcher, admins=admins, interval=settings.feed_interval * 60
        ).handlers()
    )
    BotCommands(
        planner=build_planner(settings),
        gate=gate,
        channel_publisher=channel,
        state=state,
        admins=admins,
        channel=settings.channel,
        run_status=lambda: status_lines(store, schedule=schedule, now=clock(), with_pause=False),
        read_page=partial(fetch_article, fetcher),
    ).register(application)
    approvals.register(application)
    application.add_handler(uncertain.handler())
    application.add_error_handler(_log_error)
    return Hashbot(
        application=application,
        settings=settings,
        state=state,
        publisher=gate,
        approvals=approvals,
        admins=admins,
        store=store,
        uncertain=uncertain,
        notices=NoticeJob(store=store, admins=admins),
        wake=wake,
    )


@asynccontextmanager
async def open_bot(settings: Settings, **options: Any) -> AsyncIterator[Hashbot]:
    """The bot with a store and HTTP client of its own, both closed when the block ends."""
    with closing(open_state(settings)) as store:
        async with open_fetcher(settings) as fetcher:
            yield build_bot(settings, store=store, fetcher=fetcher, **options)


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A failing handler is logged and the bot goes on; the update's contents stay out of the log."""
    logger.error("handling an update failed: %r", context.error, exc_info=context.error)


# ── Feeds, pages and the store ────────────────────────────────────────────────────────────────────


def fetch_policy(settings: Settings) -> FetchPolicy:
    return FetchPolicy(
        user_agent=settings.http_user_agent or DEFAULT_USER_AGENT,
        connect_timeout=settings.http_connect_timeout,
        total_timeout=settings.http_timeout,
        max_bytes=int(settings.http_max_body_mb * 1024 * 1024),
        max_redirects=settings.http_max_redirects,
        concurrency=settings.http_concurrency,
        per_host=settings.http_per_host,
    )


@asynccontextmanager
async def open_fetcher(settings: Settings) -> AsyncIterator[Fetcher]:
    """The one HTTP client of a run, closed when the run ends."""
    policy = fetch_policy(settings)
    async with build_client(policy) as client:
        yield Fetcher(client, policy)


def open_state(settings: Settings) -> Store:
    return open_store(settings.database)


def build_poller(settings: Settings, *, store: Store, fetcher: Fetcher) -> Poller:
    policy = PollPolicy(
        first_items=settings.feed_first_items,
        max_failures=settings.feed_max_failures,
        default_chat=settings.channel or "",
    )
    return Poller(store=store, fetcher=fetcher, policy=policy)


async def fetch_pages(settings: Settings, urls: Iterable[str]) -> dict[str, Article | IngestError]:
    """Articles for the web addresses a command was given, fetched concurrently."""
    async with open_fetcher(settings) as fetcher:
        return await fetch_articles(fetcher, urls)


async def load_article(settings: Settings, source: str) -> Article:
    """One article from a command's argument: a web page's address, or the article's text."""
    if is_web_address(source):
        found = (await fetch_pages(settings, [source]))[source]
        if isinstance(found, IngestError):
            raise found
        return found
    return parse_text(source, source="message")


# ── The run loop ──────────────────────────────────────────────────────────────────────────────────


def publish_schedule(settings: Settings) -> PublishSchedule:
    quiet = None
    if settings.quiet_hours:
        start, end = settings.quiet_hours.split("-")
        quiet = QuietHours(start=clock_time(start), end=clock_time(end))
    return PublishSchedule(
        tz=settings.tz,
        every=timedelta(minutes=settings.publish_every) if settings.publish_every else None,
        at=tuple(clock_time(moment) for moment in settings.publish_at),
        per_slot=settings.publish_per_slot,
        max_per_hour=settings.publish_max_per_hour or None,
        max_per_day=settings.publish_max_per_day or None,
        quiet=quiet,
    )


def housekeeping(settings: Settings) -> Housekeeping:
    return Housekeeping(retention=timedelta(days=settings.seen_retention_days))


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
        async with _initialized(hashbot.application, hashbot.settings):
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
