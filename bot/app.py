"""Composition root: the one place that turns settings into wired-up objects.

Adapters and the core never build each other; they are built here and passed in.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TextIO

import httpx
from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from bot.config import Settings, env_name
from bot.errors import ConfigError, IngestError, PublishError
from bot.hashtags import TagOptions
from bot.ingest.http import DEFAULT_USER_AGENT, Fetcher, FetchPolicy, build_client
from bot.ingest.pages import fetch_article, fetch_articles
from bot.ingest.poller import Poller, PollPolicy
from bot.models import Article, LinkPreview
from bot.pipeline import PostPlanner, Publisher
from bot.preview import PreviewPublisher
from bot.render import Renderer
from bot.storage import Store, open_store
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


@dataclass(frozen=True, slots=True)
class Hashbot:
    """The running bot's parts, wired: what `hashbot bot` runs and what the tests drive."""

    application: Application  # type: ignore[type-arg]
    settings: Settings
    state: BotState
    publisher: PublishGate
    approvals: ApprovalDesk
    admins: Admins
    #: The database, opened from HASHBOT_DATABASE; closed when the bot stops.
    store: Store
    #: The HTTP client that reads feeds and pages; closed when the bot stops.
    http: httpx.AsyncClient
    notices: NoticeJob

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

    async def _on_stop(self, application: Application) -> None:  # type: ignore[type-arg]
        await self.http.aclose()

    def serve(self) -> None:
        """Poll for updates until SIGINT or SIGTERM (PTB handles the signals and the shutdown)."""
        self.application.post_init = self._on_start
        self.application.post_shutdown = self._on_stop
        try:
            self.application.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False)
        except InvalidToken:
            raise ConfigError(env_name("bot_token"), _TOKEN_REFUSED) from None
        finally:
            self.store.close()

    @asynccontextmanager
    async def running(self, *, poll_timeout: float = 1.0) -> AsyncIterator[Hashbot]:
        """The same start as :meth:`serve`, inside an event loop that the caller owns."""
        app = self.application
        try:
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
        finally:
            await self._on_stop(app)
            self.store.close()


def build_bot(
    settings: Settings,
    *,
    retry: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
    read_timeout: float = 30.0,
) -> Hashbot:
    """Wire the whole bot: application, publishers, pause gate, commands and approval flow.

    The bot owns the store it opens (HASHBOT_DATABASE) and the HTTP client that reads feeds and
    pages; both are closed when it stops.
    """
    _require(settings, "bot_token", "channel", "admin_ids")
    application = build_application(settings, read_timeout=read_timeout)
    store = open_state(settings)
    policy = fetch_policy(settings)
    http = build_client(policy)
    fetcher = Fetcher(http, policy)
    bot = application.bot
    admins = Admins(settings.admin_ids)
    state = BotState(dry_run=settings.dry_run)
    channel = build_channel_publisher(settings, bot, retry=retry, sleep=sleep)
    gate = PublishGate(
        channel=channel,
        preview=AdminPreviewPublisher(channel, admins.ids),
        state=state,
        tell_admins=lambda text: admins.tell(bot, text),
    )
    approvals = ApprovalDesk(bot, admins=admins, publisher=gate)
    assert settings.channel is not None
    # Before BotCommands, whose last handler answers any other private message.
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
        read_page=partial(fetch_article, fetcher),
    ).register(application)
    application.add_handler(approvals.handler())
    application.add_error_handler(_log_error)
    return Hashbot(
        application=application,
        settings=settings,
        state=state,
        publisher=gate,
        approvals=approvals,
        admins=admins,
        store=store,
        http=http,
        notices=NoticeJob(store=store, admins=admins),
    )


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
