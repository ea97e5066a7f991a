from __future__ import annotations

import pytest

from bot.errors import FilterError
from bot.ingest.filters import ItemFilter, fold
from bot.models import Article

STORM = Article(title="Tempête sur la Bretagne", text="Les États-Unis envoient de l'aide à Brest.")


def test_no_terms_accepts_everything() -> None:
    assert ItemFilter.parse().accepts(STORM)


@pytest.mark.parametrize("term", ["tempete", "TEMPÊTE", "etats-unis", "États-Unis", "la bretagne"])
def test_keywords_ignore_case_and_accents(term: str) -> None:
    assert ItemFilter.parse(include=(term,)).accepts(STORM)
    assert not ItemFilter.parse(exclude=(term,)).accepts(STORM)


def test_keywords_match_whole_words_only() -> None:
    assert not ItemFilter.parse(include=("bret",)).accepts(STORM)
    assert not ItemFilter.parse(include=("unis envoi",)).accepts(STORM)


def test_any_include_suffices_and_exclude_wins() -> None:
    assert ItemFilter.parse(include=("football", "brest")).accepts(STORM)
    assert not ItemFilter.parse(include=("brest",), exclude=("aide",)).accepts(STORM)


def test_categories_and_summary_are_searched() -> None:
    article = Article(text="Body.", summary="Short teaser.", categories=("Climat",))
    assert ItemFilter.parse(include=("climat",)).accepts(article)
    assert ItemFilter.parse(include=("teaser",)).accepts(article)


def test_regular_expressions_ignore_case() -> None:
    assert ItemFilter.parse(include=(r"/\bbrest\b/",)).accepts(STORM)
    assert not ItemFilter.parse(include=(r"/\bparis\b/",)).accepts(STORM)


def test_invalid_regex_and_empty_terms_are_refused_with_the_term() -> None:
    with pytest.raises(FilterError, match=r"include filter /\(unclosed/: not a valid regular expression"):
        ItemFilter.parse(include=("/(unclosed/",))
    with pytest.raises(FilterError, match="exclude filter ' ' is empty"):
        ItemFilter.parse(exclude=(" ",))


def test_catastrophic_backtracking_cannot_hang_and_errs_on_not_posting(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # (a+)+$ against many a's and a final mismatch takes exponential time on a backtracking engine.
    hostile = Article(title="a" * 5000 + "!", text="Body.")
    assert not ItemFilter.parse(include=("/(a+)+$/",)).accepts(hostile)
    assert not ItemFilter.parse(exclude=("/(a+)+$/",)).accepts(hostile)
    assert "took too long" in caplog.text


def test_fold() -> None:
    assert fold("Ärger ÉTÉ Œuvre") == "arger ete œuvre"
