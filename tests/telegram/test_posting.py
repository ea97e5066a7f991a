"""/post keeps one record: the post is in the store with its message id, and the same article twice
is a question, not a second channel post."""

from __future__ import annotations

import asyncio

import pytest
from auxil.fake_bot_api import FakeSession, RecordedSleep, reply_after
from auxil.run_loop import Clock, paris, run_loop
from auxil.running_bot import running
from telegram import Update

from bot.app import open_bot
from bot.app._telegram import initialized
from bot.config import Settings
from bot.scheduler import one_off_job
from bot.storage import PostKind, PostState
from bot.telegram import RetryPolicy

pytestmark = pytest.mark.anyio

ARTICLE = (
    "Ferry timetable changes\n\nThe night ferry to the islands now leaves at midnight, the harbour "
    "council decided on Tuesday after fishermen and nurses asked for a later crossing."
)


async def test_post_twice_is_one_channel_post_and_a_question(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry) as hashbot:
        [first] = await reply_after(world, world.admin_id, f"/post {ARTICLE}")
        [question] = await reply_after(world, world.admin_id, f"/post {ARTICLE}")
        [post] = hashbot.store.posts()
        [queue] = await reply_after(world, world.admin_id, "/queue")
        asked = world.replies_to(world.admin_id)[-2]
        world.api.click(world.admin_id, asked, f"again:{post.id}:keep")
        world.api.click(world.admin_id, asked, f"again:{post.id}:post")  # too late: decided
        await world.api.until(lambda: len(world.api.callback_answers) == 2)
        await world.api.until(lambda: asked.edits > 0)
        posts = hashbot.store.posts()
    [message] = world.channel_posts()
    assert first == f"Published to @{world.channel_username} (message {message.message_id})."
    assert post.kind is PostKind.MANUAL and post.state is PostState.SENT
    assert post.message_id == message.message_id
    assert question.startswith(
        f"“Ferry timetable changes” is already posted as message {message.message_id} on "
    )
    assert question.endswith(" UTC. Post it again?")
    assert asked.buttons == []  # the question is closed
    assert queue.startswith("Posts: 1 sent")
    assert world.api.callback_answers[0]["text"] == "Left as it is."
    assert world.api.callback_answers[1]["text"].startswith("Already decided")
    assert len(posts) == 1


async def test_post_again_publishes_a_second_copy_once(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry) as hashbot:
        await reply_after(world, world.admin_id, f"/post {ARTICLE}")
        await reply_after(world, world.admin_id, f"/post {ARTICLE}")
        [original] = hashbot.store.posts()
        asked = world.replies_to(world.admin_id)[-1]
        world.api.click(world.admin_id, asked, f"again:{original.id}:post")
        world.api.click(world.admin_id, asked, f"again:{original.id}:post")  # a double click
        await world.api.until(lambda: len(world.api.callback_answers) == 2)
        states = [post.state for post in hashbot.store.posts()]
    assert len(world.channel_posts()) == 2
    assert states == [PostState.SENT, PostState.SENT]
    assert world.api.callback_answers[0]["text"].startswith("Published to")
    assert world.api.callback_answers[1]["text"].startswith("Already decided")


async def test_post_again_clicked_twice_in_two_processes_at_once_publishes_one_copy(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry) as hashbot:
        await reply_after(world, world.admin_id, f"/post {ARTICLE}")
        await reply_after(world, world.admin_id, f"/post {ARTICLE}")
        [original] = hashbot.store.posts()
        asked = world.replies_to(world.admin_id)[-1]
    # Two bot processes on one database, each handed one click of a double click.
    async with (
        open_bot(settings, retry=retry, sleep=sleep) as first,
        open_bot(settings, retry=retry, sleep=sleep) as second,
        initialized(first.application, first.settings),
        initialized(second.application, second.settings),
    ):
        clicks = [world.api.click(world.admin_id, asked, f"again:{original.id}:post") for _ in range(2)]
        updates = [
            Update.de_json(world.api.click_update(query), bot.application.bot)
            for query, bot in zip(clicks, (first, second), strict=True)
        ]
        world.api.delay("sendMessage", 0.3, times=4)  # each send is slow: the two clicks overlap
        await asyncio.gather(
            first.application.process_update(updates[0]), second.application.process_update(updates[1])
        )
        states = [post.state for post in first.store.posts()]
    answers = sorted(answer["text"] for answer in world.api.callback_answers)
    assert len(world.channel_posts()) == 2  # the original and one copy
    assert states == [PostState.SENT, PostState.SENT]
    assert answers[0].startswith("Already decided") and answers[1].startswith("Published to")


