"""The Telegram publisher against the fake Bot API: what reaches the chat, and how often."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from auxil.fake_bot_api import FakeSession, RecordedSleep
from telegram.constants import MessageLimit

from bot.app import build_application, build_channel_publisher
from bot.config import Settings
from bot.errors import PublishError, PublishForbidden, PublishUncertain
from bot.models import Article, LinkPreview, ParseMode, Post, Target
from bot.telegram import RetryPolicy, TelegramPublisher
from bot.telegram.publisher import caption_fits

pytestmark = pytest.mark.anyio

URL = "https://example.org/news/2026/ceasefire"


def make_post(body: str = "<b>Ceasefire talks</b>\n#Ukraine #France", **changes: object) -> Post:
    article = Article(text="Talks went on.", title="Ceasefire talks", url=URL, source="seed.txt")
    post = Post(article=article, tags=(), body=body, parse_mode=ParseMode.HTML, template="telegram.html.j2")
    return replace(post, **changes)  # type: ignore[arg-type]


@asynccontextmanager
async def publisher_for(
    settings: Settings, sleep: RecordedSleep, retry: RetryPolicy, *, read_timeout: float = 30.0
) -> AsyncIterator[TelegramPublisher]:
    async with build_application(settings, read_timeout=read_timeout) as application:
        yield build_channel_publisher(settings, application.bot, retry=retry, sleep=sleep)


def test_caption_limit_is_telegrams() -> None:
    assert caption_fits(make_post(body="x" * MessageLimit.CAPTION_LENGTH))
    assert not caption_fits(make_post(body="x" * (MessageLimit.CAPTION_LENGTH + 1)))
    # Tags do not count: only what the reader sees.
    assert caption_fits(make_post(body="<b>" + "x" * MessageLimit.CAPTION_LENGTH + "</b>"))


async def test_post_becomes_one_html_message_and_a_receipt(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with publisher_for(settings, sleep, retry) as publisher:
        receipt = await publisher.publish(make_post())
    [message] = world.channel_posts()
    assert message.sent == "<b>Ceasefire talks</b>\n#Ukraine #France"
    assert message.parse_mode == "HTML"
    assert message.text == "Ceasefire talks\n#Ukraine #France"
    assert receipt.destination == str(world.channel_id)
    assert receipt.message_id == message.message_id
    assert receipt.sent_at is not None and int(receipt.sent_at.timestamp()) == message.date
    assert sleep.waits == []


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (LinkPreview.ON, {"url": URL}),
        (LinkPreview.OFF, {"is_disabled": True}),
        (LinkPreview.ABOVE, {"url": URL, "show_above_text": True}),
    ],
)
async def test_link_preview_modes(
    settings: Settings,
    world: FakeSession,
    sleep: RecordedSleep,
    retry: RetryPolicy,
    mode: LinkPreview,
    expected: dict[str, object],
) -> None:
    settings = settings.model_copy(update={"link_preview": mode.value})
    async with publisher_for(settings, sleep, retry) as publisher:
        await publisher.publish(make_post())
        await publisher.publish(
            make_post(target=Target(chat=str(world.channel_id), link_preview=LinkPreview.OFF))
        )
    first, second = world.channel_posts()
    assert first.link_preview_options == expected
    assert second.link_preview_options == {"is_disabled": True}


async def test_photo_with_a_caption_that_fits(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy, tmp_path: Path
) -> None:
    image = tmp_path / "storm.jpg"
    image.write_bytes(b"\xff\xd8\xff" + bytes(500))
    async with publisher_for(settings, sleep, retry) as publisher:
        await publisher.publish(make_post(photo="https://example.org/storm.jpg"))
        await publisher.publish(make_post(photo=str(image)))
        await publisher.publish(make_post(body="x" * 2000, photo="https://example.org/storm.jpg"))
    by_url, uploaded, too_long = world.channel_posts()
    assert by_url.photo == "https://example.org/storm.jpg"
    assert by_url.caption == "Ceasefire talks\n#Ukraine #France"
    assert uploaded.photo == "upload:503 bytes"
    assert too_long.photo is None and too_long.text == "x" * 2000


async def test_unreachable_photo_still_publishes_the_text(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    world.api.unreachable_media("https://example.org/gone.jpg")
    async with publisher_for(settings, sleep, retry) as publisher:
        await publisher.publish(make_post(photo="https://example.org/gone.jpg"))
    [message] = world.channel_posts()
    assert message.photo is None and message.text == "Ceasefire talks\n#Ukraine #France"


async def test_post_goes_to_its_own_target_and_forum_topic(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    group = world.api.add_group(-1002000000002, topics=(7,))
    async with publisher_for(settings, sleep, retry) as publisher:
        receipt = await publisher.publish(make_post(target=Target(chat=str(group.id), thread_id=7)))
        with pytest.raises(PublishError, match="Message thread not found"):
            await publisher.publish(make_post(target=Target(chat=str(group.id), thread_id=8)))
    [message] = world.api.sent_by_bot(group.id)
    assert message.thread_id == 7
    assert receipt.destination == str(group.id)
    assert world.channel_posts() == []


async def test_flood_limit_waits_what_telegram_asks_then_sends_once(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    world.api.fail("sendMessage", 429, retry_after=1)
    async with publisher_for(settings, sleep, retry) as publisher:
        await publisher.publish(make_post())
    assert len(world.channel_posts()) == 1
    assert sleep.waits == [1.0]
    assert len(world.api.calls_of("sendMessage")) == 2


async def test_server_errors_are_retried_with_backoff(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    world.api.fail("sendMessage", 500, times=2)
    async with publisher_for(settings, sleep, retry) as publisher:
        await publisher.publish(make_post())
    assert len(world.channel_posts()) == 1
    assert sleep.waits == [0.5, 1.0]


async def test_retries_are_bounded(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    world.api.fail("sendMessage", 502, times=10)
    async with publisher_for(settings, sleep, retry) as publisher:
        with pytest.raises(PublishError, match="could not be reached after 4 attempts: Bad Gateway"):
            await publisher.publish(make_post())
    assert len(world.api.calls_of("sendMessage")) == retry.attempts
    assert sleep.waits == [0.5, 1.0, 2.0]
    assert world.channel_posts() == []


async def test_unparsable_html_is_sent_once_as_plain_text(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with publisher_for(settings, sleep, retry) as publisher:
        await publisher.publish(make_post(body='<b>Talks <a href="https://example.org/x">here</a> & there'))
    [message] = world.channel_posts()
    assert message.parse_mode is None
    assert message.text == "Talks here <https://example.org/x> & there"
    assert [call.params.get("parse_mode") for call in world.api.calls_of("sendMessage")] == ["HTML", None]


async def test_a_second_parse_refusal_fails_the_post_with_the_reason(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    reason = 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0'
    world.api.fail("sendMessage", 400, reason, times=2)
    async with publisher_for(settings, sleep, retry) as publisher:
        with pytest.raises(PublishError, match="unsupported start tag") as caught:
            await publisher.publish(make_post())
    assert "seed.txt → @hashbot_news" in str(caught.value)
    assert len(world.api.calls_of("sendMessage")) == 2
    assert world.channel_posts() == []


async def test_forbidden_is_its_own_error(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    world.api.remove_bot(world.channel_id)
    async with publisher_for(settings, sleep, retry) as publisher:
        with pytest.raises(PublishForbidden) as caught:
            await publisher.publish(make_post())
    assert caught.value.chat == "@hashbot_news"
    assert "bot is not a member of the channel chat" in caught.value.reason
    assert len(world.api.calls_of("sendMessage")) == 1


async def test_lost_answer_is_never_retried_into_a_second_copy(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    """Telegram posted, but its answer came after our read timeout: we must not send again."""
    world.api.delay("sendMessage", 1.5)
    async with publisher_for(settings, sleep, retry, read_timeout=0.3) as publisher:
        with pytest.raises(PublishUncertain, match="may have published it"):
            await publisher.publish(make_post())
    assert len(world.channel_posts()) == 1
    assert len(world.api.calls_of("sendMessage")) == 1
    assert sleep.waits == []


async def test_unreachable_server_is_retried_then_reported(
    settings: Settings, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings = settings.model_copy(update={"bot_api_url": f"http://127.0.0.1:{closed}/bot"})
    application = build_application(settings)
    await application.bot.request.initialize()  # no getMe: there is no server to answer it
    publisher = build_channel_publisher(settings, application.bot, retry=retry, sleep=sleep)
    try:
        with pytest.raises(PublishError, match="could not be reached after 4 attempts"):
            await publisher.publish(make_post())
    finally:
        await application.bot.request.shutdown()
    assert sleep.waits == [0.5, 1.0, 2.0]
