"""Admin notices: the job on PTB's JobQueue sends each unread notice once to every admin."""

from __future__ import annotations

import asyncio
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
from auxil.fake_bot_api import FakeSession, RecordedSleep
from auxil.notices import unread_notices

from bot.app import open_bot
from bot.config import Settings
from bot.storage import NewFeed, PollFailure, Store, open_store
from bot.telegram import RetryPolicy
from bot.telegram.notices import NoticeJob

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


def notify(store: Store, *messages: str) -> None:
    feed = store.add_feed(NewFeed(url=f"https://example.org/{len(store.feeds())}.xml"), now=NOW)
    assert feed.id
    for message in messages:
        store.save_failure(
            PollFailure(feed_id=feed.id, checked=NOW, next_check=NOW, error="x", notice=message)
        )


def notices_to(world: FakeSession, user_id: int) -> list[str]:
    return [text for text in world.texts_to(user_id) if text.startswith("⚠️")]


async def test_the_job_sends_unread_notices_to_every_admin_once(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    expected = ["⚠️ Feed “Gazette” was disabled: 10 failures in a row."]
    async with open_bot(settings, retry=retry, sleep=sleep) as hashbot:
        notify(hashbot.store, "Feed “Gazette” was disabled: 10 failures in a row.")
        async with hashbot.running(poll_timeout=1):
            # Delivered at start, for what came in while the bot was down.
            assert notices_to(world, world.admin_id) == notices_to(world, world.second_admin_id) == expected
            [job] = hashbot.application.job_queue.get_jobs_by_name("notices")  # type: ignore[union-attr]
            assert job.trigger.interval == timedelta(minutes=1)
            await job.run(hashbot.application)  # the job's next turn: nothing new, nothing sent
            notify(hashbot.store, "Feed “Coast” now polls https://coast.example/rss.xml.")
            await job.run(hashbot.application)
            assert unread_notices(hashbot.store) == []
    expected.append("⚠️ Feed “Coast” now polls https://coast.example/rss.xml.")
    assert notices_to(world, world.admin_id) == notices_to(world, world.second_admin_id) == expected
    assert world.channel_posts() == [] and world.replies_to(world.stranger_id) == []


async def test_racing_deliveries_send_each_notice_once(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with open_bot(settings, retry=retry, sleep=sleep) as hashbot, hashbot.running(poll_timeout=1):
        notify(hashbot.store, "one", "two", "three")
        # A second bot process on the same database: its own connection, its own job.
        with closing(open_store(settings.database)) as other_store:
            other = NoticeJob(store=other_store, admins=hashbot.admins)
            bot = hashbot.application.bot
            sent = await asyncio.gather(
                hashbot.notices.deliver(bot), other.deliver(bot), hashbot.notices.deliver(bot)
            )
    assert sum(sent) == 3
    for admin in (world.admin_id, world.second_admin_id):
        assert notices_to(world, admin) == ["⚠️ one", "⚠️ two", "⚠️ three"]


async def test_a_notice_no_admin_could_get_is_sent_on_the_next_run(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with open_bot(settings, retry=retry, sleep=sleep) as hashbot, hashbot.running(poll_timeout=1):
        bot = hashbot.application.bot
        notify(hashbot.store, "Feed moved")
        world.api.fail("sendMessage", 502, times=2)  # both admins unreachable
        assert await hashbot.notices.deliver(bot) == 0
        assert [notice.message for notice in unread_notices(hashbot.store)] == ["Feed moved"]
        assert await hashbot.notices.deliver(bot) == 1
        assert unread_notices(hashbot.store) == []
    assert notices_to(world, world.admin_id) == notices_to(world, world.second_admin_id) == ["⚠️ Feed moved"]
