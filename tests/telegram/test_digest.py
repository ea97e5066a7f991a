"""Scheduled digests: a `--digest` feed's items go out together, at its times, through the queue."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from auxil.cli import CliRunner
from auxil.fake_bot_api import FakeSession, RecordedSleep
from auxil.feedserver import FeedServer, Route
from auxil.run_loop import PARIS, Clock, paris, rss, run_loop, story_title

from bot.config import Settings
from bot.planner import digest_due
from bot.scheduler import digest_job
from bot.storage import PostKind, PostState
from bot.telegram import RetryPolicy

pytestmark = pytest.mark.anyio


async def test_a_digest_feed_posts_one_digest_at_its_time_holding_every_item(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    web.routes["/harbour.xml"] = Route(body=rss(range(1, 4)))
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        feed = await loop.subscribe_and_poll(web.url("/harbour.xml"), digest_at=("18:00",))
        assert feed.id is not None
        assert loop.store.posts() == [] and len(loop.store.digest_items(feed.id)) == 3
        assert (await loop.runner.publish()).sent == []  # 12:00: items wait for their digest
        clock.set(paris("2026-11-24 17:00"))
        assert (await loop.runner.publish()).sent == []
        clock.set(paris("2026-11-24 18:00"))
        report = await loop.runner.publish()
        [post] = loop.store.posts()
        leftover = loop.store.digest_items(feed.id)
        clock.set(paris("2026-11-24 19:00"))
        assert (await loop.runner.publish()).sent == []  # nothing new: no empty digest
    assert report.sent == [post.id] and post.kind is PostKind.DIGEST and post.state is PostState.SENT
    assert leftover == []
    [message] = world.channel_posts()
    assert all(story_title(n) in (message.text or "") for n in (1, 2, 3))


async def test_a_digest_waits_for_approval_like_a_feed_post(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    web.routes["/harbour.xml"] = Route(body=rss(range(1, 3)))
    clock = Clock(paris("2026-11-24 08:00"))
    async with run_loop(settings, world, clock, retry, sleep, approval=True) as loop:
        await loop.subscribe_and_poll(web.url("/harbour.xml"), digest_at=("08:00", "18:00"))
        clock.set(paris("2026-11-24 18:00"))
        report = await loop.runner.publish()
        [post] = loop.store.posts()
    assert report.held == [post.id] and post.state is PostState.AWAITING and post.kind is PostKind.DIGEST
    assert world.channel_posts() == []
    preview = world.replies_to(world.admin_id)[-1]
    assert story_title(1) in (preview.text or "") and story_title(2) in (preview.text or "")


async def test_many_items_make_several_digests_and_none_is_dropped(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    web.routes["/harbour.xml"] = Route(body=rss(range(1, 11)))
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep, publish_per_slot=5) as loop:
        feed = await loop.subscribe_and_poll(web.url("/harbour.xml"), digest_at=("18:00",))
        assert feed.id is not None
        web.routes["/harbour.xml"] = Route(body=rss(range(1, 24)))
        await loop.poll_when_due(feed.id)
        assert len(loop.store.digest_items(feed.id)) == 23
        clock.set(paris("2026-11-24 18:00"))
        report = await loop.runner.publish()
        posts = loop.store.posts()
    assert [len(post.articles) for post in posts] == [10, 10, 3] and len(report.sent) == 3
    shown = "\n".join(message.text or "" for message in world.channel_posts())
    assert all(story_title(n) in shown for n in range(1, 24))


def test_digest_due_counts_local_times_between_the_last_digest_and_now() -> None:
    times = [time(8, 0), time(18, 0)]
    last = paris("2026-11-24 08:00")
    assert not digest_due(times, since=last, now=paris("2026-11-24 17:59"), tz=PARIS)
    assert digest_due(times, since=last, now=paris("2026-11-24 18:00"), tz=PARIS)
    # Missed while hashbot was down: due at once.
    assert digest_due(times, since=last, now=datetime(2026, 11, 27, 3, 0, tzinfo=UTC), tz=PARIS)


def test_feeds_add_digest_checks_its_times(run_cli: CliRunner) -> None:
    assert run_cli("feeds", "add", "--digest", "8:00,18:30", "https://example.org/feed.xml").code == 0
    assert "digest at 08:00, 18:30" in run_cli("feeds", "list").out
    bad = run_cli("feeds", "add", "--digest", "25:00", "https://example.org/other.xml")
    assert bad.code == 2 and "HH:MM" in bad.err


async def test_a_digest_goes_at_its_own_time_by_its_job_not_at_the_next_slot(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    web.routes["/harbour.xml"] = Route(body=rss(range(1, 4)))
    web.routes["/other.xml"] = Route(body=rss(range(10, 12)))
    clock = Clock(paris("2026-11-24 12:00"))
    world.api.clock = clock
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        feed = await loop.subscribe_and_poll(web.url("/harbour.xml"), digest_at=("18:17", "08:05"))
        await loop.subscribe_and_poll(web.url("/other.xml"))  # a feed posted item by item, at slots
        assert feed.id is not None
        loop.scheduler.sync()
        planned = loop.scheduler.planned[digest_job(feed.id)]
        clock.set(planned)
        await loop.scheduler.digest(feed.id)
        rearmed = loop.scheduler.planned[digest_job(feed.id)]
        states = {post.kind: post.state for post in loop.store.posts()}
    assert planned == paris("2026-11-24 18:17") and rearmed == paris("2026-11-25 08:05")
    [message] = world.channel_posts()
    assert all(story_title(n) in (message.text or "") for n in (1, 2, 3))
    [call] = [
        c for c in world.api.calls_of("sendMessage") if c.params["chat_id"] == f"@{world.channel_username}"
    ]
    assert call.at == paris("2026-11-24 18:17")
    assert states == {PostKind.DIGEST: PostState.SENT, PostKind.FEED: PostState.QUEUED}  # slots send those


async def test_a_digest_time_in_quiet_hours_waits_for_the_first_slot_after_them(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    web.routes["/harbour.xml"] = Route(body=rss(range(1, 3)))
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:  # quiet from 22:00 to 07:00
        feed = await loop.subscribe_and_poll(web.url("/harbour.xml"), digest_at=("23:00",))
        assert feed.id is not None
        clock.set(paris("2026-11-24 23:00"))
        await loop.scheduler.digest(feed.id)
        [waiting] = loop.store.posts()
        clock.set(paris("2026-11-25 07:00"))
        report = await loop.runner.publish()
    assert waiting.kind is PostKind.DIGEST and waiting.state is PostState.QUEUED
    assert report.sent == [waiting.id] and len(world.channel_posts()) == 1
