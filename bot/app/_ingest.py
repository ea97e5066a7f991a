"""The edge that reads the world: the HTTP fetcher, the poller, the web API clients."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx

from bot.clock import Clock, utcnow
from bot.config import Settings
from bot.ingest.http import DEFAULT_USER_AGENT, Fetcher, FetchPolicy, build_client
from bot.ingest.poller import Poller, PollPolicy
from bot.logs import redact
from bot.mastodon import Mastodon
from bot.storage import Store
from bot.telegraph import Telegraph

logger = logging.getLogger(__name__)


def fetch_policy(settings: Settings) -> FetchPolicy:
    return FetchPolicy(
        user_agent=settings.http_user_agent or DEFAULT_USER_AGENT,
        connect_timeout=settings.http_connect_timeout,
        total_timeout=settings.http_timeout,
        max_bytes=int(settings.http_max_body_mb * 1024 * 1024),
        max_redirects=settings.http_max_redirects,
        concurrency=settings.http_concurrency,
        per_host=settings.http_per_host,
        proxy=settings.http_proxy,
    )


@asynccontextmanager
async def open_fetcher(settings: Settings) -> AsyncIterator[Fetcher]:
    """The one HTTP client of a run, closed when the run ends."""
    policy = fetch_policy(settings)
    if policy.proxy is not None:
        logger.debug("feeds and pages through the proxy %s", redact(policy.proxy))
    async with build_client(policy) as client:
        yield Fetcher(client, policy)


def _web_api_client(settings: Settings) -> httpx.AsyncClient:
    """A client for the web APIs hashbot writes to (Telegraph, Mastodon): the HTTP proxy and the
    fetch time limits, like feeds and pages."""
    policy = fetch_policy(settings)
    timeout = httpx.Timeout(policy.total_timeout, connect=policy.connect_timeout)
    return httpx.AsyncClient(proxy=policy.proxy, timeout=timeout, headers={"User-Agent": policy.user_agent})


@asynccontextmanager
async def open_long_reads(
    settings: Settings, store: Store, *, clock: Clock = utcnow
) -> AsyncIterator[Telegraph]:
    """The Telegraph client of a run."""
    async with _web_api_client(settings) as client:
        yield Telegraph(
            client, store=store, clock=clock, api_url=settings.telegraph_api_url, author_name=settings.channel
        )


@asynccontextmanager
async def open_mastodon(settings: Settings) -> AsyncIterator[Mastodon | None]:
    """The Mastodon client of a run; None when no account is configured."""
    if settings.mastodon_url is None or settings.mastodon_token is None:
        yield None
        return
    token = settings.mastodon_token.get_secret_value()
    async with _web_api_client(settings) as client:
        yield Mastodon(client, base_url=settings.mastodon_url, token=token)


def build_poller(settings: Settings, *, store: Store, fetcher: Fetcher) -> Poller:
    policy = PollPolicy(
        first_items=settings.feed_first_items,
        max_failures=settings.feed_max_failures,
        default_chat=settings.channel or "",
        edit_window=timedelta(hours=settings.edit_window_hours),
    )
    return Poller(store=store, fetcher=fetcher, policy=policy)
