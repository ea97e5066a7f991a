"""The Jinja2 filters templates use: hashtag line, truncation, a URL's domain, dates."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import UTC, datetime, tzinfo
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from bot.models import Tag
from bot.render._text import shorten, split_sentences, words


def hashtag_line(tags: Sequence[Tag], limit: int | None = None) -> str:
    """``#One #Two``: the best `limit` tags (all by default), in rank order."""
    return " ".join(tag.hashtag for tag in tags[:limit])


def first_sentences(text: str, count: int = 1) -> str:
    return " ".join(split_sentences(text)[:count])


def domain(url: str | None) -> str:
    """``https://www.example.org/a`` → ``example.org``; punycode shown as the letters it encodes."""
    host = (urlsplit(url).hostname or "") if url else ""
    host = host.removeprefix("www.")
    if "xn--" in host:
        with suppress(UnicodeError):
            host = host.encode("ascii").decode("idna")
    return host


def format_date(value: datetime | None, fmt: str | None = None, *, tz: tzinfo = UTC) -> str:
    """A date in the configured time zone: ``2 Mar 2026`` by default, or any strftime format.

    A naive datetime is taken to be UTC, as feeds without a zone mean it.
    """
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(tz)
    return local.strftime(fmt) if fmt else f"{local.day} {local:%b %Y}"


def filters(tz: tzinfo) -> dict[str, Callable[..., Any]]:
    """Every filter by the name templates call it."""
    return {
        "hashtags": hashtag_line,
        "sentences": first_sentences,
        "shorten": shorten,
        "words": words,
        "domain": domain,
        "date": partial(format_date, tz=tz),
    }
