"""The commands that act on the store: /queue, /cancel, /feeds, /addfeed, /removefeed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from auxil.fake_bot_api import FakeSession, RecordedSleep, reply_after
from auxil.feedserver import FeedServer, Route
from auxil.fetching import fixture
from auxil.lifecycle import move_to
from auxil.running_bot import running

from bot.config import Settings
from bot.models import Article
from bot.storage import NewFeed, NewPost, PollFailure, PostKind, PostState, Store
from bot.telegram import RetryPolicy
from bot.telegram.auth import REFUSAL
from bot.telegram.replies import fit

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
LONG_TITLE = "Harbour wall repaired before the winter storms that the whole coast had been dreading"


def enqueue(store: Store, title: str, *, chat: str = "@hashbot_news", **fields: object) -> int:
    article = Article(text=f"{title}. The story.", title=title, url=f"https://example.org/{len(title)}")
    post = NewPost(article=article, chat=chat, keys=(f"k:{title}",), **fields)  # type: ignore[arg-type]
    post_id = store.enqueue(post, now=NOW)
    assert post_id is not None
    return post_id


async def ask(world: FakeSession, text: str, *, user: int | None = None) -> str:
    [answer] = await reply_after(world, world.admin_id if user is None else user, text)
    return answer


# /queue


async def test_queue_lists_posts_by_state_with_ids_titles_and_targets(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry) as hashbot:
        store = hashbot.store
        empty = await ask(world, "/queue")
        first = enqueue(store, LONG_TITLE)
        enqueue(
            store,
            "Ferry timetable",
            chat="-100777",
            topic=3,
            kind=PostKind.ONE_OFF,
            scheduled=NOW + timedelta(hours=5),
        )
        failed = enqueue(store, "Library reopens")
        move_to(store, failed, PostState.FAILED, now=NOW, note="Telegram refused the post: chat not found")
        sent = enqueue(store, "Old news")
        move_to(store, sent, PostState.SENT, now=NOW, message_id=4)
        listing = await ask(world, "/queue")
        only_failed = await ask(world, "/queue failed")
        nothing_uncertain = await ask(world, "/queue uncertain")
    assert empty == "No posts yet: the queue is empty."
    assert listing.splitlines() == [
        "Posts: 2 queued · 1 sent · 1 failed",
        "",
        "Next to go:",
        f"#{first} Harbour wall repaired before the winter storms that the… → @hashbot_news",
        "#2 Ferry timetable → -100777 topic 3 · at 2026-03-12 14:00 UTC",
        "",
        "Failed:",
        "#3 Library reopens → @hashbot_news · Telegram refused the post: chat not found",
    ]
    assert only_failed.splitlines()[2:] == listing.splitlines()[6:]
    assert nothing_uncertain.endswith("No uncertain posts.")


async def test_queue_caps_what_it_lists(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry) as hashbot:
        for number in range(45):
            enqueue(hashbot.store, f"Story number {number} " + "x" * 200)
        short = await ask(world, "/queue")
        longer = await ask(world, "/queue queued")
    assert "Next to go (10 of 45):" in short and len(short.splitlines()) == 13
    assert "Next to go (30 of 45):" in longer and len(longer.splitlines()) == 33


def test_fit_keeps_a_reply_within_telegrams_limit() -> None:
    lines = [f"line {n} " + "é" * 90 for n in range(100)]
    text = fit(lines, more=lambda left: f"… {left} more lines")
    assert len(text) <= 4096 and text.endswith("more lines")
    kept = text.splitlines()[:-1]
    assert kept == lines[: len(kept)] and text.splitlines()[-1] == f"… {100 - len(kept)} more lines"
    assert fit(lines[:3], more=lambda left: "never") == "\n".join(lines[:3])


# /cancel


async def test_cancel_skips_a_queued_post_and_explains_every_other_case(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry) as hashbot:
        store = hashbot.store
        queued = enqueue(store, "Ferry timetable")
        sent = enqueue(store, "Old news")
        move_to(store, sent, PostState.SENT, now=NOW, message_id=4)
        sending = enqueue(store, "On its way")
        assert store.claim(sending, now=NOW)
        answers = [
            await ask(world, f"/cancel {queued}"),
            await ask(world, f"/cancel #{queued}"),
            await ask(world, f"/cancel {sent}"),
            await ask(world, f"/cancel {sending}"),
            await ask(world, "/cancel 99"),
        ]
        states = [(post.id, post.state) for post in store.posts()]
    assert answers == [
        f"Cancelled #{queued} “Ferry timetable”: it will not be published.",
        f"#{queued} “Ferry timetable” was already cancelled or skipped.",
        f"#{sent} “Old news” was already published (message 4 at 2026-03-12 09:00 UTC); nothing to cancel.",
        f"#{sending} “On its way” is being sent right now and can no longer be cancelled.",
        "There is no post #99. /queue shows the posts and their ids.",
    ]
    assert sorted(states) == [(1, PostState.SKIPPED), (2, PostState.SENT), (3, PostState.SENDING)]
    assert world.channel_posts() == []


# /feeds, /addfeed, /removefeed


async def test_addfeed_checks_the_feed_at_once_and_saves_it(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy, web: FeedServer
) -> None:
    web.routes["/rss.xml"] = Route(fixture("rss2_cdata.xml"))
    web.routes["/"] = Route(fixture("page_with_feed.html"), content_type="text/html")
    web.routes["/gone.xml"] = Route(b"gone", status=404)
    async with running(settings, sleep, retry) as hashbot:
        added = await ask(world, f"/addfeed {web.url('/rss.xml')}")
        again = await ask(world, f"/addfeed {web.url('/')} Coast")
        missing = await ask(world, f"/addfeed {web.url('/gone.xml')} Gone")
        feeds = hashbot.store.feeds()
    assert added.splitlines() == [
        "Added feed #1: Coastal Gazette, 3 items now.",
        "Its first poll queues only the newest items; /feeds shows how it is doing.",
    ]
    assert again == f"Not added: {web.url('/rss.xml')}: already subscribed as feed 1 (Coastal Gazette)"
    assert missing == f"Not added: {web.url('/gone.xml')}: HTTP 404 Not Found"
    assert [(feed.url, feed.name, feed.interval) for feed in feeds] == [
        (web.url("/rss.xml"), "Coastal Gazette", settings.feed_interval * 60)
    ]


async def test_addfeed_takes_the_feed_a_page_announces_and_the_name_given(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy, web: FeedServer
) -> None:
    web.routes["/rss.xml"] = Route(fixture("rss2_cdata.xml"))
    web.routes["/"] = Route(fixture("page_with_feed.html"), content_type="text/html")
    async with running(settings, sleep, retry) as hashbot:
        added = await ask(world, f"/addfeed {web.url('/')} The Coast Gazette")
        [feed] = hashbot.store.feeds()
    assert added.splitlines()[:2] == [
        "Added feed #1: The Coast Gazette, 3 items now.",
        f"{web.url('/')} is a web page; its feed {web.url('/rss.xml')} was added instead.",
    ]
    assert (feed.url, feed.name) == (web.url("/rss.xml"), "The Coast Gazette")


async def test_feeds_lists_state_and_errors_and_pages(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry) as hashbot:
        store = hashbot.store
        empty = await ask(world, "/feeds")
        ok = store.add_feed(NewFeed(url="https://gazette.example/rss.xml", name="Gazette"), now=NOW)
        broken = store.add_feed(NewFeed(url="https://broken.example/feed", chat="@other", topic=2), now=NOW)
        assert broken.id
        for _ in range(3):
            store.save_failure(
                PollFailure(feed_id=broken.id, checked=NOW, next_check=NOW, error="HTTP 502 Bad Gateway")
            )
        off = store.add_feed(NewFeed(url="https://off.example/feed", enabled=False), now=NOW)
        listing = await ask(world, "/feeds")
        for number in range(25):
            store.add_feed(NewFeed(url=f"https://many.example/{number}.xml"), now=NOW)
        first = await ask(world, "/feeds")
        last = await ask(world, "/feeds 3")
    assert empty == "No feeds yet. Subscribe with /addfeed <url>."
    assert listing.splitlines() == [
        "Feeds: 3 (1 off, 1 failing)",
        f"#{ok.id} ✅ ok · Gazette",
        "    https://gazette.example/rss.xml · not polled yet",
        f"#{broken.id} ⚠️ failing · https://broken.example/feed",
        "    last poll 2026-03-12 09:00 UTC · to @other topic 2",
        "    3 error(s) in a row, last: HTTP 502 Bad Gateway",
        f"#{off.id} ⛔ off · https://off.example/feed",
        "    not polled yet",
    ]
    assert first.splitlines()[0] == "Feeds: 28 (1 off, 1 failing) · page 1 of 3, /feeds 2 for more"
    assert last.splitlines()[0] == "Feeds: 28 (1 off, 1 failing) · page 3 of 3"
    assert [line.split()[0] for line in last.splitlines()[1::2]] == [f"#{n}" for n in range(21, 29)]


async def test_removefeed_by_id_or_address_keeps_its_queued_posts(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry) as hashbot:
        store = hashbot.store
        first = store.add_feed(NewFeed(url="https://gazette.example/rss.xml", name="Gazette"), now=NOW)
        store.add_feed(NewFeed(url="https://other.example/feed"), now=NOW)
        third = store.add_feed(NewFeed(url="https://third.example/feed", name="Third"), now=NOW)
        enqueue(store, "Ferry timetable", feed_id=first.id)
        by_id = await ask(world, f"/removefeed {first.id}")
        by_url = await ask(world, "/removefeed https://other.example/feed")
        as_listed = await ask(world, f"/removefeed #{third.id}")  # /feeds shows ids as #3
        unknown = await ask(world, "/removefeed 7")
        feeds, posts = store.feeds(), store.posts()
    assert by_id == "Removed feed #1: Gazette. Posts it already queued stay queued."
    assert by_url == "Removed feed #2: https://other.example/feed. Posts it already queued stay queued."
    assert as_listed == "Removed feed #3: Third. Posts it already queued stay queued."
    assert unknown == "There is no feed 7. /feeds shows their ids and addresses."
    assert feeds == [] and [post.state for post in posts] == [PostState.QUEUED]


USAGE = {
    "/queue everything": "Usage: /queue [queued|awaiting|uncertain|failed]",
    "/queue queued failed": "Usage: /queue [queued|awaiting|uncertain|failed]",
    "/cancel": "Usage: /cancel <id>",
    "/cancel soon": "Usage: /cancel <id>",
    "/feeds last": "Usage: /feeds [page]",
    "/feeds 0": "Usage: /feeds [page]",
    "/addfeed": "Usage: /addfeed <url> [name]",
    "/addfeed gazette.example/rss": "Usage: /addfeed <url> [name]",
    "/removefeed": "Usage: /removefeed <url|id>",
    "/removefeed 1 2": "Usage: /removefeed <url|id>",
    # str.isdigit() accepts these, int() does not.
    "/cancel ²": "Usage: /cancel <id>",
    "/feeds ²": "Usage: /feeds [page]",
}


async def test_bad_arguments_get_the_usage_line(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry):
        answers = {command: await ask(world, command) for command in USAGE}
    assert answers == USAGE


async def test_ids_no_post_or_feed_can_have_are_answered_as_unknown(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    huge = "9" * 30  # beyond SQLite's 64-bit integers
    async with running(settings, sleep, retry):
        cancel = await ask(world, f"/cancel {huge}")
        remove = await ask(world, f"/removefeed {huge}")
        superscript = await ask(world, "/removefeed ²")
    assert cancel == f"There is no post #{huge}. /queue shows the posts and their ids."
    assert remove == f"There is no feed {huge}. /feeds shows their ids and addresses."
    assert superscript == "There is no feed ². /feeds shows their ids and addresses."


async def test_strangers_are_refused_and_nothing_changes(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy, web: FeedServer
) -> None:
    web.routes["/rss.xml"] = Route(fixture("rss2_cdata.xml"))
    commands = ["/queue", "/cancel 1", "/feeds", f"/addfeed {web.url('/rss.xml')}", "/removefeed 1"]
    async with running(settings, sleep, retry) as hashbot:
        store = hashbot.store
        store.add_feed(NewFeed(url="https://gazette.example/rss.xml"), now=NOW)
        enqueue(store, "Ferry timetable")
        before = (store.feeds(), store.posts())
        answers = [await ask(world, command, user=world.stranger_id) for command in commands]
        after = (store.feeds(), store.posts())
    assert answers == [REFUSAL] * len(commands)
    assert after == before and web.requests == []
    assert world.channel_posts() == []
