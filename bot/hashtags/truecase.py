"""A headline in Title Case or in capitals, rewritten with each word's case as the text writes it.

"Drought Cuts Wheat Harvest In Argentina" capitalizes every word, so its capitals say nothing
about names, and the tagger (which reads capitals as names) would call "Cuts" and "Lifting"
proper nouns. The article's text, written in sentence case, shows which words are names:
"Argentina" stays, "cuts" and "harvest" become lowercase. A headline already in sentence case
is left as it is.
"""

from __future__ import annotations

import re
from typing import Final

from mypy_extensions import i32, i64

from bot.hashtags.words import is_upper, is_word_char

_WORD = re.compile(r"[^\W\d_][\w-]*")  # apostrophes split: l'avocat is avocat
_UNDERSCORE: Final = 0x5F
_HYPHEN: Final = 0x2D
#: A headline is in Title Case when at least this share of its longer words open with a capital.
TITLE_CASE_SHARE = 0.8
_LONG: Final = 4  # letters of a word that Title Case capitalizes, whatever the style guide
_TEXT_CHARS = 20_000  # how much of the text shows the words' case: names recur early
_SENTENCE_END = frozenset('.!?…:\n"“«')


def is_headline_cased(headline: str) -> bool:
    """Whether every word of the headline, or nearly, opens with a capital (or it is in capitals)."""
    words, capitalized = _long_words(headline)
    if words < 2:
        return False
    if is_upper(headline):
        return True
    return capitalized >= TITLE_CASE_SHARE * words


def _long_words(headline: str) -> tuple[int, int]:
    """How many words of :data:`_LONG` characters or more `headline` has (as ``_WORD`` finds
    them), and how many of those open with a capital.

    A scan of the characters, compiled: every headline asks, and a regex's findall and a string
    per word cost several times as much.
    """
    words = capitalized = 0
    size: i64 = len(headline)
    at: i64 = 0
    while at < size:
        first: i32 = ord(headline[at])
        if not is_word_char(first) or first == _UNDERSCORE or _is_decimal(first):
            at += 1
            continue
        start = at
        at += 1
        while at < size and (is_word_char(ord(headline[at])) or ord(headline[at]) == _HYPHEN):
            at += 1
        if at - start >= _LONG:
            words += 1
            capitalized += 0x41 <= first <= 0x5A if first < 0x80 else chr(first).isupper()
    return words, capitalized


def _is_decimal(c: i32) -> bool:
    """``\\d`` of Python's regular expressions: a decimal digit, of any script."""
    return 0x30 <= c <= 0x39 if c < 0x80 else chr(c).isdecimal()


def truecased(headline: str, text: str) -> str:
    """The headline with each word as the text writes it mid-sentence; lowercase if it never does.

    An acronym of a Title Case headline stays (NATO); in a headline in capitals every word is
    capitalized alike, so there the text decides alone.
    """
    if not is_headline_cased(headline):
        return headline
    forms = _case_in_text(text[:_TEXT_CHARS])
    in_capitals = is_upper(headline)
    if not in_capitals and _names_in_sentence_case(headline, forms):
        return headline

    def written(match: re.Match[str]) -> str:
        word = match.group()
        form = forms.get(word.lower())
        if form is not None:
            return form
        if not in_capitals and len(word) > 1 and is_upper(word):
            return word
        return word.lower()

    return _WORD.sub(written, headline)


def _names_in_sentence_case(headline: str, forms: dict[str, str]) -> bool:
    """Whether a headline of many capitals is in sentence case all the same: full of names.

    "Assassinat de Antoine Sollacaro, avocat de Yvan Colonna" capitalizes most of its words,
    but "avocat", which the text writes in lowercase, it does too: Title Case would not.
    """
    common = [
        word
        for word in _WORD.findall(headline)
        if len(word) >= _LONG and forms.get(word.lower()) == word.lower()
    ]
    return bool(common) and sum(is_upper(word[0]) for word in common) < TITLE_CASE_SHARE * len(common)


def _case_in_text(text: str) -> dict[str, str]:
    """Each word of the text (lowercase) → how the text writes it where case is free.

    Mid-sentence only: the capital that opens a sentence is forced. A word written in
    lowercase at least as often as with a capital is a common word.
    """
    capitalized: dict[str, tuple[str, int]] = {}
    lowercase: dict[str, int] = {}
    for match in _WORD.finditer(text):
        word = match.group()
        lower = word.lower()
        if word == lower:
            lowercase[lower] = lowercase.get(lower, 0) + 1
            continue
        at = match.start() - 1
        while at >= 0 and text[at] in " \t\u00a0":
            at -= 1
        if at < 0 or text[at] in _SENTENCE_END:
            continue
        form, count = capitalized.get(lower, (word, 0))
        capitalized[lower] = (form, count + 1)
    forms = {lower: lower for lower in lowercase}
    for lower, (form, count) in capitalized.items():
        if count > lowercase.get(lower, 0):
            forms[lower] = form
    return forms
