"""The approval flow end to end: feed posts wait for an admin's decision, kept in the store.

A local feed server, the real bot on the fake Bot API, and the run loop's jobs called by the test at
the injected clock's times (as in test_run_loop). Clicks are pushed back to back, before the bot has
handled any of them, which is what a double click or two admins at once look like to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from auxil.fake_bot_api import FakeMessage, FakeSession, RecordedSleep, reply_after
from auxil.feedserver import FeedServer, Route
from auxil.run_loop import Clock, Loop, paris, rss, run_loop, story_title

from bot.config import Settings
from bot.storage import PostState
from bot.telegram import RetryPolicy
from bot.telegram.auth import REFUSAL

pytestmark = pytest.mark.anyio

NOON = "2026-11-24 12:00"


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.routes["/harbour.xml"] = Route(body=rss(range(1, 2)))
        yield server


def _buttons(post_id: int) -> list[str]:
    return [f"approve:{post_id}:{action}" for action in ("publish", "queue", "tags", "skip")]


async def _offer(loop: Loop, feeds: FeedServer) -> tuple[int, dict[int, FakeMessage]]:
    """Poll the feed and run a slot: its one post goes to the admins. Returns it and each admin's preview."""
    await loop.subscribe_and_poll(feeds.url("/harbour.xml"))
    report = await loop.runner.publish()
    [post_id] = report.held
    world = loop.world
    previews = {admin: world.replies_to(admin)[-1] for admin in (world.admin_id, world.second_admin_id)}
    return post_id, previews


def _state(loop: Loop, post_id: int) -> PostState:
    post = loop.store.post(post_id)
    assert post is not None
    return post.state


def _hashtags(message: FakeMessage) -> list[str]:
    return re.findall(r"#[^\W\d]\w*", message.text or "")  # not "post #12"


