"""The Jinja2 filters templates use: hashtag line, truncation, a URL's domain, dates.

Dates are written as the reader of the post expects them, through the Unicode CLDR data Babel
ships: ``2 mars 2026`` for a French article, ``2. März 2026`` for a German one, ``Mar 2, 2026`` in
English; the channel's locale (``HASHBOT_LOCALE``), when set, is used for every post instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import UTC, datetime, tzinfo
from functools import cache
from typing import Any

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton

from bot.models import Tag
from bot.render._markup import domain
from bot.render._text import shorten, split_sentences, words


def hashtag_line(tags: Sequence[Tag], limit: int | None = None) -> str:
    """``#One #Two``: the best `limit` tags (all by default), in rank order."""
    return " ".join(tag.hashtag for tag in tags[:limit])


def first_sentences(text: str, count: int = 1) -> str:
    return " ".join(split_sentences(text)[:count])


#: Babel's named date lengths a template may ask for: ``date("long")`` → ``2 mars 2026``.
NAMED_FORMATS = ("short", "medium", "long", "full")
#: The fallback locale: an article in a language CLDR does not know gets English dates.
DEFAULT_LOCALE = "en"
#: Day, abbreviated month and year, in each locale's own order and words (CLDR's ``yMMMd``).
_DEFAULT_SKELETON = "yMMMd"


@cache
def locale_for(tag: str | None) -> Locale:
    """The CLDR locale for a language tag (``pt-BR``, ``fr_FR``, ``de``); English when unknown."""
    for candidate in (tag, (tag or "").replace("-", "_").split("_")[0]):
        if candidate:
            with suppress(UnknownLocaleError, ValueError):
                return Locale.parse(candidate.replace("-", "_"))
    return Locale.parse(DEFAULT_LOCALE)


def format_date(
    value: datetime | None, fmt: str | None = None, *, tz: tzinfo = UTC, locale: str | None = None
) -> str:
    """A date in the configured time zone, in `locale`'s words: ``2 Mar 2026`` in ``en_GB``.

    `fmt` may be one of :data:`NAMED_FORMATS` or a strftime format (``%d.%m.%Y``: the format a
    template names is kept as written). A naive datetime is taken to be UTC, as feeds without a
    zone mean it.
    """
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(tz)
    if fmt and fmt not in NAMED_FORMATS:
        return local.strftime(fmt)
    if fmt:
        return babel_format_date(local.date(), fmt, locale=locale_for(locale))
    return format_skeleton(_DEFAULT_SKELETON, local, tzinfo=tz, locale=locale_for(locale))


def _reader_language(context: jinja2.runtime.Context) -> str | None:
    """The language of the article a template renders, or the one all of a digest's share.

    A digest of articles in several languages has no reader's language: its dates are English.
    """
    article = context.get("article")
    if article is not None:
        return getattr(article, "language", None)
    languages = {getattr(article, "language", None) for article in context.get("articles") or ()}
    return languages.pop() if len(languages) == 1 else None


def filters(tz: tzinfo, locale: str | None = None) -> dict[str, Callable[..., Any]]:
    """Every filter by the name templates call it; dates in `locale`, else the article's language."""

    @jinja2.pass_context
    def date(context: jinja2.runtime.Context, value: datetime | None, fmt: str | None = None) -> str:
        return format_date(value, fmt, tz=tz, locale=locale or _reader_language(context))

    return {
        "hashtags": hashtag_line,
        "sentences": first_sentences,
        "shorten": shorten,
        "words": words,
        "domain": domain,
        "date": date,
    }
