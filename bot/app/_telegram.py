"""The Telegram side wired: the PTB application, the publishers, the bot with its commands and desks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any, TextIO

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from bot.app._ingest import build_poller, open_fetcher
from bot.app._loop import build_runner, build_scheduler
from bot.app._planning import build_planner, tag_options
from bot.app._schedule import publish_schedule, silent_hours
from bot.app._store import open_state
from bot.clock import Clock, utcnow
from bot.config import Settings, env_name
from bot.errors import ConfigError, PublishError
from bot.ingest.http import Fetcher
from bot.ingest.pages import ArticleLoader
from bot.ingest.poller import Poller
from bot.logs import redact
from bot.models import LinkPreview
from bot.pipeline import Publisher
from bot.preview import PreviewPublisher
from bot.runner import CrossPoster, LongReads, Runner
from bot.scheduler import Jobs, Scheduler, job_failed
from bot.status import status_lines
from bot.storage import QueuedPost, Store
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
from bot.telegram.desk import unknown_button_handler
from bot.telegram.feeds import FeedCommands
from bot.telegram.handlers import HandlerGroups
from bot.telegram.jobs import QueueJobs
from bot.telegram.notices import NoticeJob
from bot.telegram.pacing import ChatLimits, ChatPacer
from bot.telegram.posting import PostCommand
from bot.telegram.publisher import Sleep
from bot.telegram.queue import QueueCommands
from bot.telegram.reactions import ALLOWED_UPDATES, ReactionCounter
from bot.telegram.scheduling import ScheduleCommand
from bot.telegram.uncertain import UncertainDesk
from bot.telegram.vocabulary import VocabularyCommands, in_place, on_a_worker_thread
from bot.vocabulary import VocabularyCache

logger = logging.getLogger(__name__)


_TOKEN_REFUSED = "Telegram refused the token; copy it again from @BotFather"


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
    # Only the overall rate: the publisher's ChatPacer keeps each chat's limits exactly (PTB's
    # token bucket lets a full minute's worth out at once), and owns retries, so it can bound
    # them and never duplicate a post.
    limiter = AIORateLimiter(
        overall_max_rate=settings.rate_limit_overall,
        overall_time_period=1,
        group_max_rate=0,
        max_retries=0,
    )
    # With no retries left to it, PTB's limiter logs every 429 it passes on as an ERROR with a
    # traceback; the publisher handles those and logs one WARNING with the wait.
    logging.getLogger("telegram.ext.AIORateLimiter").addFilter(_handled_flood_waits)
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.bot_api_url)
        .base_file_url(settings.bot_file_url)
        .rate_limiter(limiter)
        .read_timeout(read_timeout)
        .write_timeout(read_timeout)
    )
    proxy = settings.telegram_proxy
    if proxy is not None:
        # Sends and the getUpdates long poll are two PTB clients: both go through the proxy.
        builder = builder.proxy(proxy).get_updates_proxy(proxy)
        logger.info("Bot API through the proxy %s", redact(proxy))
    return builder.build()


def _handled_flood_waits(record: logging.LogRecord) -> bool:
    """Drops PTB's report of a 429 it hands back to us; every other record passes."""
    return not (record.exc_info and isinstance(record.exc_info[1], RetryAfter))


def chat_pacer(
    settings: Settings, *, clock: Clock = utcnow, sleep: Sleep = asyncio.sleep
) -> ChatPacer | None:
    """What keeps HASHBOT_RATE_LIMIT_PER_CHAT per minute and one a second per chat; 0 turns it off."""
    if not settings.rate_limit_per_chat:
        return None
    return ChatPacer(ChatLimits(per_window=int(settings.rate_limit_per_chat)), clock=clock, sleep=sleep)


@asynccontextmanager
async def initialized(application: Application, settings: Settings) -> AsyncIterator[Application]:  # type: ignore[type-arg]
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
    async with initialized(build_application(settings), settings) as application:
        yield build_channel_publisher(settings, application.bot)


def build_channel_publisher(
    settings: Settings,
    bot: Bot,
    *,
    retry: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
    clock: Clock = utcnow,
    pacer: ChatPacer | None = None,
) -> TelegramPublisher:
    """The channel's publisher; `pacer` defaults to one built from the settings (:func:`chat_pacer`)."""
    _require(settings, "channel")
    assert settings.channel is not None
    return TelegramPublisher(
        bot,
        channel=settings.channel,
        link_preview=LinkPreview(settings.link_preview),
        retry=retry,
        sleep=sleep,
        silent_hours=silent_hours(settings),
        clock=clock,
        pacer=pacer or chat_pacer(settings, clock=clock),
    )


