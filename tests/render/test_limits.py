from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from telegram.constants import MediaGroupLimit, MessageLimit

from bot.models import Tag, TagReason
from bot.render import (
    ALBUM_MAX,
    ALBUM_MIN,
    CAPTION_LENGTH,
    LIMITS,
    MESSAGE_ENTITIES,
    MESSAGE_LENGTH,
    domain,
    mastodon_length,
    x_length,
)
from bot.render._filters import format_date, hashtag_line


def test_telegram_limits_match_python_telegram_bot() -> None:
    assert MESSAGE_LENGTH == MessageLimit.MAX_TEXT_LENGTH
    assert CAPTION_LENGTH == MessageLimit.CAPTION_LENGTH
    assert MESSAGE_ENTITIES == MessageLimit.MESSAGE_ENTITIES
    assert (ALBUM_MIN, ALBUM_MAX) == (MediaGroupLimit.MIN_MEDIA_LENGTH, MediaGroupLimit.MAX_MEDIA_LENGTH)
    assert (LIMITS["message"].length, LIMITS["caption"].length) == (4096, 1024)


def test_x_weighs_urls_as_23_and_wide_characters_as_2() -> None:
    assert x_length("hello") == 5
    assert x_length("see https://example.org/" + "a" * 100) == 4 + 23
    assert x_length("日本") == 4
    assert x_length("😀") == 2
    assert x_length("café — “ok”") == 11


def test_mastodon_counts_characters_and_urls_as_23() -> None:
    assert mastodon_length("héllo 😀") == 7
    assert mastodon_length("https://example.org/" + "a" * 100 + " x") == 25


def test_filters() -> None:
    tags = [Tag("A", 2, TagReason.TITLE), Tag("B", 1, TagReason.TITLE)]
    assert hashtag_line(tags) == "#A #B" and hashtag_line(tags, 1) == "#A"
    assert domain("https://www.example.org/a?b") == "example.org"
    assert domain("https://xn--mnchen-3ya.de/") == "münchen.de"
    assert domain(None) == ""
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    assert format_date(late, tz=timezone(timedelta(hours=2))) == "Mar 3, 2026"
    assert format_date(late.replace(tzinfo=None), "%H:%M", tz=UTC) == "23:30"
    assert format_date(None) == ""
