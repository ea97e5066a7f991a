from __future__ import annotations

import pytest

from bot.hashtags.measures import counting_nouns, measures


@pytest.mark.parametrize("lang", ["en", "fr", "pt", "es", "de", "nl"])
def test_each_language_lists_lowercase_measures_that_include_its_counting_nouns(lang: str) -> None:
    words = measures(lang)
    assert words and all(word == word.lower() for word in words)
    assert counting_nouns(lang) and counting_nouns(lang) <= words


def test_a_currency_in_the_singular_stays_a_possible_topic() -> None:
    assert "euros" in measures("fr") and "euro" not in measures("fr")
    assert "quarantaine" not in measures("fr")  # also quarantine, a topic


def test_a_language_not_listed_has_no_measures() -> None:
    assert measures("ja") == frozenset() and measures(None) == frozenset()
