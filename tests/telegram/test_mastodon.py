"""Cross-posting to Mastodon: each channel post becomes one status, with its own retries and state."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager
from datetime import timedelta

import pytest
from auxil.cli import CliRunner
from auxil.fake_bot_api import FakeSession, RecordedSleep, reply_after
from auxil.fake_mastodon import FakeMastodon
from auxil.feedserver import FeedServer, Route
from auxil.run_loop import Clock, Loop, paris, rss, run_loop, story_title
from pydantic import SecretStr

from bot.app._schedule import publish_schedule
from bot.config import Settings, load_settings
from bot.errors import ConfigError
from bot.status import status_lines
from bot.storage import PostState, StatusState
from bot.telegram import RetryPolicy

pytestmark = pytest.mark.anyio


@pytest.fixture
def mastodon() -> Iterator[FakeMastodon]:
    with FakeMastodon() as api:
        yield api


def _loop(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    clock: Clock,
    api: FakeMastodon,
    **over: object,
) -> AbstractAsyncContextManager[Loop]:
    return run_loop(
        settings,
        world,
        clock,
        retry,
        sleep,
        mastodon_url=api.url,
        mastodon_token=SecretStr(api.token),
        **over,
    )


async def test_mastodon_down_leaves_the_telegram_post_sent_and_the_status_is_sent_once_later(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    web: FeedServer,
    mastodon: FakeMastodon,
) -> None:
    web.routes["/harbour.xml"] = Route(body=rss(range(1, 2)))
    clock = Clock(paris("2026-11-24 12:00"))
    async with _loop(settings, world, retry, sleep, clock, mastodon) as loop:
        await loop.subscribe_and_poll(web.url("/harbour.xml"))
        mastodon.fail(503, times=2)
        first = await loop.runner.publish()
        [post] = loop.store.posts()
        [status] = loop.store.statuses()
        lines = status_lines(loop.store, schedule=publish_schedule(loop.hashbot.settings), now=clock())
        second = await loop.runner.publish()  # at once: the backoff has not passed, nothing is tried
        clock.advance(timedelta(minutes=1))
        third = await loop.runner.publish()  # Mastodon still down: wait longer
        clock.advance(timedelta(minutes=5))
        fourth = await loop.runner.publish()
        [done] = loop.store.statuses()
    assert first.sent == [post.id] and post.state is PostState.SENT and len(world.channel_posts()) == 1
    assert (status.state, status.attempts, status.next_try) == (
        StatusState.QUEUED,
        1,
        paris("2026-11-24 12:01"),
    )
    assert "Mastodon: 1 queued, 0 sent, 0 failed" in lines
    assert second.cross_posted == third.cross_posted == [] and fourth.cross_posted == [post.id]
    assert done.state is StatusState.SENT and done.url == "https://mastodon.example/@news/1"
    [text] = mastodon.statuses
    assert story_title(1) in text and "https://news.example.org/story/1" in text
    assert len(world.channel_posts()) == 1  # Mastodon's retries never touched Telegram


async def test_a_lost_answer_is_retried_with_the_same_key_and_posts_once(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    web: FeedServer,
    mastodon: FakeMastodon,
) -> None:
    web.routes["/harbour.xml"] = Route(body=rss(range(1, 2)))
    clock = Clock(paris("2026-11-24 12:00"))
    async with _loop(settings, world, retry, sleep, clock, mastodon) as loop:
        await loop.subscribe_and_poll(web.url("/harbour.xml"))
        mastodon.lose_answer()
        await loop.runner.publish()
        clock.advance(timedelta(minutes=2))
        await loop.runner.publish()
        [status] = loop.store.statuses()
    assert status.state is StatusState.SENT and len(mastodon.statuses) == 1
    keys = {request["idempotency-key"] for request in mastodon.requests}
    assert keys == {f"hashbot-post-{status.post_id}"}


async def test_a_status_mastodon_refuses_fails_alone_and_a_rate_limit_is_waited(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    web: FeedServer,
    mastodon: FakeMastodon,
) -> None:
    web.routes["/harbour.xml"] = Route(body=rss(range(1, 3)))
    clock = Clock(paris("2026-11-24 12:00"))
    async with _loop(settings, world, retry, sleep, clock, mastodon) as loop:
        await loop.subscribe_and_poll(web.url("/harbour.xml"))
        mastodon.fail(422)
        mastodon.fail(429, headers={"X-RateLimit-Reset": "2026-11-24T11:30:00.000Z"})
        report = await loop.runner.publish()
        refused, limited = loop.store.statuses()
    assert len(report.sent) == 2
    assert refused.state is StatusState.FAILED and "422" in (refused.last_error or "")
    assert limited.state is StatusState.QUEUED and limited.next_try == paris("2026-11-24 12:30")


async def test_only_feeds_that_ask_when_not_every_post_is_cross_posted(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    web: FeedServer,
    mastodon: FakeMastodon,
) -> None:
    web.routes["/a.xml"] = Route(body=rss(range(1, 2)))
    web.routes["/b.xml"] = Route(body=rss(range(5, 6)))
    clock = Clock(paris("2026-11-24 12:00"))
    async with _loop(settings, world, retry, sleep, clock, mastodon, mastodon_all=False) as loop:
        await loop.subscribe_and_poll(web.url("/a.xml"), mastodon=True)
        await loop.subscribe_and_poll(web.url("/b.xml"))
        await loop.runner.publish()
        await loop.runner.publish()
    assert len(world.channel_posts()) == 2
    [text] = mastodon.statuses
    assert story_title(1) in text


def test_mastodon_needs_its_url_and_its_token() -> None:
    with pytest.raises(ConfigError, match="set HASHBOT_MASTODON_TOKEN"):
        load_settings(None, mastodon_url="https://mastodon.social")
    assert "tok-secret" not in repr(
        load_settings(None, mastodon_url="https://m.example", mastodon_token="tok-secret")
    )


def test_status_shows_nothing_of_mastodon_until_it_is_used(run_cli: CliRunner) -> None:
    assert "Mastodon" not in run_cli("status").out


async def test_status_shows_mastodons_queue_its_next_try_and_its_error_to_the_admin_and_the_cli(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    web: FeedServer,
    mastodon: FakeMastodon,
    run_cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    web.routes["/harbour.xml"] = Route(body=rss(range(1, 3)))
    clock = Clock(paris("2026-11-24 12:00"))
    async with _loop(settings, world, retry, sleep, clock, mastodon) as loop:
        await loop.subscribe_and_poll(web.url("/harbour.xml"))
        mastodon.fail(503)  # the first status waits a minute, the second goes
        await loop.runner.publish()
        [answer] = await reply_after(world, world.admin_id, "/status")
    monkeypatch.setenv("HASHBOT_DATABASE", str(settings.database))
    monkeypatch.setenv("HASHBOT_TIMEZONE", "Europe/Paris")
    cli = run_cli("status").out
    for shown in (answer, cli):
        assert "Mastodon: 1 queued, 1 sent, 0 failed" in shown, shown
        assert "next try 2026-11-24 12:01 Europe/Paris; last error: " in shown and "503" in shown, shown


async def test_a_post_published_by_an_admin_is_cross_posted_at_once(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, mastodon: FakeMastodon
) -> None:
    clock = Clock(paris("2026-11-24 12:00"))
    async with _loop(settings, world, retry, sleep, clock, mastodon) as loop:
        [answer] = await reply_after(
            world, world.admin_id, "/post Ferry timetable changes\n\nThe night ferry now leaves at midnight."
        )
        [status] = loop.store.statuses()
    assert answer.startswith("Published to")
    [text] = mastodon.statuses  # no publishing pass ran: the status went with the post
    assert "Ferry timetable changes" in text and status.state is StatusState.SENT
