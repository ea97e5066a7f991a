from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from unidecode import unidecode

from bot.hashtags import MAX_TAG_LENGTH, normalize, tag_key
from bot.hashtags.normalize import transliterate

CASES = ("camel", "lower", "asis")
SCRIPTS = ("ascii", "unicode")


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("cessez-le-feu", "CessezLeFeu"),
        ("Grande-Bretagne", "GrandeBretagne"),
        ("États-Unis", "EtatsUnis"),
        ("l'Ukraine", "Ukraine"),
        ("l’Europe", "Europe"),
        ("d'Europe", "Europe"),
        ("OTAN", "OTAN"),
        ("NATO summit", "NATOSummit"),
        ("USA", "USA"),
        ("#Ukraïne", "Ukraine"),
        ("🔥 Hot news!!", "HotNews"),
        ("O'Brien", "OBrien"),
        ("Côte d'Ivoire", "CoteDIvoire"),
        ("zero\u200bwidth", "ZeroWidth"),
        ("Covid-19", "Covid19"),
        ("  #tag  ", "Tag"),
    ],
)
def test_camel_case_ascii(phrase: str, expected: str) -> None:
    assert normalize(phrase) == expected


def test_unicode_script_keeps_letters_of_any_script() -> None:
    assert normalize("Київ", script="unicode") == "Київ"
    assert normalize("États-Unis", script="unicode") == "ÉtatsUnis"
    assert normalize("Αθήνα σήμερα", script="unicode") == "ΑθήναΣήμερα"
    assert normalize("हिन्दी", script="unicode") == "हिन्दी"  # vowel signs and virama stay
    assert normalize("Київ") == "Kiyiv"  # unidecode's transliteration


def test_case_styles() -> None:
    assert normalize("cessez-le-feu", case="lower") == "cessezlefeu"
    assert normalize("OTAN summit", case="lower") == "otansummit"
    assert normalize("cessez-le-feu", case="asis") == "cessezlefeu"
    assert normalize("Keir Starmer", case="asis") == "KeirStarmer"
    assert normalize("iPhone sales", case="asis") == "iPhonesales"


@pytest.mark.parametrize("phrase", ["", "2024", "!!!", "_", "#", "🔥🔥", "\u200b"])
def test_nothing_taggable_gives_none(phrase: str) -> None:
    assert normalize(phrase) is None


def test_long_phrases_are_cut_at_a_word_boundary() -> None:
    name = normalize("the quick brown fox jumps over the lazy dog again and again")
    assert name == "TheQuickBrownFoxJumpsOverTheLazyDogAgain"
    assert len(name) <= MAX_TAG_LENGTH


def test_comparison_key_ignores_case_accents_and_spelling_of_words() -> None:
    assert tag_key("Ukraine") == tag_key("ukraine") == tag_key("Ukraïne") == tag_key("#UKRAINE")
    assert tag_key("CessezLeFeu") == tag_key("cessez-le-feu")
    assert tag_key("CessezLeFeu") != tag_key("Cessez")


@given(st.text(), st.sampled_from(CASES), st.sampled_from(SCRIPTS))
def test_normalize_gives_a_valid_tag_or_none_and_is_idempotent(text: str, case: str, script: str) -> None:
    name = normalize(text, case=case, script=script)  # type: ignore[arg-type]
    if name is None:
        return
    # Telegram recognizes letters (with their combining marks), digits and _; at least one letter.
    assert all(char == "_" or char.isalnum() or _is_mark(char) for char in name)
    assert any(char.isalpha() for char in name)
    assert 0 < len(name) <= MAX_TAG_LENGTH
    if script == "ascii":
        assert name.isascii()
    assert normalize(name, case=case, script=script) == name  # type: ignore[arg-type]
    assert tag_key(normalize(name, case=case, script=script) or "") == tag_key(name)  # type: ignore[arg-type]


@given(st.text())
def test_case_style_never_changes_the_comparison_key(text: str) -> None:
    keys = {tag_key(name) for case in CASES if (name := normalize(text, case=case)) is not None}  # type: ignore[arg-type]
    assert len(keys) <= 1


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


@given(st.text())
def test_transliterate_is_unidecode(text: str) -> None:
    # transliterate reads unidecode's table one character at a time; the strings must not differ.
    assert transliterate(text) == unidecode(text)
