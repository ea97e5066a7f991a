"""Dates in posts are written in the reader's language: the article's, or the channel's locale."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from auxil.examples import NOW, tags_for

from bot.models import Article
from bot.pipeline import PostPlanner
from bot.render import Renderer
from bot.render._filters import format_date

MARCH_2 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("fr", "2 mars 2026"),
        ("de", "2. März 2026"),
        ("en", "Mar 2, 2026"),
        ("en_GB", "2 Mar 2026"),
        ("pt-BR", "2 de mar. de 2026"),
        ("ru", "2 мар. 2026\u202fг."),  # CLDR keeps the year and its mark together
        ("ja", "2026年3月2日"),
        ("xx", "Mar 2, 2026"),  # a language CLDR does not know: English
        (None, "Mar 2, 2026"),
    ],
)
def test_default_date_is_day_month_year_in_the_locale(locale: str | None, expected: str) -> None:
    assert format_date(MARCH_2, locale=locale) == expected


def test_named_lengths_and_strftime_formats() -> None:
    assert format_date(MARCH_2, "long", locale="fr") == "2 mars 2026"
    assert format_date(MARCH_2, "full", locale="de") == "Montag, 2. März 2026"
    assert format_date(MARCH_2, "%d.%m.%Y", locale="fr") == "02.03.2026"


def test_the_time_zone_decides_the_day() -> None:
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    assert format_date(late, tz=ZoneInfo("Europe/Paris"), locale="fr") == "3 mars 2026"


def _article(lang: str | None, text: str = "Un texte.") -> Article:
    return Article(text=text, title="Titre", url="https://example.org/a", lang=lang, published=MARCH_2)


def test_a_post_shows_its_date_in_the_article_language() -> None:
    assert "· 2 mars 2026" in Renderer().render(_article("fr"), tags_for(["Paris"]), now=NOW).body
    assert "· 2. März 2026" in Renderer().render(_article("de"), tags_for(["Paris"]), now=NOW).body


def test_the_channel_locale_wins_over_the_article_language() -> None:
    post = Renderer(locale="en_GB").render(_article("fr"), tags_for(["Paris"]), now=NOW)
    assert "· 2 Mar 2026" in post.body


def test_a_detected_language_dates_the_post() -> None:
    text = "Le gouvernement a présenté mardi un plan pour les écoles et les hôpitaux de la région."
    post = PostPlanner(renderer=Renderer()).plan(_article(None, text), now=NOW)
    assert post.article.lang == "fr"
    assert "· 2 mars 2026" in post.body


def test_a_digest_in_one_language_is_dated_in_it_and_a_mixed_one_in_english() -> None:
    french = [(_article("fr"), tags_for(["Paris"])), (_article("fr"), tags_for(["Lyon"]))]
    assert Renderer().render_digest(french, now=NOW).body.startswith("<b>15 juil. 2026</b>")
    mixed = [french[0], (_article("de"), tags_for(["Berlin"]))]
    assert Renderer().render_digest(mixed, now=NOW).body.startswith("<b>Jul 15, 2026</b>")