async def test_a_long_answer_to_a_click_is_cut_to_telegrams_limit(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    reason = "Bad Request: " + "the channel refuses this message for a very long reason " * 6
    async with running(settings, sleep, retry) as hashbot:
        await reply_after(world, world.admin_id, f"/post {ARTICLE}")
        await reply_after(world, world.admin_id, f"/post {ARTICLE}")
        [original] = hashbot.store.posts()
        asked = world.replies_to(world.admin_id)[-1]
        world.api.fail("sendMessage", 400, reason)
        world.api.click(world.admin_id, asked, f"again:{original.id}:post")
        await world.api.until(lambda: len(world.api.callback_answers) == 1)
    [answer] = world.api.callback_answers
    assert len(answer["text"]) == 200  # Telegram refuses a longer one: the admin would see nothing
    assert "the channel refuses this message" in answer["text"]


# Paste-to-post


def _paste_buttons(post_id: int) -> list[str]:
    return [f"paste:{post_id}:{action}" for action in ("publish", "queue", "schedule", "tags", "skip")]


async def test_a_pasted_article_is_previewed_with_buttons_and_published_once(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry) as hashbot:
        [preview_text] = await reply_after(world, world.admin_id, ARTICLE)
        [post] = hashbot.store.posts()
        preview = world.replies_to(world.admin_id)[-1]
        assert post.state is PostState.AWAITING and post.kind is PostKind.MANUAL
        assert preview.buttons == _paste_buttons(post.id)
        world.api.click(world.admin_id, preview, f"paste:{post.id}:publish")
        world.api.click(world.admin_id, preview, f"paste:{post.id}:publish")  # a double click
        await world.api.until(lambda: len(world.api.callback_answers) == 2)
        await world.api.until(lambda: preview.edits > 0)
        published = hashbot.store.post(post.id)
    [message] = world.channel_posts()
    assert preview_text.startswith(
        f"Your post, not published yet · post #{post.id}\n\nFerry timetable changes"
    )
    assert published is not None and published.state is PostState.SENT
    assert published.message_id == message.message_id
    assert (preview.text or "").endswith(f"published as message {message.message_id} by Ada")
    assert preview.buttons == []
    assert world.api.callback_answers[1]["text"].startswith("Already decided")
    assert world.replies_to(world.second_admin_id) == []  # only the admin who pasted it is asked


async def test_a_pasted_article_can_be_queued_or_discarded(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry) as hashbot:
        await reply_after(world, world.admin_id, ARTICLE)
        await reply_after(world, world.admin_id, "Library reopens\n\nThe town library reopens on Monday.")
        first, second = hashbot.store.posts()
        previews = world.replies_to(world.admin_id)[-2:]
        world.api.click(world.admin_id, previews[0], f"paste:{first.id}:queue")
        world.api.click(world.admin_id, previews[1], f"paste:{second.id}:skip")
        await world.api.until(lambda: len(world.api.callback_answers) == 2)
        states = [post.state for post in hashbot.store.posts()]
        [again] = await reply_after(world, world.admin_id, ARTICLE)
    assert states == [PostState.QUEUED, PostState.SKIPPED]
    assert again == f"That article is already post #{first.id} (queued); /queue shows it."
    assert world.channel_posts() == []


async def test_a_pasted_article_scheduled_goes_out_at_the_admins_time_once(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        await reply_after(world, world.admin_id, ARTICLE)
        [post] = loop.store.posts()
        preview = world.replies_to(world.admin_id)[-1]
        assert preview.buttons == _paste_buttons(post.id)
        world.api.click(world.admin_id, preview, f"paste:{post.id}:schedule")
        await world.api.until(lambda: len(world.replies_to(world.admin_id)) == 2)
        prompt = world.replies_to(world.admin_id)[-1]
        [wrong] = await reply_after(world, world.admin_id, "half past six")
        [done] = await reply_after(world, world.admin_id, "18:30")
        scheduled = loop.store.post(post.id)
        planned = dict(loop.scheduler.planned)
        before = list(world.channel_posts())
        clock.set(paris("2026-11-24 18:30"))
        await loop.scheduler.one_off(post.id)
        sent = loop.store.post(post.id)
    assert world.api.callback_answers[0]["text"] == f"Send me the time for post #{post.id}."
    assert (
        prompt.text
        == f"When should post #{post.id} go out? Send a time like 18:30 or 2026-12-01 09:00 (Europe/Paris)."
    )
    assert wrong == (
        "'half past six' is not a time: use HH:MM or YYYY-MM-DD HH:MM. "
        f"Send the time for post #{post.id}, or /cancel {post.id}."
    )
    assert done == f"Scheduled as post {post.id} for 2026-11-24 18:30 Europe/Paris."
    assert scheduled is not None and scheduled.state is PostState.QUEUED
    assert scheduled.kind is PostKind.ONE_OFF and scheduled.scheduled == paris("2026-11-24 18:30")
    assert planned[one_off_job(post.id)] == paris("2026-11-24 18:30")
    assert (preview.text or "").endswith("scheduled by Ada for 2026-11-24 18:30 Europe/Paris")
    assert preview.buttons == []
    assert before == []  # nothing before its time
    [message] = world.channel_posts()
    assert (message.text or "").startswith("Ferry timetable changes")
    assert sent is not None and sent.state is PostState.SENT and sent.message_id == message.message_id


async def test_an_article_pasted_while_a_time_is_asked_is_a_new_post_not_the_answer(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry) as hashbot:
        await reply_after(world, world.admin_id, ARTICLE)
        [post] = hashbot.store.posts()
        preview = world.replies_to(world.admin_id)[-1]
        world.api.click(world.admin_id, preview, f"paste:{post.id}:schedule")
        await world.api.until(lambda: len(world.replies_to(world.admin_id)) == 2)
        [second] = await reply_after(
            world, world.admin_id, "Library reopens\n\nThe town library reopens on Monday."
        )
        first, other = hashbot.store.posts()
        request = hashbot.store.admin_request(world.admin_id)
    assert second.startswith(f"Your post, not published yet · post #{other.id}\n\nLibrary reopens")
    assert first.state is PostState.AWAITING and other.state is PostState.AWAITING  # both wait
    assert request is None  # the time is no longer asked


async def test_bad_input_gets_a_clear_answer_and_loses_nothing(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry) as hashbot:
        await reply_after(world, world.admin_id, ARTICLE)  # a post waiting for its decision
        before = hashbot.store.posts()
        count = len(world.replies_to(world.admin_id))
        world.api.push_photo(world.admin_id)  # an image, no caption
        await world.api.until(lambda: len(world.replies_to(world.admin_id)) > count)
        answers = [world.replies_to(world.admin_id)[-1].text]
        for text in ("x" * 10_000_000, "/cancel " + " ".join(["1"] * 10_000), "/queue " + "a " * 10_000):
            [answer] = await reply_after(world, world.admin_id, text)
            answers.append(answer)
        after = hashbot.store.posts()
    assert answers[0] is not None and answers[0].startswith("There is no text in that message")
    assert answers[1] == "That message is too long for an article (10,000,000 characters)."
    assert answers[2] == "Usage: /cancel <id>"
    assert answers[3].startswith("Usage: /queue")
    assert after == before
