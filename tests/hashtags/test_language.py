from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.hashtags.language import (
    DETECTABLE,
    LanguageData,
    detect_language,
    guess_by_stopwords,
    language_code,
    stopwords,
    time_words,
)
from bot.hashtags.tagger import TAGGED_LANGUAGES, load_model

#: Our own headlines, three per language in 18 languages (the README's language table).
HEADLINES = [
    (row["lang"], row["headline"])
    for row in csv.DictReader(
        (Path(__file__).parent / "fixtures" / "headlines.tsv").read_text(encoding="utf-8").splitlines(),
        delimiter="\t",
    )
]

SAMPLES = {
    "fr": "Le gouvernement a présenté mardi un plan pour les écoles et les hôpitaux de la région.",
    "en": "The government presented a plan on Tuesday for the schools and hospitals of the region.",
    "de": "Die Regierung hat am Dienstag einen Plan für die Schulen und Kliniken der Region vorgestellt.",
    "es": "El gobierno presentó el martes un plan para las escuelas y los hospitales de la región.",
    "it": "Il governo ha presentato martedì un piano per le scuole e gli ospedali della regione.",
    "pt": "O governo apresentou na terça-feira um plano para as escolas e os hospitais da região.",
    "nl": "De regering heeft dinsdag een plan gepresenteerd voor de scholen en de ziekenhuizen van de regio.",
}


@pytest.mark.parametrize("lang", DETECTABLE)
def test_detects_the_news_languages(lang: str) -> None:
    assert detect_language(SAMPLES[lang]) == lang
    assert guess_by_stopwords(SAMPLES[lang]) == lang


@pytest.mark.parametrize(("lang", "headline"), HEADLINES)
def test_detects_the_language_of_a_headline(lang: str, headline: str) -> None:
    assert detect_language(headline) == lang


def test_the_fixture_covers_at_least_fourteen_languages() -> None:
    assert len({lang for lang, _ in HEADLINES}) >= 14


@pytest.mark.parametrize(("lang", "words"), [("ro", {"sau", "în"}), ("sv", {"och", "att"}), ("pl", {"się"})])
def test_a_detected_language_gets_its_own_stopwords(lang: str, words: set[str]) -> None:
    """Romanian, Swedish and Polish were once called French or English and got those stopwords."""
    detected = detect_language(next(headline for code, headline in HEADLINES if code == lang))
    assert detected == lang
    assert words <= LanguageData.known(detected).stopwords


def test_when_the_model_is_unsure_the_stopwords_decide() -> None:
    # Four names and two French stopwords: the model hesitates (under its confidence floor).
    assert detect_language("Zelensky Kyiv Donbas Kharkiv de la") == "fr"


@pytest.mark.parametrize("text", ["", "12 345 !!!", "Zzyzx Qwrtp"])
def test_no_guess_without_evidence(text: str) -> None:
    assert detect_language(text) is None


def test_language_tags_reduce_to_their_code() -> None:
    assert language_code("pt-BR") == language_code("pt_BR") == language_code("PT") == "pt"
    assert language_code("") is None and language_code(None) is None


def test_stopwords_come_from_the_package_and_unknown_languages_have_none() -> None:
    assert {"le", "la", "des", "après"} <= stopwords("fr")
    assert {"the", "and", "said"} <= stopwords("en-GB")
    assert stopwords("xx") == frozenset() and stopwords(None) == frozenset()


def test_month_and_weekday_names_are_never_tags() -> None:
    assert {"mardi", "janvier", "tuesday", "august"} <= time_words("fr")
    assert {"dienstag", "tuesday"} <= LanguageData.known("de").stopwords
    assert "tuesday" in time_words("xx")  # English names still apply to an unknown language


def test_months_are_parts_of_names_only_where_the_language_writes_them_in_lowercase() -> None:
    assert {"janeiro", "maio", "domingo"} <= LanguageData.known("pt").capitalized_names
    assert "mayo" in LanguageData.known("es").capitalized_names
    assert LanguageData.known("pt").capitalized_names <= LanguageData.known("pt").stopwords
    assert not LanguageData.known("en").capitalized_names and not LanguageData.known("de").capitalized_names
    assert {"may", "june", "friday"} <= LanguageData.known("en").capitalized_times
    assert not LanguageData.known("pt").capitalized_times


@pytest.mark.parametrize(
    ("lang", "word", "verb"),
    [
        ("fr", "déclaré", True),
        ("fr", "signé", True),
        ("fr", "accord", False),
        ("fr", "troupes", False),
        ("pt", "disse", True),
        ("pt", "chuvas", False),
        ("en", "proposed", True),
        ("en", "storms", False),
        ("de", "erneut", True),  # German writes every noun with a capital
        ("xx", "anything", False),
    ],
)
def test_verb_forms(lang: str, word: str, verb: bool) -> None:
    assert LanguageData.known(lang).is_verb_form(word) is verb


@pytest.mark.parametrize("lang", TAGGED_LANGUAGES)
def test_a_model_carries_its_language_s_month_and_weekday_names(lang: str) -> None:
    model = load_model(lang)
    assert model is not None and model.time_words == time_words(lang)  # as Babel gives them
    assert model.time_words <= LanguageData.known(lang).stopwords
