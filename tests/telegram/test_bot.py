"""The whole bot, polling the fake Bot API: admins command it, strangers are refused."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from auxil.fake_bot_api import FakeSession, RecordedSleep, reply_after
from auxil.running_bot import running

from bot.config import Settings
from bot.logs import configure_logging
from bot.telegram import COMMANDS, RetryPolicy

pytestmark = pytest.mark.anyio

ARTICLE = "Ceasefire talks in Paris\n\nEmmanuel Macron and Keir Starmer met in Paris to discuss Ukraine."


async def test_commands_are_registered_with_telegram(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry):
        assert [command["command"] for command in world.api.commands] == [c.name for c in COMMANDS]


async def test_admin_post_publishes_exactly_one_channel_message(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry):
        [answer] = await reply_after(world, world.admin_id, f"/post {ARTICLE}")
    [post] = world.channel_posts()
    assert "Ceasefire talks in Paris" in (post.text or "")
    assert "#" in (post.text or "")
    assert answer == f"Published to @{world.channel_username} (message {post.message_id})."


async def test_stranger_post_is_refused_and_the_channel_untouched(
    settings: Settings,
    world: FakeSession,
    sleep: RecordedSleep,
    retry: RetryPolicy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async with running(settings, sleep, retry):
        [answer] = await reply_after(world, world.stranger_id, f"/post {ARTICLE}")
        [status] = await reply_after(world, world.stranger_id, "/status")
    assert answer == status == "Sorry, only the channel's admins can use this bot."
    assert world.channel_posts() == []
    assert f"refused /post from user {world.stranger_id}" in caplog.text
    assert "Macron" not in caplog.text


async def test_start_gives_strangers_the_channel_link(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    settings = settings.model_copy(update={"channel": str(world.channel_id)})  # link found by getChat
    async with running(settings, sleep, retry):
        [stranger] = await reply_after(world, world.stranger_id, "/start")
        [admin] = await reply_after(world, world.admin_id, "/start")
    assert "https://t.me/hashbot_news" in stranger
    assert "/post <url|text>" in admin


async def test_preview_replies_to_the_asking_admin_only(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry):
        [preview] = await reply_after(world, world.admin_id, f"/preview {ARTICLE}")
        quoted = world.api.push_message(world.admin_id, ARTICLE)
        world.api.push_message(world.admin_id, "/preview", reply_to=quoted)

        def previews() -> list[str]:
            return [text for text in world.texts_to(world.admin_id) if text.startswith("Preview (dry run)")]

        await world.api.until(lambda: len(previews()) == 2)  # the quoted message's own answer may come first
    assert preview.startswith("Preview (dry run): not published\n\nCeasefire talks in Paris")
    assert previews() == [preview, preview]
    assert world.channel_posts() == []
    assert world.replies_to(world.second_admin_id) == []


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/preview", "Usage: /preview <url|text> — or reply with it to a message"),
        ("/post", "Usage: /post <url|text>"),
        ("/tags", "Usage: /tags <url|text>"),
        ("/dryrun maybe", "Usage: /dryrun on|off\nMode: live."),
        ("/frobnicate", "I do not know that command. /help lists what I can do."),
    ],
)
async def test_bad_arguments_get_the_usage_line(
    settings: Settings,
    world: FakeSession,
    sleep: RecordedSleep,
    retry: RetryPolicy,
    command: str,
    expected: str,
) -> None:
    async with running(settings, sleep, retry):
        [answer] = await reply_after(world, world.admin_id, command)
    assert answer.startswith(expected)


async def test_tags_answers_with_hashtags(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry):
        [answer] = await reply_after(world, world.admin_id, f"/tags {ARTICLE}")
    assert "#Macron" in answer or "#EmmanuelMacron" in answer
    assert all(word.startswith("#") for word in answer.split())


async def test_flood_limit_then_success_publishes_once(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    world.api.fail("sendMessage", 429, retry_after=1)
    async with running(settings, sleep, retry):
        [answer] = await reply_after(world, world.admin_id, f"/post {ARTICLE}")
    assert len(world.channel_posts()) == 1
    assert answer.startswith("Published to")
    assert sleep.waits == [1.0]


async def test_forbidden_pauses_publishing_and_tells_every_admin(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    world.api.remove_bot(world.channel_id)
    async with running(settings, sleep, retry) as hashbot:
        # The notice every admin gets, and the answer to this /post.
        await reply_after(world, world.admin_id, f"/post {ARTICLE}", count=2)
        await world.api.until(lambda: len(world.replies_to(world.second_admin_id)) == 1)
        assert hashbot.store.paused()
        [refused] = await reply_after(world, world.admin_id, f"/post {ARTICLE}")
        [status] = await reply_after(world, world.admin_id, "/status")
        world.api.chats[world.channel_id].bot_is_member = True
        [resumed] = await reply_after(world, world.admin_id, "/resume")
        [published] = await reply_after(world, world.admin_id, f"/post {ARTICLE}")
    for admin in (world.admin_id, world.second_admin_id):
        assert next(world.texts_to(admin)).startswith("⏸ Publishing is paused: Telegram refused the bot")
    assert refused.startswith("Not published: publishing is paused")
    assert "Publishing: paused" in status and "1 failed" in status
    assert resumed == "▶️ Publishing resumed."
    assert published.startswith("Published to")
    assert len(world.channel_posts()) == 1


async def test_pause_dry_run_and_status(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with running(settings, sleep, retry):
        await reply_after(world, world.admin_id, "/pause")
        [paused] = await reply_after(world, world.admin_id, f"/post {ARTICLE}")
        await reply_after(world, world.admin_id, "/resume")
        [dry] = await reply_after(world, world.admin_id, "/dryrun on")
        # The preview reaches both admins; the asking admin also gets the confirmation.
        answers = await reply_after(world, world.admin_id, f"/post {ARTICLE}", count=2)
        [status] = await reply_after(world, world.admin_id, "/status")
    assert paused.startswith("Not published: publishing is paused (paused by Ada)")
    assert dry.startswith("🧪 Dry run is on: posts go to the admins as previews and stay queued")
    assert answers[0].startswith("Preview (dry run): not published")
    assert answers[1] == "Dry run is on: the post went to the admins as a preview."
    assert next(world.texts_to(world.second_admin_id)).startswith("Preview (dry run)")
    assert world.channel_posts() == []
    assert "Mode: dry run" in status and "0 published, 1 previewed" in status


@pytest.fixture
def session_log(settings: Settings) -> Iterator[io.StringIO]:
    """The operator's log, set up exactly as the CLI does, at its most talkative level."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging(level="DEBUG", fmt="text", stream=stream)
    yield stream
    root.handlers[:], _ = saved
    root.setLevel(saved[1])


async def test_the_log_of_a_whole_session_never_contains_the_token(
    settings: Settings,
    world: FakeSession,
    sleep: RecordedSleep,
    retry: RetryPolicy,
    session_log: io.StringIO,
    token: str,
) -> None:
    world.api.fail("getUpdates", 500)
    async with running(settings, sleep, retry):
        await reply_after(world, world.admin_id, "/start")
        await reply_after(world, world.stranger_id, f"/post {ARTICLE}")
        world.api.fail("sendMessage", 429, retry_after=1)
        await reply_after(world, world.admin_id, f"/post {ARTICLE}")
        world.api.remove_bot(world.channel_id)
        await reply_after(world, world.admin_id, f"/post Another story\n\n{ARTICLE}")  # not a repeat
    log = session_log.getvalue()
    assert "published /post" in log and "publishing paused" in log and "getUpdates" in log
    assert token not in log
    assert token.split(":")[1] not in log
