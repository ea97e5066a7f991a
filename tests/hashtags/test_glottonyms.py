"""Language names: CLDR's, shipped per language, and how a capital tells a language from a place."""

from __future__ import annotations

from bot.hashtags.glottonyms import names_a_language
from bot.hashtags.language import LanguageData
from bot.hashtags.training import language_names


def _names(lang: str | None) -> frozenset[str]:
    return LanguageData.known(lang).language_names


def test_each_tagged_language_ships_the_cldr_names_it_writes_of_one_word() -> None:
    for lang in ("en", "fr", "de", "es", "pt", "nl"):
        assert _names(lang) == frozenset(language_names(lang)), lang
    assert {"English", "Swahili"} <= _names("en")
    assert {"anglais", "corse"} <= _names("fr")
    assert "Nauru" not in _names("en")  # a country too
    assert not any(" " in name for name in _names("en"))  # Swiss German: a phrase
    assert _names("ro") == frozenset() and _names(None) == frozenset()


def test_a_capital_makes_a_lowercase_language_name_a_place_or_a_people() -> None:
    french, english = _names("fr"), _names("en")
    assert names_a_language("corse", False, french) and not names_a_language("corse", True, french)
    assert names_a_language("english", True, english) and names_a_language("english", False, english)
    assert not names_a_language("kenya", True, english)
