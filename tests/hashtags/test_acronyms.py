from __future__ import annotations

import pytest

from bot.hashtags.acronyms import Introduced, introduced_acronyms
from bot.hashtags.language import stopwords


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "pt",
            "segundo dados do Instituto Nacional de Pesquisas Espaciais (Inpe), divulgados hoje",
            Introduced("inpe", ("instituto", "nacional", "pesquisas", "espaciais")),
        ),
        (
            "fr",
            "La Confédération générale du travail (CGT) estime",
            Introduced("cgt", ("confédération", "générale", "travail")),
        ),
        (
            "pt",
            "O Comitê de Política Monetária (Copom) do Banco Central",  # letters skipped: Co-p-o-m
            Introduced("copom", ("comitê", "política", "monetária")),
        ),
        ("fr", "a déclaré à l'Agence France-Presse (AFP).", Introduced("afp", ("agence", "france-presse"))),
    ],
)
def test_a_name_before_its_acronym_in_parentheses_is_found(
    lang: str, text: str, expected: Introduced
) -> None:
    assert introduced_acronyms(text, stopwords(lang)) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "disse o presidente Luiz Inácio Lula da Silva (PT) ontem",  # a party after a person
        "o aeroporto Humberto Delgado (Lisboa) fechou",  # a place, not an acronym
        "les syndicats, la Confédération (CGT) et les autres",  # fewer than two words spell it
        "Comitê, Política Monetária (CPM)",  # a comma ends the name
        "the study (sic) said",
        "no parentheses at all",
    ],
)
def test_parentheses_that_abbreviate_nothing_before_them_give_nothing(text: str) -> None:
    assert introduced_acronyms(text, stopwords("pt") | stopwords("fr") | stopwords("en")) == []


def test_a_text_of_endless_parentheses_is_looked_at_only_so_far() -> None:
    text = "Instituto Nacional (IN) " * 100_000
    assert len(introduced_acronyms(text, stopwords("pt"))) == 100
