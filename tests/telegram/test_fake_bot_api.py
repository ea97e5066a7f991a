"""The fake Bot API server reads HTML parse mode as Telegram does, through the shared validator."""

from __future__ import annotations

import pytest
from auxil.fake_bot_api import FakeSession
from telegram import InputMediaPhoto, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.app import build_application
from bot.config import Settings

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("sent", "problem"),
    [
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<p>para</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("привет <br>", 'Unsupported start tag "br" at byte offset 13'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
    ],
)
async def test_refuses_bad_html_with_telegrams_words(
    settings: Settings, world: FakeSession, sent: str, problem: str
) -> None:
    async with build_application(settings) as application:
        with pytest.raises(BadRequest) as refused:
            await application.bot.send_message(world.admin_id, sent, parse_mode=ParseMode.HTML)
    # PTB drops the "Bad Request: " prefix and applies str.capitalize() to what is left.
    assert refused.value.message == f"Can't parse entities: {problem}".capitalize()
    assert world.api.sent_by_bot(world.admin_id) == []


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("<b>A</b> &amp; <i>B</i>", "A & B"),
        ("&lt&gt and &nbsp;", "<> and &nbsp;"),
        ('<a href="https://x.org">link</a> <tg-spoiler>s</tg-spoiler>', "link s"),
    ],
)
async def test_stores_what_a_reader_sees(
    settings: Settings, world: FakeSession, sent: str, shown: str
) -> None:
    async with build_application(settings) as application:
        await application.bot.send_message(world.admin_id, sent, parse_mode=ParseMode.HTML)
    [message] = world.api.sent_by_bot(world.admin_id)
    assert (message.sent, message.text) == (sent, shown)


@pytest.mark.parametrize(
    ("sent", "parse_mode", "description"),
    [
        ("<b> </b>", ParseMode.HTML, "Message text is empty"),
        ("<b>" + "é" * 4097 + "</b>", ParseMode.HTML, "Message is too long"),
        ("x" * 4097, None, "Message is too long"),
    ],
)
async def test_refuses_empty_and_too_long_messages(
    settings: Settings, world: FakeSession, sent: str, parse_mode: ParseMode | None, description: str
) -> None:
    async with build_application(settings) as application:
        with pytest.raises(BadRequest) as refused:
            await application.bot.send_message(world.admin_id, sent, parse_mode=parse_mode)
    assert refused.value.message == description
    assert world.api.sent_by_bot(world.admin_id) == []


async def test_media_groups_hold_two_to_ten_media_like_telegrams(
    settings: Settings, world: FakeSession
) -> None:
    photos = [InputMediaPhoto(f"https://img.example/{n}.jpg") for n in range(11)]
    async with build_application(settings) as application:
        bot = application.bot
        for count in (1, 11):
            with pytest.raises(BadRequest, match="Wrong number of media"):
                await bot.send_media_group(world.channel_id, photos[:count])
        world.api.unreachable_media("https://img.example/2.jpg")
        with pytest.raises(
            BadRequest, match=r'Failed to send message #3 with the error message "failed to get'
        ):
            await bot.send_media_group(world.channel_id, photos[:4])
        assert world.api.sent_by_bot(world.channel_id) == []  # all or nothing
        sent = await bot.send_media_group(
            world.channel_id, photos[3:6], caption="<b>x</b>", parse_mode="HTML"
        )
    assert [message.caption for message in sent] == ["x", None, None]
    assert len({message.media_group_id for message in sent}) == 1 and sent[0].media_group_id


async def test_edit_message_caption_is_as_strict_as_telegram(settings: Settings, world: FakeSession) -> None:
    async with build_application(settings) as application:
        bot = application.bot
        text = await bot.send_message(world.channel_id, "plain")
        with pytest.raises(BadRequest, match="There is no caption in the message to edit"):
            await bot.edit_message_caption(world.channel_id, text.message_id, caption="new")
        video = await bot.send_video(world.channel_id, "https://video.example/a.mp4", caption="old")
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_caption(world.channel_id, video.message_id, caption="old")
        edited = await bot.edit_message_caption(
            world.channel_id, video.message_id, caption="<i>new</i>", parse_mode="HTML"
        )
    assert isinstance(edited, Message) and edited.caption == "new" and edited.edit_date is not None
    assert world.api.sent_by_bot(world.channel_id)[1].caption == "new"