@dataclass(frozen=True, slots=True)
class Hashbot:
    """The running bot's parts, wired: what `hashbot run` runs and what the tests drive."""

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
    #: The run loop, publishing through :attr:`publisher`; it watches this bot (see on_uncertain).
    runner: Runner
    #: The run loop's jobs; registered when `hashbot run` starts them.
    scheduler: Scheduler
    #: Where every job runs (the run loop's and the notices'): PTB's JobQueue unless given.
    jobs: Jobs

    async def on_uncertain(self, posts: Sequence[QueuedPost]) -> None:
        """The runner's uncertain posts go to the uncertain desk (Runner.watch)."""
        await self.uncertain.notify(posts)

    async def on_awaiting(self, posts: Sequence[QueuedPost]) -> None:
        """The runner's posts awaiting approval go to the approval desk (Runner.watch)."""
        await self.approvals.offer(posts)

    async def _on_start(self, application: Application) -> None:  # type: ignore[type-arg]
        await announce_commands(application)
        await self.notices.deliver(application.bot)  # what came in while the bot was down
        self.notices.schedule(self.jobs, application.bot)
        dry_run = self.store.dry_run()
        if dry_run is not None:  # kept from before the restart: nobody must forget it
            await self.admins.tell(
                application.bot,
                f"🧪 Dry run is on ({dry_run}): posts go to you as previews and stay queued. "
                "/dryrun off publishes them.",
            )
        logger.info(
            "bot @%s is listening; %d admin(s); dry run %s; approval %s",
            application.bot.username,
            len(self.admins.ids),
            "on" if self.state.dry_run or self.store.dry_run() else "off",
            "on" if self.approval else "off",
        )

    @property
    def approval(self) -> bool:
        """Whether new feed items go through :attr:`approvals` before the channel."""
        return self.settings.approval

    @asynccontextmanager
    async def running(self, *, poll_timeout: float = 1.0) -> AsyncIterator[Hashbot]:
        """The bot answering updates, inside an event loop that the caller owns (`hashbot run`)."""
        app = self.application
        async with initialized(app, self.settings):
            await self._on_start(app)
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(
                timeout=timedelta(seconds=poll_timeout), allowed_updates=list(ALLOWED_UPDATES)
            )
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
    poller: Poller | None = None,
    jobs: Jobs | None = None,
    dry_run_store: bool = False,
    retry: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
    read_timeout: float = 30.0,
    clock: Clock = utcnow,
    pacer: ChatPacer | None = None,
    long_reads: LongReads | None = None,
    mastodon: CrossPoster | None = None,
    open_reader: Callable[[], Store] | None = None,
) -> Hashbot:
    """Wire the whole bot and its run loop, in the order they depend on each other.

    The application and its publishers first; then the runner, publishing through them, and its
    scheduler (on PTB's JobQueue unless `jobs` is given); then the commands and desks, which act
    on those two; last, the runner watches the bot's desks (Runner.watch), the one place the
    cycle closes. The caller owns `store` and `fetcher` (the HTTP client that reads feeds and
    pages) and closes them after the bot stops. `poller` defaults to the settings' poller;
    `dry_run_store`: the store is a dry run's copy, where previews count as sent.
    `open_reader` opens a connection of its own to `store`'s database, for reads done on a
    worker thread (/stats); by default the settings' database is opened again.
    """
    _require(settings, "bot_token", "channel", "admin_ids")
    assert settings.channel is not None
    application = build_application(settings, read_timeout=read_timeout)
    bot = application.bot
    admins = Admins(settings.admin_ids)
    state = BotState(dry_run=settings.dry_run)
    channel = build_channel_publisher(settings, bot, retry=retry, sleep=sleep, clock=clock, pacer=pacer)
    previews = AdminPreviewPublisher(channel, admins.ids)
    gate = PublishGate(
        channel=channel,
        preview=previews,
        state=state,
        pause=store,
        dry_run=store,
        tell_admins=lambda text: admins.tell(bot, text),
    )

    runner = build_runner(
        settings,
        store=store,
        publisher=gate,
        poller=poller or build_poller(settings, store=store, fetcher=fetcher),
        clock=clock,
        dry_run=dry_run_store,
        approval=settings.approval,
        # A dry run's copy of the store previews everything; `/dryrun` previews through these.
        previewer=None if dry_run_store else previews,
        long_reads=long_reads,
        # Corrections edit the channel itself; a dry run (of the store, or live) edits nothing.
        editor=None if dry_run_store or settings.dry_run else channel,
        mastodon=None if dry_run_store or settings.dry_run else mastodon,
    )
    runner.on_stop(channel.interrupt)  # SIGTERM ends a pacing wait: its post stays queued
    job_queue = application.job_queue
    assert job_queue is not None, "python-telegram-bot is installed without its job-queue extra"
    jobs = jobs or QueueJobs(job_queue)
    scheduler = build_scheduler(settings, runner, jobs=jobs, store=store, clock=clock)

    approvals = ApprovalDesk(
        bot,
        admins=admins,
        store=store,
        tag_options=tag_options(settings),
        clock=clock,
        publishing=runner,
        rendering=runner,
        tz=settings.tz,
        on_scheduled=scheduler.sync,  # a scheduled paste arms its job at once, as /schedule's does
    )
    uncertain = UncertainDesk(
        bot,
        admins=admins,
        store=store,
        channel=settings.channel,
        clock=clock,
        render=runner.render,
        on_resend=scheduler.sync,
    )
    schedule = publish_schedule(settings)
    load = ArticleLoader(fetcher)  # one loader, over the shared fetcher, for every command
    scheduling = ScheduleCommand(
        store=store,
        admins=admins,
        load=load,
        channel=settings.channel,
        tz=settings.tz,
        clock=clock,
        on_queued=scheduler.sync,
    )
    channel_name = settings.channel
    vocabulary = VocabularyCommands(
        store=store,
        admins=admins,
        channel=channel_name,
        tz=settings.tz,
        clock=clock,
        tag_options=tag_options(settings),
        # A dry run's copy lives in its connection's memory: no other connection can read it.
        read_counts=in_place(store)
        if dry_run_store
        else on_a_worker_thread(open_reader or partial(open_state, settings)),
    )
    feeds = FeedCommands(
        store=store,
        fetcher=fetcher,
        admins=admins,
        interval=settings.feed_interval * 60,
        tz=settings.tz,
        clock=clock,
    )
    vocabularies = VocabularyCache(store, days=settings.vocabulary_days, blocked=settings.tag_blocklist)
    commands = BotCommands(
        planner=build_planner(settings),
        gate=gate,
        channel_publisher=channel,
        state=state,
        pause=store,
        dry_run=store,
        admins=admins,
        channel=settings.channel,
        run_status=lambda: status_lines(store, schedule=schedule, now=clock(), with_pause=False),
        load=load,
        tz=settings.tz,
        vocabulary=lambda: vocabularies(channel_name, now=clock()),
    )
    posting = PostCommand(
        bot,
        admins=admins,
        store=store,
        load=load,
        publishing=runner,
        offers=approvals,
        channel=settings.channel,
        tz=settings.tz,
        clock=clock,
    )
    application.add_handlers(
        HandlerGroups(
            answers=approvals.answer_handlers(),
            handlers=[
                *scheduling.handlers(),
                *QueueCommands(store=store, admins=admins, tz=settings.tz).handlers(),
                *vocabulary.handlers(),
                *feeds.handlers(),
                *commands.handlers(),
                *posting.handlers(),
                *approvals.handlers(),
                *uncertain.handlers(),
                *ReactionCounter(store=store).handlers(),
            ],
            fallbacks=[
                commands.unknown_command_handler(),
                posting.paste_handler(),
                unknown_button_handler(admins),
            ],
        ).groups()
    )
    application.add_error_handler(_log_error)
    hashbot = Hashbot(
        application=application,
        settings=settings,
        state=state,
        publisher=gate,
        approvals=approvals,
        admins=admins,
        store=store,
        uncertain=uncertain,
        notices=NoticeJob(store=store, admins=admins),
        runner=runner,
        scheduler=scheduler,
        jobs=jobs,
    )
    runner.watch(hashbot)
    return hashbot


@asynccontextmanager
async def open_bot(settings: Settings, **options: Any) -> AsyncIterator[Hashbot]:
    """The bot with a store and HTTP client of its own, both closed when the block ends."""
    with closing(open_state(settings)) as store:
        async with open_fetcher(settings) as fetcher:
            yield build_bot(settings, store=store, fetcher=fetcher, **options)


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A failing handler or job is logged and the bot goes on; the update's contents stay out of
    the log.

    A flood wait on an answer is Telegram's pacing, not a bug: one line, no traceback.
    """
    if context.job is not None:
        job_failed(context.job.name or "unnamed", context.error)
        return
    if isinstance(context.error, RetryAfter):
        logger.warning("an answer was refused by Telegram's flood limit: %s", context.error.message)
        return
    logger.error("handling an update failed: %r", context.error, exc_info=context.error)
