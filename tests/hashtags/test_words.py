from __future__ import annotations

import re
import sys

from hypothesis import example, given
from hypothesis import strategies as st

from bot.hashtags.candidates import split_words
from bot.hashtags.words import is_alpha, is_upper, is_word_char, word_parts

#: The definition the scan implements (and the engine used before it): splitting on it must agree.
WORDS = re.compile(r"(\w+(?:['\-‐]\w+)*)")

#: Text made of the characters that decide a word's edges, and a few of every other kind.
edgy_text = st.text(
    alphabet=st.sampled_from("ab9_ '-‐’.,\n\t\u00a0éÉßİ١٢ⅫЖ北_-'") | st.characters(), max_size=60
)


def test_every_code_point_is_a_word_character_exactly_when_the_regex_says_so() -> None:
    word = re.compile(r"\w")
    assert [c for c in range(sys.maxunicode + 1) if is_word_char(c) != bool(word.match(chr(c)))] == []


@given(edgy_text)
@example("")
@example("cessez-le-feu, O'Brien et l'Ukraine")
@example("--a--b'' 'c'-d‐e_f -")
@example("x-\n-y 12,5 % 1.000 Ⅻ-٣")
def test_a_text_splits_as_the_regex_splits_it(text: str) -> None:
    assert word_parts(text) == WORDS.split(text)


@given(edgy_text)
def test_words_and_their_places_are_what_the_regex_finds(text: str) -> None:
    found = [(start, end) for start, end, _, _ in split_words(text)]
    normal = text.replace("’", "'").replace("ʼ", "'")
    assert found == [match.span() for match in WORDS.finditer(normal)]


def test_a_long_text_of_every_letter_splits_alike() -> None:
    text = "".join(chr(c) + (" -'"[c % 3] if c % 7 else "") for c in range(0x20, 0x3000))
    assert word_parts(text) == WORDS.split(text)


@given(edgy_text | st.text(alphabet="AZaz@[`{09 ÉéǅⒶªΣ", max_size=8))
@example("")
@example("NATO")
@example("Aª")
@example("ǅ")
@example("Ⓐ")
@example("A9")
@example("9")
@example("@[`{")
def test_the_compiled_case_and_letter_tests_agree_with_the_string_methods(text: str) -> None:
    assert is_upper(text) == text.isupper()
    assert is_alpha(text) == text.isalpha()
