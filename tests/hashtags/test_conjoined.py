from __future__ import annotations

import pytest

from bot.hashtags.candidates import PARTICLES
from bot.hashtags.conjoined import Conjoined, conjoined_names
from bot.hashtags.language import stopwords

JOINERS = PARTICLES | {"for"}


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "en",
            "The Centers for Disease Control and Prevention sent a team.",
            Conjoined(("Centers", "for", "Disease", "Control"), ("Prevention",), introduced=True),
        ),
        (
            "en",
            "built by the industry-owned Swedish Nuclear Fuel and Waste Management Company, will",
            Conjoined(("Swedish", "Nuclear", "Fuel"), ("Waste", "Management", "Company"), introduced=True),
        ),
        (
            "en",
            "neighbourhoods in Key West and Marathon.",
            Conjoined(("Key", "West"), ("Marathon",), introduced=False),
        ),
        (
            "fr",
            "selon le Ministère de l'Économie et des Finances, la dette",
            Conjoined(("Ministère", "de", "l'Économie"), ("des", "Finances"), introduced=True),
        ),
        ("fr", "a dit l'Agence et la Banque", Conjoined(("Agence",), ("la", "Banque"), introduced=True)),
    ],
)
def test_capitalized_words_around_an_and_are_found(lang: str, text: str, expected: Conjoined) -> None:
    assert conjoined_names(text, lang, JOINERS, stopwords(lang)) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "prices rose and fell.",  # no capitals
        "Prices rose and Paris fell.",  # a capital on one side only
        "In Vienna, and Paris",  # punctuation before the conjunction ends the side
        "the " + "Word " * 200 + "and Prevention",  # longer than a name
    ],
)
def test_no_name_around_an_and_without_capitals_on_both_sides(text: str) -> None:
    assert conjoined_names(text, "en", JOINERS, stopwords("en")) == []


def test_a_language_without_a_known_and_finds_none() -> None:
    assert conjoined_names("Centers for Disease Control und Prevention", "de", JOINERS, frozenset()) == []