async def test_a_feed_post_is_previewed_to_every_admin_with_four_buttons_and_listed_as_awaiting(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    async with run_loop(settings, world, Clock(paris(NOON)), retry, sleep, approval=True) as loop:
        post_id, previews = await _offer(loop, feeds)
        assert world.channel_posts() == []
        assert _state(loop, post_id) is PostState.AWAITING
        for preview in previews.values():
            assert (preview.text or "").startswith(f"Awaiting approval · post #{post_id}\n\n{story_title(1)}")
            assert preview.buttons == _buttons(post_id)

        await loop.runner.publish()  # the next slot neither publishes it nor asks again
        assert world.channel_posts() == []
        assert all(world.replies_to(admin)[-1] is preview for admin, preview in previews.items())

        [queue] = await reply_after(world, world.admin_id, "/queue")
        [status] = await reply_after(world, world.admin_id, "/status")
    assert f"Awaiting approval (decide on the previews):\n#{post_id} {story_title(1)}" in queue
    assert "1 awaiting approval" in status


async def test_publish_clicked_twice_and_by_two_admins_publishes_once_and_marks_every_preview(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    async with run_loop(settings, world, Clock(paris(NOON)), retry, sleep, approval=True) as loop:
        post_id, previews = await _offer(loop, feeds)
        publish = f"approve:{post_id}:publish"
        world.api.click(world.admin_id, previews[world.admin_id], publish)
        world.api.click(world.admin_id, previews[world.admin_id], publish)
        world.api.click(world.second_admin_id, previews[world.second_admin_id], publish)
        await world.api.until(lambda: len(world.api.callback_answers) == 3)
        await world.api.until(lambda: all(preview.edits for preview in previews.values()))
        [message] = world.channel_posts()
        assert _state(loop, post_id) is PostState.SENT
    first, *others = (answer["text"] for answer in world.api.callback_answers)
    assert first == f"Published as message {message.message_id}"
    assert others == [f"Already decided: post {post_id} is sent."] * 2
    for preview in previews.values():
        assert (preview.text or "").endswith(f"published as message {message.message_id} by Ada")
        assert preview.buttons == []
    assert (message.text or "").startswith(story_title(1))


async def test_queue_approves_the_post_for_the_next_slot_without_asking_again(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    clock = Clock(paris(NOON))
    async with run_loop(settings, world, clock, retry, sleep, approval=True) as loop:
        post_id, previews = await _offer(loop, feeds)
        world.api.click(world.second_admin_id, previews[world.second_admin_id], f"approve:{post_id}:queue")
        await world.api.until(lambda: all(preview.edits for preview in previews.values()))
        assert _state(loop, post_id) is PostState.QUEUED and world.channel_posts() == []

        clock.set(paris("2026-11-24 13:00"))
        await loop.scheduler.publish()
        [message] = world.channel_posts()
        assert _state(loop, post_id) is PostState.SENT
        assert all(world.replies_to(admin)[-1] is preview for admin, preview in previews.items())
    assert world.api.callback_answers[0]["text"] == "Queued"
    assert (previews[world.admin_id].text or "").endswith("queued by Grace: it goes out at the next slot")
    assert (message.text or "").startswith(story_title(1))


async def test_skip_skips_and_a_strangers_click_is_refused_and_changes_nothing(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    async with run_loop(settings, world, Clock(paris(NOON)), retry, sleep, approval=True) as loop:
        post_id, previews = await _offer(loop, feeds)
        preview = previews[world.admin_id]
        world.api.click(world.stranger_id, preview, f"approve:{post_id}:publish")
        await world.api.until(lambda: len(world.api.callback_answers) == 1)
        assert _state(loop, post_id) is PostState.AWAITING
        assert preview.edits == 0 and preview.buttons == _buttons(post_id)

        world.api.click(world.second_admin_id, preview, f"approve:{post_id}:skip")
        await world.api.until(lambda: all(preview.edits for preview in previews.values()))
        assert _state(loop, post_id) is PostState.SKIPPED
        await loop.runner.publish()
    refused, skipped = world.api.callback_answers
    assert refused["text"] == REFUSAL and refused["show_alert"]
    assert skipped["text"] == "Skipped"
    assert (preview.text or "").endswith("skipped by Grace")
    assert world.channel_posts() == []


async def test_edited_tags_are_stored_shown_in_the_previews_and_published(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    async with run_loop(settings, world, Clock(paris(NOON)), retry, sleep, approval=True) as loop:
        post_id, previews = await _offer(loop, feeds)
        assert _hashtags(previews[world.admin_id])  # the extracted tags, to be replaced
        before = len(world.replies_to(world.admin_id))
        world.api.click(world.admin_id, previews[world.admin_id], f"approve:{post_id}:tags")
        await world.api.until(lambda: len(world.replies_to(world.admin_id)) == before + 1)
        prompt = world.replies_to(world.admin_id)[-1].text or ""
        assert prompt.startswith(f"Send the new tags for post #{post_id}")

        [nothing] = await reply_after(world, world.admin_id, "!!! ???")
        assert nothing.startswith("No hashtag in that")
        [done] = await reply_after(world, world.admin_id, "#ukraine, keir starmer, #Ukraine")
        assert done == f"Post #{post_id} now has #Ukraine #KeirStarmer; the previews show it."
        post = loop.store.post(post_id)
        assert post is not None and post.tags == ("Ukraine", "KeirStarmer") and post.tags_edited
        # The admin's choice is the chat's vocabulary already, before the post goes out.
        assert {use.name for use in loop.store.tag_uses(chat=post.chat)} == {"Ukraine", "KeirStarmer"}
        assert loop.store.tag_uses(chat=post.chat, sent_only=True) == []
        for preview in previews.values():
            assert _hashtags(preview) == ["#Ukraine", "#KeirStarmer"]
            assert preview.buttons == _buttons(post_id)  # still waiting for a decision

        # The next text is an ordinary message again, not tags: a pasted article.
        [hint] = await reply_after(world, world.admin_id, "hello")
        assert hint.startswith("Your post, not published yet")

        world.api.click(world.second_admin_id, previews[world.second_admin_id], f"approve:{post_id}:publish")
        await world.api.until(lambda: len(world.channel_posts()) == 1)
    [message] = world.channel_posts()
    assert _hashtags(message) == ["#Ukraine", "#KeirStarmer"]


async def test_a_preview_still_works_once_after_a_restart(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    clock = Clock(paris(NOON))
    async with run_loop(settings, world, clock, retry, sleep, approval=True) as loop:
        post_id, previews = await _offer(loop, feeds)
    # A new bot and runner on the same database: nothing in memory survives but the fake's chats.
    async with run_loop(settings, world, clock, retry, sleep, approval=True) as loop:
        await loop.runner.recover()
        assert all(world.replies_to(admin)[-1] is preview for admin, preview in previews.items())
        world.api.click(world.second_admin_id, previews[world.second_admin_id], f"approve:{post_id}:publish")
        world.api.click(world.admin_id, previews[world.admin_id], f"approve:{post_id}:publish")
        await world.api.until(lambda: len(world.api.callback_answers) == 2)
        await world.api.until(lambda: all(preview.edits for preview in previews.values()))
        assert _state(loop, post_id) is PostState.SENT
    [message] = world.channel_posts()
    assert world.api.callback_answers[1]["text"] == f"Already decided: post {post_id} is sent."
    for preview in previews.values():
        assert (preview.text or "").endswith(f"published as message {message.message_id} by Grace")


async def test_a_post_whose_previews_never_went_out_is_offered_at_the_next_start(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    clock = Clock(paris(NOON))
    async with run_loop(settings, world, clock, retry, sleep, approval=True) as loop:
        await loop.subscribe_and_poll(feeds.url("/harbour.xml"))
        [post] = loop.store.posts()
        assert loop.store.hold(post.id, now=clock())  # stopped before the previews
    async with run_loop(settings, world, clock, retry, sleep, approval=True) as loop:
        await loop.runner.recover()
        await loop.runner.recover()  # admins who have their preview are not sent another
        for admin in (world.admin_id, world.second_admin_id):
            [preview] = world.replies_to(admin)
            assert preview.buttons == _buttons(post.id)


async def test_a_tag_request_ends_with_its_post_and_leaves_later_messages_alone(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    async with run_loop(settings, world, Clock(paris(NOON)), retry, sleep, approval=True) as loop:
        post_id, previews = await _offer(loop, feeds)
        before = len(world.replies_to(world.admin_id))
        world.api.click(world.admin_id, previews[world.admin_id], f"approve:{post_id}:tags")
        await world.api.until(lambda: len(world.replies_to(world.admin_id)) == before + 1)
        # Grace skips the post before Ada answers: Ada's next message is about something else.
        world.api.click(world.second_admin_id, previews[world.second_admin_id], f"approve:{post_id}:skip")
        await world.api.until(lambda: len(world.api.callback_answers) == 2)
        [hint] = await reply_after(world, world.admin_id, "hello")
        post = loop.store.post(post_id)
    assert hint.startswith("Your post, not published yet")  # a pasted article, not tags
    assert post is not None and post.state is PostState.SKIPPED and not post.tags_edited


async def test_a_button_no_desk_knows_is_answered_so_the_spinner_stops(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    huge = "9" * 30
    stale = [
        "approval:k3y:publish",
        "approve:999:publish",
        f"approve:{huge}:skip",
        "uncertain:7:resend",
        "x" * 64,
    ]
    async with run_loop(settings, world, Clock(paris(NOON)), retry, sleep, approval=True) as loop:
        post_id, _ = await _offer(loop, feeds)
        # Buttons an older version of the bot left under a message, or data a client made up.
        old = world.api.add_bot_message(world.admin_id, "An old question", buttons=stale)
        for data in stale:
            world.api.click(world.admin_id, old, data)
        world.api.click(
            world.stranger_id, world.api.add_bot_message(world.stranger_id, "?", buttons=["z"]), "z"
        )
        await world.api.until(lambda: len(world.api.callback_answers) == len(stale) + 1)
        assert _state(loop, post_id) is PostState.AWAITING  # nothing was decided
    answers = [answer["text"] for answer in world.api.callback_answers]
    assert all(answer for answer in answers)
    assert answers[-1] == REFUSAL
    assert world.channel_posts() == []
