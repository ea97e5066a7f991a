from __future__ import annotations

from bot.models import Article, ParseMode, Post
from bot.render import MESSAGE_LENGTH, scan
from bot.telegram.approval import DESK_ROOM, preview_text


def _post(body: str, mode: ParseMode = ParseMode.HTML) -> Post:
    return Post(article=Article(text="x"), tags=(), body=body, parse_mode=mode, template="t")


def test_a_short_post_is_previewed_as_it_will_be_sent() -> None:
    body = '<b><a href="https://example.org/a">Title</a></b>\n\nLead &amp; more.\n\n#Tag'
    assert preview_text(7, _post(body)) == f"<i>Awaiting approval</i> · post #7\n\n{body}"


def test_a_post_at_the_limit_still_leaves_room_for_the_header_and_the_decision() -> None:
    body = "<b>Title</b>\n\n" + "Word &amp; word. " * 400  # about 6,800 visible characters
    preview = preview_text(12, _post(body))
    measured = scan(preview)  # valid Telegram HTML, or this raises
    assert measured.length + DESK_ROOM - len("Awaiting approval · post #12") <= MESSAGE_LENGTH
    assert preview.startswith("<i>Awaiting approval</i> · post #12\n\nTitle")
    assert "&amp;" in preview and preview.rstrip().endswith("word.")  # cut at a sentence end


def test_a_long_plain_text_post_is_shortened_too() -> None:
    preview = preview_text(3, _post("word " * 2000, ParseMode.TEXT))
    assert len(preview) <= MESSAGE_LENGTH - DESK_ROOM + len("Awaiting approval · post #3\n\n")
