"""Subscribing: a feed is checked, fetched once and saved only when it really is a feed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from auxil.cli import CliRunner
from auxil.feedserver import FeedServer, Route
from auxil.fetching import fixture, with_fetcher

from bot.clock import utcnow
from bot.errors import ConfigError, FetchError, SourceFormatError, StoreError
from bot.ingest.subscribe import FeedCheck, find_feed, subscribe
from bot.storage import Feed, NewFeed, Store, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "hashbot.sqlite3")
    yield opened
    opened.close()


def add(store: Store, url: str, **fields: object) -> tuple[Feed, FeedCheck | None]:
    return with_fetcher(
        lambda fetcher: subscribe(store, NewFeed(url=url, **fields), clock=utcnow, fetcher=fetcher)
    )  # type: ignore[arg-type]


def test_a_feed_is_fetched_once_and_saved_under_its_title(store: Store, server: FeedServer) -> None:
    server.routes["/rss.xml"] = Route(fixture("rss2_cdata.xml"))
    feed, probe = add(store, server.url("/rss.xml"))
    assert probe == FeedCheck(url=server.url("/rss.xml"), title="Coastal Gazette", items=3)
    assert (feed.id, feed.name, feed.url) == (1, "Coastal Gazette", server.url("/rss.xml"))
    assert len(server.hits("/rss.xml")) == 1
    assert store.feeds() == [feed]


def test_a_name_given_wins_over_the_feeds_title(store: Store, server: FeedServer) -> None:
    server.routes["/rss.xml"] = Route(fixture("rss2_cdata.xml"))
    feed, _ = add(store, server.url("/rss.xml"), name="Gazette")
    assert feed.name == "Gazette"


def test_a_home_page_is_saved_as_the_feed_it_announces(store: Store, server: FeedServer) -> None:
    server.routes["/"] = Route(fixture("page_with_feed.html"), content_type="text/html")
    server.routes["/rss.xml"] = Route(fixture("rss2_cdata.xml"))
    feed, probe = add(store, server.url("/"))
    assert probe is not None and (probe.url, probe.given) == (server.url("/rss.xml"), server.url("/"))
    assert feed.url == server.url("/rss.xml")


@pytest.mark.parametrize(
    ("route", "error", "message"),
    [
        (Route(b"gone", status=404), FetchError, "HTTP 404"),
        (Route(b"<html><body>Hi</body></html>", content_type="text/html"), SourceFormatError, "no feed"),
        (Route(b"just some words", content_type="text/plain"), SourceFormatError, "not an RSS or Atom feed"),
    ],
)
def test_what_is_not_a_feed_is_refused_and_not_saved(
    store: Store, server: FeedServer, route: Route, error: type[Exception], message: str
) -> None:
    server.routes["/feed"] = route
    with pytest.raises(error, match=message):
        add(store, server.url("/feed"))
    assert store.feeds() == []


def test_duplicates_are_refused_before_any_fetch(store: Store, server: FeedServer) -> None:
    server.routes["/rss.xml"] = Route(fixture("rss2_cdata.xml"))
    add(store, server.url("/rss.xml"))
    with pytest.raises(StoreError, match="already subscribed as feed 1 \\(Coastal Gazette\\)"):
        add(store, server.url("/rss.xml"))
    assert len(server.hits("/rss.xml")) == 1
    # A page leading to a feed already subscribed is a duplicate too.
    server.routes["/"] = Route(fixture("page_with_feed.html"), content_type="text/html")
    with pytest.raises(StoreError, match="already subscribed as feed 1"):
        add(store, server.url("/"))
    assert len(store.feeds()) == 1


def test_unusable_settings_are_refused_without_fetching(store: Store, server: FeedServer) -> None:
    with pytest.raises(ConfigError, match="must start with http"):
        add(store, "ftp://example.org/feed")
    with pytest.raises(ConfigError, match="neither @username nor a numeric chat id"):
        add(store, server.url("/rss.xml"), chat="news")
    assert server.requests == [] and store.feeds() == []


def test_feeds_are_found_by_id_hash_id_or_address(store: Store) -> None:
    feed = store.add_feed(NewFeed(url="https://example.org/feed.xml"), now=utcnow())
    assert find_feed(store, "1") == find_feed(store, "#1") == find_feed(store, feed.url) == feed
    assert find_feed(store, "2") is None and find_feed(store, "https://example.org/") is None


def test_cli_add_with_check(run_cli: CliRunner, server: FeedServer) -> None:
    server.routes["/"] = Route(fixture("page_with_feed.html"), content_type="text/html")
    server.routes["/rss.xml"] = Route(fixture("rss2_cdata.xml"))
    result = run_cli("feeds", "add", server.url("/"), "--check")
    assert result.code == 0, result.err
    assert result.out == (
        f"{server.url('/rss.xml')} (announced by {server.url('/')}): a feed with 3 items\n"
        "added feed 1: Coastal Gazette (every 15 min)\n"
    )
    server.routes["/bad"] = Route(b"nope", status=500)
    refused = run_cli("feeds", "add", server.url("/bad"), "--check")
    assert refused.code != 0 and "HTTP 500" in refused.err
    assert "/bad" not in run_cli("feeds", "list").out
