"""The run loop end to end: a local feed server, the real bot on the fake Bot API, jobs called at their times.

No test waits for a job: the scheduler plans each job's time from the store and an injected clock,
and the test moves the clock to that time and runs the job itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from auxil.fake_bot_api import FakeSession, RecordedSleep, reply_after
from auxil.feedserver import FeedServer, Route
from auxil.run_loop import Clock, paris, rss, run_loop, story_title

from bot.clock import utcnow
from bot.config import Settings
from bot.scheduler import PUBLISH_JOB, one_off_job, poll_job
from bot.storage import NewFeed, PostState, TagRule
from bot.telegram import RetryPolicy

pytestmark = pytest.mark.anyio


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


async def test_feed_items_go_out_in_feed_order_n_per_slot_and_never_in_quiet_hours(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    feeds.routes["/harbour.xml"] = Route(body=rss(range(1, 6)))
    clock = Clock(paris("2026-11-24 20:40"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        feed = loop.store.add_feed(NewFeed(url=feeds.url("/harbour.xml"), interval=900), now=utcnow())
        assert feed.id is not None
        loop.scheduler.start()
        planned = loop.scheduler.planned
        assert planned[PUBLISH_JOB] == paris("2026-11-24 21:00")
        poll_at = planned[poll_job(feed.id)]
        assert clock() <= poll_at <= clock() + timedelta(seconds=180)  # within a fifth of 15 min

        clock.set(poll_at)
        await loop.scheduler.poll(feed.id)
        assert loop.store.count_posts()[PostState.QUEUED] == 5
        # Re-armed at the feed's next check plus its offset.
        assert planned[poll_job(feed.id)] == poll_at + timedelta(seconds=900) + (
            poll_at - paris("2026-11-24 20:40")
        )

        clock.set(planned[PUBLISH_JOB])
        await loop.scheduler.publish()
        assert loop.titles() == [story_title(1), story_title(2)]
        # 22:00 to 07:00 is quiet: the next slot is tomorrow morning.
        assert planned[PUBLISH_JOB] == paris("2026-11-25 07:00")

        clock.set(paris("2026-11-24 23:00"))  # even if the job ran in quiet hours, nothing goes out
        await loop.runner.publish()
        assert len(loop.titles()) == 2

        for slot in ("2026-11-25 07:00", "2026-11-25 08:00"):
            assert planned[PUBLISH_JOB] == paris(slot)
            clock.set(paris(slot))
            await loop.scheduler.publish()
        assert loop.titles() == [story_title(n) for n in range(1, 6)]
        assert loop.store.count_posts()[PostState.SENT] == 5
        assert all(post.message_id for post in loop.store.posts(states=[PostState.SENT]))


async def test_a_scheduled_post_goes_out_at_its_time_even_in_quiet_hours(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep
) -> None:
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        loop.scheduler.start()
        world.api.push_message(
            world.admin_id, "/schedule 23:30 Night ferry timetable\n\nThe night ferry leaves at midnight."
        )
        await world.api.until(
            lambda: any("Scheduled as post" in text for text in world.texts_to(world.admin_id))
        )
        [post] = loop.store.posts()
        assert post.scheduled == paris("2026-11-24 23:30")
        assert loop.scheduler.planned[one_off_job(post.id)] == paris("2026-11-24 23:30")
        # Every time shown to the admin is local, with the zone's name: the confirmation and /queue.
        assert f"Scheduled as post {post.id} for 2026-11-24 23:30 Europe/Paris." in world.texts_to(
            world.admin_id
        )
        [listing] = await reply_after(world, world.admin_id, "/queue")
        assert (
            f"#{post.id} Night ferry timetable → @hashbot_news · at 2026-11-24 23:30 Europe/Paris" in listing
        )
        [past] = await reply_after(world, world.admin_id, "/schedule 2020-01-01 09:00 Old news\n\nText.")
        assert past.startswith("2020-01-01 09:00 is in the past.")

        clock.set(paris("2026-11-24 23:29"))
        await loop.runner.publish(regular=False)
        assert world.channel_posts() == []

        clock.set(paris("2026-11-24 23:30"))
        await loop.scheduler.one_off(post.id)
        [message] = world.channel_posts()
        assert (message.text or "").startswith("Night ferry timetable")
        assert loop.store.post(post.id).state is PostState.SENT  # type: ignore[union-attr]


async def test_a_post_stuck_in_sending_becomes_uncertain_and_admins_decide_once(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    feeds.routes["/harbour.xml"] = Route(body=rss(range(1, 2)))
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        await loop.subscribe_and_poll(feeds.url("/harbour.xml"))
        [post] = loop.store.posts()
        assert loop.store.claim(post.id, now=clock())  # as a crash leaves it

        assert [stuck.id for stuck in await loop.runner.recover()] == [post.id]
        assert loop.store.post(post.id).state is PostState.UNCERTAIN  # type: ignore[union-attr]
        questions = {admin: world.replies_to(admin)[-1] for admin in (world.admin_id, world.second_admin_id)}
        for question in questions.values():
            assert f"Post {post.id} may or may not be" in (question.text or "")
            assert question.buttons == [f"uncertain:{post.id}:resend", f"uncertain:{post.id}:sent"]
        await loop.runner.publish()
        assert world.channel_posts() == []  # never re-sent blindly

        loop.scheduler.start()
        # Both admins answer at once: the first decision counts, and both copies show it.
        world.api.click(world.admin_id, questions[world.admin_id], f"uncertain:{post.id}:resend")
        world.api.click(world.second_admin_id, questions[world.second_admin_id], f"uncertain:{post.id}:sent")
        await world.api.until(lambda: len(world.api.callback_answers) == 2)
        await world.api.until(lambda: all(question.edits for question in questions.values()))
        assert "Already decided" in world.api.callback_answers[1]["text"]
        for question in questions.values():
            assert (question.text or "").endswith("queued again by Ada: it goes out now")
            assert question.buttons == []

        # Resend queued it for now and woke the scheduler, which armed its job.
        assert one_off_job(post.id) in loop.scheduler.planned
        await loop.scheduler.one_off(post.id)
        assert len(world.channel_posts()) == 1
        assert loop.store.post(post.id).state is PostState.SENT  # type: ignore[union-attr]


async def test_an_uncertain_post_marked_sent_enters_the_tag_history_with_the_tags_it_went_out_with(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    """The bot dies mid-send, an admin changes a tag's spelling, then finds the post and marks it
    sent: the history must say what the channel shows, not what the post would render with now."""
    feeds.routes["/harbour.xml"] = Route(body=rss(range(1, 2)))
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        await loop.subscribe_and_poll(feeds.url("/harbour.xml"))
        [post] = loop.store.posts()
        world.api.delay("sendMessage", 2)  # carried out, answered late: the bot is killed meanwhile
        sending = asyncio.create_task(loop.runner.publish())
        await world.api.until(lambda: bool(world.channel_posts()))
        sending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sending
    [message] = world.channel_posts()
    shown = [word[1:] for word in (message.text or "").split() if word.startswith("#")]
    assert shown  # the story has tags to record

    async with run_loop(settings, world, clock, retry, sleep) as loop:  # the restart finds it
        loop.store.set_tag_rule(TagRule(shown[0], alias="Renamed"), now=clock())
        assert "Renamed" in loop.runner.render(post).tag_names  # what a render would say now
        assert [stuck.id for stuck in await loop.runner.recover()] == [post.id]
        question = world.replies_to(world.admin_id)[-1]
        world.api.click(world.admin_id, question, f"uncertain:{post.id}:sent")
        await world.api.until(lambda: bool(question.edits))
        assert (question.text or "").endswith("marked sent by Ada")
        assert loop.store.post(post.id).state is PostState.SENT  # type: ignore[union-attr]
        # In the channel like any sent post: its tags count in statistics and the vocabulary.
        assert sorted(use.name for use in loop.store.tag_uses(sent_only=True)) == sorted(shown)
        assert len(world.channel_posts()) == 1  # and nothing was sent again


async def test_pause_is_kept_in_the_store_and_a_403_pauses_without_losing_the_post(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    feeds.routes["/harbour.xml"] = Route(body=rss(range(1, 3)))
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        await loop.subscribe_and_poll(feeds.url("/harbour.xml"))

        world.api.push_message(world.admin_id, "/pause")
        await world.api.until(lambda: any("paused" in text for text in world.texts_to(world.admin_id)))
        assert loop.store.paused() == "paused by Ada"
        report = await loop.runner.publish()
        assert report.paused and world.channel_posts() == []

        world.api.push_message(world.admin_id, "/resume")
        await world.api.until(lambda: any("resumed" in text for text in world.texts_to(world.admin_id)))
        assert loop.store.paused() is None

        world.api.remove_bot(world.channel_id)
        report = await loop.runner.publish()
        assert report.paused and "Telegram refused the bot" in report.paused
        assert loop.store.paused() == report.paused
        assert loop.store.count_posts()[PostState.QUEUED] == 2  # the refused post waits in the queue


async def test_a_post_delivered_at_the_next_slot_is_no_failure_in_status(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    feeds.routes["/harbour.xml"] = Route(body=rss(range(1, 2)))
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        await loop.subscribe_and_poll(feeds.url("/harbour.xml"))
        world.api.fail("sendMessage", 500, times=retry.attempts)  # the whole first try is lost
        first = await loop.runner.publish()
        clock.set(paris("2026-11-24 13:00"))
        second = await loop.runner.publish()
        [status] = await reply_after(world, world.admin_id, "/status")
    assert first.retry and second.sent == first.retry
    assert "1 published, 0 previewed, 0 failed" in status
    assert "Last error: " in status  # what happened is still told


async def test_the_feeds_name_is_the_posts_source_and_templates_see_its_settings(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    feeds: FeedServer,
    tmp_path: Path,
) -> None:
    feeds.routes["/world.xml"] = Route(body=rss(range(1, 2)))
    feeds.routes["/mine.xml"] = Route(body=rss(range(2, 3)))
    (tmp_path / "mine.html.j2").write_text("{{ article.title }} · {{ feed.name }} · {{ feed.lang }}")
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep, templates_dir=tmp_path) as loop:
        for feed in (
            NewFeed(url=feeds.url("/world.xml"), name="My World Feed"),
            NewFeed(url=feeds.url("/mine.xml"), name="Harbour", lang="en", template="mine"),
        ):
            added = loop.store.add_feed(feed, now=utcnow())
            assert added.id is not None
            await loop.runner.poll_feed(added.id)
        await loop.runner.publish()
    default, mine = (message.text or "" for message in world.channel_posts())
    source_line = default.splitlines()[-3]
    assert source_line.startswith("My World Feed · ") and "127.0.0.1" not in default
    assert mine == f"{story_title(2)} · Harbour · en"
