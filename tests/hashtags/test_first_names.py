"""The first-name lexicon: keys that ignore accents, hyphenated names, shipped in each language's model."""

from __future__ import annotations

from bot.hashtags.first_names import is_first_name, name_key
from bot.hashtags.language import LanguageData


def test_first_names_compare_by_their_transliterated_key() -> None:
    names = frozenset({"jerome", "jean", "philippe"})
    assert name_key("Jérôme") == "jerome"
    assert is_first_name("Jérôme", names) and is_first_name("JEROME", names)
    assert is_first_name("Jean-Philippe", names)  # each part is a first name
    assert not is_first_name("Jean-Marie", names) and not is_first_name("Érignac", names)


def test_each_tagged_language_ships_its_first_names_and_others_have_none() -> None:
    for lang in ("en", "fr", "de", "es", "pt", "nl"):
        names = LanguageData.known(lang).first_names
        assert "john" in names or "jean" in names or "jose" in names, lang
        assert "paris" not in names and "san" not in names, lang
    assert LanguageData.known("ro").first_names == LanguageData.known(None).first_names == frozenset()
