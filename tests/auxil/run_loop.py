"""Helpers for run-loop tests: a clock the test moves, an RSS feed of numbered stories, and the
whole loop (bot, runner, scheduler) wired as `hashbot run` wires it, with jobs the test calls."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from auxil.fake_bot_api import FakeSession, RecordedSleep
from auxil.fetching import TEST_POLICY
from bot.app import Hashbot, build_bot, chat_pacer, open_state
from bot.clock import utcnow
from bot.config import Settings
from bot.ingest.http import Fetcher, build_client
from bot.ingest.poller import Poller, PollPolicy
from bot.mastodon import Mastodon
from bot.runner import Runner
from bot.scheduler import AsyncIOJobs, Scheduler
from bot.storage import Feed, NewFeed, Store
from bot.telegram import RetryPolicy
from bot.telegraph import Telegraph

PARIS = ZoneInfo("Europe/Paris")


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


class Clock:
    """`now` as the test sets it: jobs are driven by calling them at the times they were planned for."""

    def __init__(self, now: datetime) -> None:
        self.start = self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class AdvancingSleep(RecordedSleep):
    """A sleep that moves `clock` on by what was asked, at once: time passes only as the code says."""

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock

    async def __call__(self, seconds: float) -> None:
        self.clock.advance(timedelta(seconds=seconds))
        await super().__call__(seconds)


def story_title(number: int) -> str:
    return f"Story {number:03d}: the harbour council votes on the night ferry"


def rss(numbers: range, *, base: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> bytes:
    """A feed of stories, newest first as feeds list them, each dated a minute after the previous."""
    items = "".join(
        f"""<item><title>{story_title(n)}</title><link>https://news.example.org/story/{n}</link>
        <guid>story-{n}</guid><pubDate>{format_datetime(base + timedelta(minutes=n))}</pubDate>
        <description>The harbour council of Porto Velho met on evening {n} to vote on the night
        ferry to the islands. Fishermen and nurses asked for a later crossing.</description></item>"""
        for n in reversed(numbers)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Harbour News</title>'
        f"<link>https://news.example.org/</link><description>Local news</description>{items}</channel></rss>"
    ).encode()


@dataclass
class Loop:
    hashbot: Hashbot
    runner: Runner
    scheduler: Scheduler
    store: Store
    clock: Clock
    world: FakeSession

    def titles(self) -> list[str]:
        return [(message.text or "").split("\n")[0] for message in self.world.channel_posts()]

    async def subscribe_and_poll(self, url: str, **options: Any) -> Feed:
        """Add the feed at `url` and poll it once, as `hashbot feeds add` and its first job would."""
        feed = self.store.add_feed(NewFeed(url=url, **options), now=utcnow())
        assert feed.id is not None
        await self.runner.poll_feed(feed.id)
        return feed

    async def poll_when_due(self, feed_id: int) -> None:
        """Move the clock on to the feed's next check, if it is not due yet, and run its job then."""
        feed = self.store.feed(feed_id)
        assert feed is not None and feed.next_check is not None
        self.clock.set(max(self.clock.now, feed.next_check))
        assert await self.runner.poll_feed(feed_id) is not None


@asynccontextmanager
async def run_loop(
    settings: Settings,
    world: FakeSession,
    clock: Clock,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    *,
    pace_sleep: RecordedSleep | None = None,
    open_reader: Callable[[], Store] | None = None,
    **overrides: Any,
) -> AsyncIterator[Loop]:
    """Hourly slots of two posts in Paris, quiet from 22:00 to 07:00, unless `overrides` say otherwise.

    The channel's pacing waits on `pace_sleep`: by default it records and returns at once, so the
    frozen clock never makes a test wait; an :class:`AdvancingSleep` lets a test watch the pacing.
    """
    settings = settings.model_copy(
        update={
            "timezone": "Europe/Paris",
            "publish_every": 60,
            "publish_per_slot": 2,
            "quiet_hours": "22:00-07:00",
            **overrides,
        }
    )
    with closing(open_state(settings)) as store:
        async with build_client(TEST_POLICY) as client:
            fetcher = Fetcher(client, TEST_POLICY)
            poller = Poller(
                store=store,
                fetcher=fetcher,
                policy=PollPolicy(first_items=10, default_chat=settings.channel or ""),
                clock=clock,
            )
            telegraph = Telegraph(
                client, store=store, clock=clock, api_url=settings.telegraph_api_url, author_name="News"
            )
            hashbot = build_bot(
                settings,
                store=store,
                fetcher=fetcher,
                poller=poller,
                # Never started: the test runs the jobs at the times the scheduler planned.
                jobs=AsyncIOJobs(AsyncIOScheduler()),
                retry=retry,
                sleep=sleep,
                clock=clock,
                pacer=chat_pacer(settings, clock=clock, sleep=pace_sleep or RecordedSleep()),
                long_reads=telegraph,
                open_reader=open_reader,
                mastodon=Mastodon(
                    client, base_url=settings.mastodon_url, token=settings.mastodon_token.get_secret_value()
                )
                if settings.mastodon_url and settings.mastodon_token
                else None,
            )
            assert hashbot.scheduler.tz == PARIS
            async with hashbot.running(poll_timeout=1):
                yield Loop(hashbot, hashbot.runner, hashbot.scheduler, store, clock, world)
