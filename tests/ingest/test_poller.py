from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from auxil.feedserver import FeedServer, Route, rss
from auxil.fetching import fixture, with_fetcher
from auxil.notices import unread_notices

from bot.ingest.filters import ItemFilter
from bot.ingest.http import Fetcher
from bot.ingest.poller import (
    DAY,
    Outcome,
    Poller,
    PollPolicy,
    PollResult,
    chronological,
    retry_delay,
    select_items,
)
from bot.logs import configure_logging
from bot.models import Article
from bot.storage import Feed, NewFeed, PostState, Store, open_store

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
POLICY = PollPolicy(first_items=1, max_failures=3, default_chat="@news")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "hashbot.sqlite3")
    yield opened
    opened.close()


def poll(store: Store, *feeds: Feed, now: datetime = NOW, policy: PollPolicy = POLICY) -> list[PollResult]:
    """Poll the feeds as they are now in the store."""
    current = [store.feed(feed.id) for feed in feeds if feed.id is not None]
    return with_fetcher(
        lambda fetcher: Poller(store=store, fetcher=fetcher, policy=policy, clock=lambda: now).poll_many(
            [feed for feed in current if feed is not None]
        )
    )


def queued_titles(store: Store) -> list[str | None]:
    return [post.article.title for post in store.posts(states=[PostState.QUEUED])]


def add(store: Store, server: FeedServer, path: str, route: Route, **options: object) -> Feed:
    server.routes[path] = route
    return store.add_feed(NewFeed(url=server.url(path), **options), now=NOW)  # type: ignore[arg-type]


def test_first_poll_marks_everything_seen_and_queues_only_the_newest(
    store: Store, server: FeedServer
) -> None:
    feed = add(store, server, "/feed.xml", Route(fixture("rss2_cdata.xml")), name="Gazette", tags=("Local",))
    [result] = poll(store, feed)
    assert (result.outcome, result.new_items, len(result.queued)) == (Outcome.UPDATED, 3, 1)
    [post] = store.posts()
    assert post.article.title == "Harbour wall repaired before winter storms"
    assert (post.chat, post.feed_id, post.tags, post.article.source) == (
        "@news",
        feed.id,
        ("Local",),
        "Gazette",
    )
    assert post.article.image == "https://gazette.example/img/harbour.jpg"
    [again] = poll(store, feed, now=NOW + timedelta(hours=1))
    assert (again.new_items, again.queued) == (0, ())


def test_later_polls_queue_every_new_item_oldest_first(store: Store, server: FeedServer) -> None:
    feed = add(store, server, "/f", Route(rss(("1", "One", "https://e.org/1"))))
    poll(store, feed)
    server.routes["/f"] = Route(
        rss(
            ("3", "Three", "https://e.org/3"),
            ("2", "Two", "https://e.org/2"),
            ("1", "One", "https://e.org/1"),
        )
    )
    [result] = poll(store, feed, now=NOW + timedelta(hours=1))
    assert result.new_items == 2
    assert queued_titles(store) == ["One", "Two", "Three"]


def test_first_poll_limit_is_a_setting(store: Store, server: FeedServer) -> None:
    feed = add(store, server, "/f", Route(fixture("atom_xhtml.xml"), content_type="application/atom+xml"))
    poll(store, feed, policy=replace(POLICY, first_items=5))
    assert queued_titles(store) == ["Avalanche : vigilance orange en Savoie", "Le col du Galibier rouvre"]


def test_conditional_poll_sends_validators_and_a_304_changes_nothing(
    store: Store, server: FeedServer
) -> None:
    feed = add(
        store, server, "/f", Route(fixture("rss2_cdata.xml"), etag='"v7"', last_modified="Thu, 12 Mar 2026")
    )
    poll(store, feed)
    [result] = poll(store, feed, now=NOW + timedelta(minutes=20))
    assert result.outcome is Outcome.NOT_MODIFIED
    assert server.hits("/f")[1].headers["if-none-match"] == '"v7"'
    after = store.feed(feed.id or 0)
    assert after is not None
    assert (after.etag, after.next_check) == ('"v7"', NOW + timedelta(minutes=20, seconds=feed.interval))
    assert len(store.posts()) == 1


def test_the_same_article_from_two_feeds_is_queued_once_per_chat(store: Store, server: FeedServer) -> None:
    link = "https://e.org/story"
    a = add(store, server, "/a", Route(rss(("a-1", "Story", link + "?utm_source=a"))))
    b = add(store, server, "/b", Route(rss(("b-9", "Story (wire)", "HTTP://E.ORG/story/#top"))))
    elsewhere = add(store, server, "/c", Route(rss(("c-1", "Story", link))), chat="@other")
    results = poll(store, a, b, elsewhere)
    # a and b are polled concurrently: whichever saves first queues the story, the other does not.
    assert sorted(len(r.queued) for r in results[:2]) == [0, 1] and len(results[2].queued) == 1
    assert sorted(post.chat for post in store.posts()) == ["@news", "@other"]


