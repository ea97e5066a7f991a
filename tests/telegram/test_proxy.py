"""Proxies: the feed fetch and the Bot API call go through the configured proxy, credentials unlogged."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from auxil.cli import CliRunner
from auxil.fake_bot_api import FakeSession
from auxil.feedserver import FeedServer, Route
from auxil.proxies import HttpProxy, Socks5Proxy
from auxil.run_loop import rss

from bot.app import open_fetcher
from bot.config import load_settings
from bot.errors import ConfigError, FetchError

pytestmark = pytest.mark.anyio


@pytest.fixture
def http_proxy() -> Iterator[HttpProxy]:
    with HttpProxy() as proxy:
        yield proxy


@pytest.fixture
def socks_proxy() -> Iterator[Socks5Proxy]:
    with Socks5Proxy() as proxy:
        yield proxy


@pytest.fixture
def bot_env(monkeypatch: pytest.MonkeyPatch, world: FakeSession, token: str) -> None:
    monkeypatch.setenv("HASHBOT_BOT_TOKEN", token)
    monkeypatch.setenv("HASHBOT_CHANNEL", f"@{world.channel_username}")
    monkeypatch.setenv("HASHBOT_ADMIN_IDS", str(world.admin_id))
    monkeypatch.setenv("HASHBOT_BOT_API_URL", world.api.base_url)


def _feed_then_one_pass(run_cli: CliRunner, web: FeedServer) -> str:
    web.routes["/harbour.xml"] = Route(body=rss(range(1, 3)))
    added = run_cli("feeds", "add", web.url("/harbour.xml"))
    assert added.code == 0, added.err
    result = run_cli("--log-level", "DEBUG", "run", "--once")
    assert result.code == 0, result.err
    return result.err


@pytest.mark.parametrize("kind", ["http", "socks5"])
def test_one_proxy_carries_the_feed_request_and_the_bot_api_request(
    run_cli: CliRunner,
    world: FakeSession,
    web: FeedServer,
    bot_env: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    http_proxy: HttpProxy,
    socks_proxy: Socks5Proxy,
    kind: str,
) -> None:
    proxy = http_proxy if kind == "http" else socks_proxy
    monkeypatch.setenv("HASHBOT_PROXY_URL", proxy.url)
    with caplog.at_level(logging.DEBUG):
        log = _feed_then_one_pass(run_cli, web)

    [post] = world.channel_posts()
    assert "Story 002" in (post.text or "")
    feed_host = web.base.removeprefix("http://")
    api_host = world.api.base_url.removeprefix("http://").split("/")[0]
    if kind == "http":
        assert web.url("/harbour.xml") in proxy.seen
        assert any(url.startswith(world.api.base_url) and url.endswith("/sendMessage") for url in proxy.seen)
    else:
        assert {feed_host, api_host} <= set(proxy.seen)
    assert proxy.refused == 0
    # Neither our logs nor PTB's or httpx's, even at DEBUG and before any redaction, hold the password.
    assert proxy.password not in caplog.text
    assert proxy.password not in log
    assert "through the proxy socks5://***@127.0.0.1" in log or kind == "http"


def test_telegram_and_feeds_can_go_through_different_proxies(
    run_cli: CliRunner,
    world: FakeSession,
    web: FeedServer,
    bot_env: None,
    monkeypatch: pytest.MonkeyPatch,
    http_proxy: HttpProxy,
    socks_proxy: Socks5Proxy,
) -> None:
    monkeypatch.setenv("HASHBOT_TELEGRAM_PROXY_URL", socks_proxy.url)
    monkeypatch.setenv("HASHBOT_HTTP_PROXY_URL", http_proxy.url)
    _feed_then_one_pass(run_cli, web)

    assert len(world.channel_posts()) == 1
    assert http_proxy.seen == [web.url("/harbour.xml")]
    assert socks_proxy.seen and all(where == world.api.base_url.split("/")[2] for where in socks_proxy.seen)


def test_a_specific_proxy_overrides_the_general_one() -> None:
    settings = load_settings(None, proxy_url="http://proxy:3128", telegram_proxy_url="socks5://a:b@tor:9050")
    assert settings.telegram_proxy == "socks5://a:b@tor:9050"
    assert settings.http_proxy == "http://proxy:3128"
    assert "a:b" not in repr(settings)
    assert load_settings(None).telegram_proxy is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("ftp://user:hunter2@proxy:21", "'ftp://***@proxy:21' is not a proxy address"),
        ("socks5://user:hunter2@proxy", "'socks5://***@proxy' names no port"),
        ("proxy:3128", "is not a proxy address"),
        ("http://proxy:port", "is not a proxy address such as socks5://user:pass@host:1080"),
    ],
)
def test_a_bad_proxy_is_refused_without_repeating_its_password(value: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, proxy_url=value)
    assert caught.value.setting == "HASHBOT_PROXY_URL"
    assert problem in caught.value.problem
    assert "hunter2" not in str(caught.value)


async def test_wrong_proxy_credentials_are_a_fetch_error_naming_the_proxy(
    web: FeedServer, http_proxy: HttpProxy
) -> None:
    web.routes["/harbour.xml"] = Route(body=rss(range(1, 2)))
    wrong = http_proxy.url.replace(http_proxy.password, "wrong-password")
    async with open_fetcher(load_settings(None, http_proxy_url=wrong)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(web.url("/harbour.xml"))
    assert http_proxy.refused == 1 and web.requests == []
    assert "407" in str(caught.value) and "wrong-password" not in str(caught.value)
