from __future__ import annotations

import pytest

from bot.hashtags import MAX_TAG_LENGTH, normalize, tag_key


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("cessez-le-feu", "CessezLeFeu"),
        ("Grande-Bretagne", "GrandeBretagne"),
        ("États-Unis", "EtatsUnis"),
        ("l'Ukraine", "Ukraine"),
        ("l’Europe", "Europe"),
        ("OTAN", "OTAN"),
        ("#Ukraïne", "Ukraine"),
        ("🔥 Hot news!!", "HotNews"),
        ("O'Brien", "OBrien"),
        ("zero\u200bwidth", "ZeroWidth"),
    ],
)
def test_camel_case_ascii(phrase: str, expected: str) -> None:
    assert normalize(phrase) == expected


def test_unicode_script_keeps_letters() -> None:
    assert normalize("Київ", script="unicode") == "Київ"
    assert normalize("États-Unis", script="unicode") == "ÉtatsUnis"
    assert normalize("Київ") == "Kiyiv"  # unidecode's transliteration


def test_case_styles() -> None:
    assert normalize("cessez-le-feu", case="lower") == "cessezlefeu"
    assert normalize("cessez-le-feu", case="asis") == "cessezlefeu"
    assert normalize("Keir Starmer", case="asis") == "KeirStarmer"


@pytest.mark.parametrize("phrase", ["", "2024", "!!!", "_", "#", "🔥🔥"])
def test_nothing_taggable_gives_none(phrase: str) -> None:
    assert normalize(phrase) is None


def test_long_phrases_are_cut_at_a_word_boundary() -> None:
    name = normalize("the quick brown fox jumps over the lazy dog again and again")
    assert name is not None and len(name) <= MAX_TAG_LENGTH
    assert name.endswith("Again") or name.endswith("And") or name.endswith("Dog")


def test_comparison_key_ignores_case_and_accents() -> None:
    assert tag_key("Ukraine") == tag_key("ukraine") == tag_key("Ukraïne")
    assert tag_key("CessezLeFeu") != tag_key("Cessez")