def test_filters_decide_what_is_queued_but_everything_is_seen(store: Store, server: FeedServer) -> None:
    feed = add(
        store,
        server,
        "/f",
        Route(fixture("rss2_cdata.xml")),
        include=("ferry", "library"),
        exclude=("sundays",),
    )
    [result] = poll(store, feed, policy=replace(POLICY, first_items=10))
    assert result.new_items == 3 and queued_titles(store) == ["Ferry timetable changes from April"]


def test_feed_language_setting_overrides_the_feed(store: Store, server: FeedServer) -> None:
    feed = add(store, server, "/f", Route(fixture("rss2_cdata.xml")), lang="cy")
    poll(store, feed)
    assert store.posts()[0].article.lang == "cy"


def test_teaser_items_take_their_page_when_the_feed_asks(store: Store, server: FeedServer) -> None:
    server.routes["/harbour"] = Route(fixture("article_page.html"), content_type="text/html")
    feed = add(store, server, "/f", Route(rss(("h", "Harbour", server.url("/harbour")))), fetch_pages=True)
    poll(store, feed)
    [post] = store.posts()
    assert "Fishermen welcomed the work." in post.article.text
    assert post.article.title == "Harbour" and post.article.summary == "Harbour: the story in a sentence."


def test_a_page_instead_of_a_feed_leads_to_its_feed(store: Store, server: FeedServer) -> None:
    server.routes["/rss.xml"] = Route(fixture("rss2_cdata.xml"))
    page = fixture("page_with_feed.html").replace(
        b'href="/rss.xml"', f'href="{server.url("/rss.xml")}"'.encode()
    )
    feed = add(store, server, "/", Route(page, content_type="text/html"))
    [result] = poll(store, feed)
    assert result.outcome is Outcome.UPDATED and len(result.queued) == 1
    moved = store.feed(feed.id or 0)
    assert moved is not None and moved.url == server.url("/rss.xml")
    [notice] = unread_notices(store)
    assert "is a web page; hashbot now polls the feed it announces" in notice.message


def test_a_permanent_redirect_updates_the_feed_address(store: Store, server: FeedServer) -> None:
    server.routes["/new.xml"] = Route(fixture("rss2_cdata.xml"))
    feed = add(store, server, "/old.xml", Route(status=308, headers={"Location": "/new.xml"}))
    poll(store, feed)
    assert store.feed(feed.id or 0) == store.feed(server.url("/new.xml"))


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(b"gone", status=404), "HTTP 404 Not Found"),
        (Route(b"down", status=500), "HTTP 500 Internal Server Error"),
        (Route(drip_every=0.05), "timed out after 1 s"),
        (Route(b"<rss><channel><title>x</channel>", content_type="text/xml"), "is a feed with no items"),
        (Route(b"just some words", content_type="text/plain"), "is not an RSS or Atom feed (invalid XML"),
        (Route(b"<html><body>Hello</body></html>", content_type="text/html"), "is a web page, not a feed"),
        (Route(b""), "is empty"),
        (Route(endless_chunk=8192), "stopped reading"),
        (Route(status=302, headers={"Location": "/loop"}), "redirect loop"),
    ],
)
def test_each_failure_is_recorded_on_its_feed_only(
    store: Store, server: FeedServer, route: Route, message: str
) -> None:
    broken = add(store, server, "/loop", route, name="Broken")
    healthy = add(store, server, "/ok", Route(fixture("rss2_cdata.xml")))
    bad, good = poll(store, broken, healthy)
    assert bad.outcome is Outcome.FAILED and message in (bad.error or "")
    assert good.outcome is Outcome.UPDATED and len(store.posts()) == 1
    after = store.feed(broken.id or 0)
    assert after is not None and after.error_count == 1 and message in (after.last_error or "")
    assert after.next_check == NOW + timedelta(seconds=retry_delay(broken.interval, 1))


def test_refused_connection_is_a_feed_failure(store: Store, refused_url: str) -> None:
    feed = store.add_feed(NewFeed(url=refused_url), now=NOW)
    [result] = poll(store, feed)
    assert result.outcome is Outcome.FAILED and (result.error or "").startswith("cannot connect:")


