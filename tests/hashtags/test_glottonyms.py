"""Language names: CLDR's, shipped per language, and how a capital tells a language from a place."""

from __future__ import annotations

from bot.hashtags.glottonyms import load_language_names, names_a_language
from bot.hashtags.training import language_names


def test_each_tagged_language_ships_the_cldr_names_it_writes_of_one_word() -> None:
    for lang in ("en", "fr", "de", "es", "pt", "nl"):
        assert load_language_names(lang) == frozenset(language_names(lang)), lang
    assert {"English", "Swahili"} <= load_language_names("en")
    assert {"anglais", "corse"} <= load_language_names("fr")
    assert "Nauru" not in load_language_names("en")  # a country too
    assert not any(" " in name for name in load_language_names("en"))  # Swiss German: a phrase
    assert load_language_names("ro") == frozenset() and load_language_names(None) == frozenset()


def test_a_capital_makes_a_lowercase_language_name_a_place_or_a_people() -> None:
    french, english = load_language_names("fr"), load_language_names("en")
    assert names_a_language("corse", False, french) and not names_a_language("corse", True, french)
    assert names_a_language("english", True, english) and names_a_language("english", False, english)
    assert not names_a_language("kenya", True, english)
