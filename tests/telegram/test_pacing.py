"""Telegram's limits per chat, kept exactly, on an injected clock: nothing here sleeps.

The fake Bot API stamps every call with the test's clock, and the bot's sleeps move that clock, so
the times a test reads are the times the bot chose to send at.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from auxil.fake_bot_api import FakeSession, RecordedSleep
from auxil.feedserver import FeedServer, Route
from auxil.run_loop import AdvancingSleep, Clock, paris, rss, run_loop, story_title

from bot.config import Settings
from bot.errors import PublishStopping
from bot.models import Article
from bot.storage import NewPost, PostState
from bot.telegram import RetryPolicy
from bot.telegram.pacing import ChatLimits, ChatPacer, next_send_at

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
LIMITS = ChatLimits(per_window=20)


def seconds(moments: list[datetime]) -> list[float]:
    return [(moment - moments[0]).total_seconds() for moment in moments]


def most_in_any_window(moments: list[datetime], window: timedelta = timedelta(seconds=60)) -> int:
    """The largest number of `moments` inside any window of that length (closed at both ends)."""
    return max(sum(start <= other < start + window for other in moments) for start in moments)


def test_next_send_waits_a_second_after_the_last_and_a_minute_after_the_twentieth_last() -> None:
    assert next_send_at([], now=T0, limits=LIMITS) == T0
    assert next_send_at([T0], now=T0, limits=LIMITS) == T0 + timedelta(seconds=1)
    burst = [T0 + timedelta(seconds=n) for n in range(20)]
    assert next_send_at(burst, now=burst[-1], limits=LIMITS) == T0 + timedelta(seconds=60)
    later = T0 + timedelta(minutes=5)
    assert next_send_at(burst, now=later, limits=LIMITS) == later
    assert next_send_at(burst, now=burst[-1], limits=ChatLimits(per_window=0)) == burst[-1] + timedelta(
        seconds=1
    )


async def test_the_pacer_never_lets_more_than_the_limit_into_any_window() -> None:
    clock = Clock(T0)
    pacer = ChatPacer(LIMITS, clock=clock, sleep=AdvancingSleep(clock))
    sent: list[datetime] = []
    for _ in range(65):
        await pacer.wait("@news")
        sent.append(clock())
    await pacer.wait("12345")  # a private chat: one a second, no per-minute cap, its own history
    assert clock() == sent[-1]
    assert most_in_any_window(sent) == 20
    assert min(b - a for a, b in itertools.pairwise(sent)) >= timedelta(seconds=1)
    assert seconds(sent)[:21:10] == [0.0, 10.0, 60.0]


async def test_forty_posts_in_one_slot_never_exceed_twenty_a_minute_and_keep_feed_order(
    settings: Settings, world: FakeSession, retry: RetryPolicy, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock(paris("2026-11-24 12:00"))
    sleep = AdvancingSleep(clock)
    world.api.clock = clock
    async with run_loop(settings, world, clock, retry, sleep, pace_sleep=sleep, publish_per_slot=40) as loop:
        channel = f"@{world.channel_username}"
        for number in range(1, 41):  # a feed's items, in feed order
            article = Article(text="The harbour council met.", title=story_title(number))
            loop.store.enqueue(NewPost(article=article, chat=channel, keys=()), now=clock())
        world.api.fail("sendMessage", 429, retry_after=7)  # the first post is refused once
        with caplog.at_level(logging.INFO):
            report = await loop.runner.publish()
        # ours only, and only the publish pass: PTB's updater may log its own shutdown under load
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("bot.")]
    assert len(report.sent) == 40
    assert loop.titles() == [story_title(n) for n in range(1, 41)]
    sends = [call.at for call in world.api.calls_of("sendMessage") if call.params["chat_id"] == channel]
    accepted = [moment for moment in sends[1:] if moment is not None]  # the first one was refused
    assert len(accepted) == 40
    assert most_in_any_window(accepted) == 20
    assert min(b - a for a, b in itertools.pairwise(accepted)) >= timedelta(seconds=1)
    assert (accepted[0] - clock.start).total_seconds() >= 7  # Telegram's wait was kept
    assert [record.levelno for record in warnings] == [logging.WARNING]
    assert "7 s" in warnings[0].getMessage() and warnings[0].exc_info is None


async def test_a_post_to_retry_holds_back_the_rest_of_its_slot_so_feed_order_holds(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    feeds.routes["/harbour.xml"] = Route(body=rss(range(1, 4)))
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep, publish_per_slot=3) as loop:
        await loop.subscribe_and_poll(feeds.url("/harbour.xml"))
        world.api.fail("sendMessage", 502, times=retry.attempts)  # Telegram down for the first post
        first = await loop.runner.publish()
        clock.set(paris("2026-11-24 13:00"))
        second = await loop.runner.publish()
        states = [post.state for post in loop.store.posts()]
    assert len(first.retry) == 1 and first.sent == []
    assert len(second.sent) == 3 and states == [PostState.SENT] * 3
    assert loop.titles() == [story_title(n) for n in range(1, 4)]


class StalledSleep(AdvancingSleep):
    """Short waits pass at once on the clock; a long one (a minute's window) never ends by itself."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock)
        self.stalled = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        if seconds <= 5:
            await super().__call__(seconds)
            return
        self.waits.append(seconds)
        self.stalled.set()
        await asyncio.Event().wait()


async def test_a_stop_during_a_pacing_wait_ends_it_at_once_and_the_rest_stays_queued(
    settings: Settings, world: FakeSession, retry: RetryPolicy
) -> None:
    clock = Clock(paris("2026-11-24 12:00"))
    sleep = StalledSleep(clock)
    world.api.clock = clock
    channel = f"@{world.channel_username}"
    async with run_loop(settings, world, clock, retry, sleep, pace_sleep=sleep, publish_per_slot=25) as loop:
        for number in range(1, 26):
            article = Article(text="The harbour council met.", title=story_title(number))
            loop.store.enqueue(NewPost(article=article, chat=channel, keys=()), now=clock())
        publishing = asyncio.create_task(loop.runner.publish())
        await sleep.stalled.wait()  # the 21st post waits for the minute to pass
        loop.runner.request_stop()  # what SIGTERM does
        # A guard only: without the stop reaching the pacer, this wait would never end.
        report = await asyncio.wait_for(publishing, timeout=30)
        await loop.runner.stop()
        states = [post.state for post in loop.store.posts()]
    assert len(report.sent) == 20 and report.paused is not None and "stopping" in report.paused
    assert states == [PostState.SENT] * 20 + [PostState.QUEUED] * 5
    assert loop.titles() == [story_title(n) for n in range(1, 21)]

    # The next run sends the other five, each once, in feed order.
    clock.advance(timedelta(minutes=2))
    async with run_loop(settings, world, clock, retry, sleep, pace_sleep=sleep, publish_per_slot=25) as loop:
        report = await loop.runner.publish()
    assert len(report.sent) == 5
    assert loop.titles() == [story_title(n) for n in range(1, 26)]


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


async def test_after_a_stop_request_a_wait_refuses_except_for_a_posts_second_message() -> None:
    clock = Clock(T0)
    pacer = ChatPacer(LIMITS, clock=clock, sleep=AdvancingSleep(clock))
    await pacer.wait("@news")
    pacer.interrupt()
    with pytest.raises(PublishStopping):
        await pacer.wait("@news")
    await pacer.wait("@news", interruptible=False)  # an album's text follows its photos
    assert clock() == T0 + timedelta(seconds=1)
