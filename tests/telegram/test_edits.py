"""Edits: an item corrected at the source edits its channel post in place, never posts it again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auxil.fake_bot_api import FakeSession, RecordedSleep
from auxil.feedserver import FeedServer, Route
from auxil.run_loop import Clock, Loop, paris, run_loop

from bot.config import Settings
from bot.storage import PostState
from bot.telegram import RetryPolicy

pytestmark = pytest.mark.anyio

FIRST = "Night ferry to return in March"
CORRECTED = "Night ferry to return in April"


def item_feed(title: str, *, images: int = 0, text: str = "The council voted on Tuesday.") -> bytes:
    media = "".join(
        f'<media:content url="https://img.example/{n}.jpg" medium="image"/>' for n in range(images)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Harbour News</title>
<link>https://news.example.org/</link><description>Local news</description>
<item><title>{title}</title><link>https://news.example.org/ferry</link><guid>ferry-1</guid>
<description>{text} Fishermen and nurses had asked for a later crossing.</description>{media}</item>
</channel></rss>""".encode()


async def _published(loop: Loop, web: FeedServer, body: bytes, **feed: object) -> int:
    web.routes["/harbour.xml"] = Route(body=body)
    subscribed = await loop.subscribe_and_poll(web.url("/harbour.xml"), **feed)
    assert subscribed.id is not None
    report = await loop.runner.publish()
    assert len(report.sent) == 1
    return subscribed.id


async def _corrected(loop: Loop, web: FeedServer, feed_id: int, body: bytes) -> None:
    web.routes["/harbour.xml"] = Route(body=body)
    await loop.poll_when_due(feed_id)


async def test_a_corrected_item_edits_its_post_once_and_is_not_posted_again(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        feed_id = await _published(loop, web, item_feed(FIRST), edit_updates=True)
        clock.advance(timedelta(hours=3))
        await _corrected(loop, web, feed_id, item_feed(CORRECTED))
        report = await loop.runner.publish()
        again = await loop.runner.publish()
        [post] = loop.store.posts()
    [message] = world.channel_posts()
    assert (message.text or "").startswith(CORRECTED) and message.edits == 1
    assert len(world.api.calls_of("sendMessage")) == 1 and len(world.api.calls_of("editMessageText")) == 1
    assert report.edited == [post.id] and again.edited == [] and not post.edit_pending
    assert post.state is PostState.SENT and post.article.title == CORRECTED


async def test_an_album_post_gets_its_caption_edited(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        feed_id = await _published(loop, web, item_feed(FIRST, images=2), edit_updates=True)
        await _corrected(loop, web, feed_id, item_feed(CORRECTED, images=2))
        await loop.runner.publish()
    first, second = world.channel_posts()
    assert (first.caption or "").startswith(CORRECTED) and first.edits == 1 and second.edits == 0
    assert [call.method for call in world.api.calls if call.method.startswith("edit")] == [
        "editMessageText",
        "editMessageCaption",
    ]


@pytest.mark.parametrize(
    ("edit_updates", "later", "edited"),
    [
        (True, timedelta(hours=47), True),
        (True, timedelta(hours=49), False),
        (False, timedelta(hours=1), False),
    ],
)
async def test_only_feeds_that_ask_and_only_within_the_edit_window(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    web: FeedServer,
    edit_updates: bool,
    later: timedelta,
    edited: bool,
) -> None:
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        feed_id = await _published(loop, web, item_feed(FIRST), edit_updates=edit_updates)
        clock.advance(later)
        await _corrected(loop, web, feed_id, item_feed(CORRECTED))
        await loop.runner.publish()
    [message] = world.channel_posts()
    assert (message.text or "").startswith(CORRECTED if edited else FIRST)
    assert message.edits == int(edited)


async def test_an_item_corrected_before_it_went_out_goes_out_corrected(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        web.routes["/harbour.xml"] = Route(body=item_feed(FIRST))
        feed = await loop.subscribe_and_poll(web.url("/harbour.xml"), edit_updates=True)
        assert feed.id is not None
        await _corrected(loop, web, feed.id, item_feed(CORRECTED))
        await loop.runner.publish()
    [message] = world.channel_posts()
    assert (message.text or "").startswith(CORRECTED) and message.edits == 0
    assert world.api.calls_of("editMessageText") == []


async def test_an_unchanged_item_and_an_edit_telegram_refuses_change_nothing(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        feed_id = await _published(loop, web, item_feed(FIRST), edit_updates=True)
        await _corrected(loop, web, feed_id, item_feed(FIRST))
        assert (await loop.runner.publish()).edited == []
        world.api.fail("editMessageText", 400, "Bad Request: message to edit not found")
        await _corrected(loop, web, feed_id, item_feed(CORRECTED))
        refused = await loop.runner.publish()
        [post] = loop.store.posts()
    assert refused.edited == [] and not post.edit_pending  # given up, with a warning
    assert len(world.api.calls_of("sendMessage")) == 1


async def test_a_dry_run_edits_nothing_and_the_edit_waits(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        feed_id = await _published(loop, web, item_feed(FIRST), edit_updates=True)
        await _corrected(loop, web, feed_id, item_feed(CORRECTED))
        loop.store.set_dry_run("turned on by Ada")
        held = await loop.runner.publish()
        [waiting] = loop.store.posts()
        loop.store.set_dry_run(None)
        done = await loop.runner.publish()
    assert held.edited == [] and waiting.edit_pending and done.edited == [waiting.id]
    [message] = world.channel_posts()
    assert message.edits == 1