def test_repeated_failures_back_off_then_disable_with_a_notice_and_keep_the_queue(
    store: Store, server: FeedServer
) -> None:
    feed = add(store, server, "/f", Route(fixture("rss2_cdata.xml")), name="Flaky")
    poll(store, feed)
    server.routes["/f"] = Route(b"down", status=503)
    outcomes, delays = [], []
    now = NOW
    for _ in range(3):
        now += timedelta(days=1)
        [result] = poll(store, feed, now=now)
        outcomes.append(result.outcome)
        current = store.feed(feed.id or 0)
        assert current is not None and current.next_check is not None
        delays.append((current.next_check - now).total_seconds())
    assert outcomes == [Outcome.FAILED, Outcome.FAILED, Outcome.DISABLED]
    assert delays == [feed.interval * 2, feed.interval * 4, feed.interval * 8]
    disabled = store.feed(feed.id or 0)
    assert disabled is not None and not disabled.enabled and store.due_feeds(now + timedelta(days=9)) == []
    [notice] = unread_notices(store)
    assert notice.message == (
        "Feed “Flaky” was disabled: 3 failures in a row. Last error: HTTP 503 Service Unavailable. "
        f"Re-enable it with: hashbot feeds enable {feed.id}"
    )
    assert queued_titles(store) == ["Harbour wall repaired before winter storms"]


def test_gone_disables_at_once_and_retry_after_is_respected(store: Store, server: FeedServer) -> None:
    gone = add(store, server, "/gone", Route(status=410))
    busy = add(store, server, "/busy", Route(status=429, headers={"Retry-After": "7200"}))
    first, second = poll(store, gone, busy)
    assert first.outcome is Outcome.DISABLED and "gone for good" in unread_notices(store)[0].message
    after = store.feed(busy.id or 0)
    assert second.outcome is Outcome.FAILED and after is not None
    assert after.next_check == NOW + timedelta(hours=2)


def test_retry_delay_doubles_and_is_capped_at_a_day() -> None:
    assert [retry_delay(900, n) for n in range(5)] == [900, 1800, 3600, 7200, 14400]
    assert retry_delay(900, 30) == DAY
    assert retry_delay(2 * DAY, 3) == 2 * DAY  # never sooner than the feed's own interval


def test_select_items_dedups_within_a_feed_and_orders_by_date() -> None:
    old = Article(text="a", id="1", published=datetime(2026, 1, 1, tzinfo=UTC))
    new = Article(text="b", id="2", published=datetime(2026, 2, 1, tzinfo=UTC))
    selection = select_items(
        [old, new, old], seen=set(), accept=ItemFilter(), first_poll=False, first_items=1
    )
    assert selection.seen_keys == ("g:1", "g:2") and selection.to_queue == (old, new)
    first = select_items([old, new], seen=set(), accept=ItemFilter(), first_poll=True, first_items=0)
    assert first.to_queue == () and len(first.seen_keys) == 2
    assert chronological([Article(text="newest"), Article(text="oldest")])[0].text == "oldest"


def test_a_json_feed_with_a_lone_surrogate_is_polled_and_queued(store: Store, server: FeedServer) -> None:
    # The surrogate used to pass `feeds add --check`, then fail every poll in content_hash.
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1", '
        b'"title": "Harbour \\ud800 plan", "content_text": "The council \\udfff approved it."}]}'
    )
    feed = add(store, server, "/feed.json", Route(body=body, content_type="application/feed+json"))
    [result] = poll(store, feed)
    assert result.outcome is Outcome.UPDATED, result.error
    assert queued_titles(store) == ["Harbour  plan"]


def test_observers_get_each_feed_result_and_its_time_and_logs_name_the_feed(
    store: Store, server: FeedServer
) -> None:
    good = add(store, server, "/good", Route(rss(("1", "One", "https://e.org/1"))))
    bad = add(store, server, "/bad", Route(b"oops", status=500))
    seen: list[tuple[int | None, Outcome, float]] = []
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging(level="INFO", fmt="json", stream=stream)

    async def work(fetcher: Fetcher) -> list[PollResult]:
        poller = Poller(store=store, fetcher=fetcher, policy=POLICY, clock=lambda: NOW)
        poller.observe(lambda result, seconds: seen.append((result.feed.id, result.outcome, seconds)))
        return await poller.poll_many([good, bad])

    try:
        with_fetcher(work)
    finally:
        root.handlers[:], root.level = handlers, level
    assert sorted((feed_id, outcome) for feed_id, outcome, _ in seen) == [
        (good.id, Outcome.UPDATED),
        (bad.id, Outcome.FAILED),
    ]
    assert all(seconds >= 0 for *_, seconds in seen)
    [warning] = [json.loads(line) for line in stream.getvalue().splitlines() if '"WARNING"' in line]
    assert warning["feed_id"] == bad.id
