"""Acronyms introduced in parentheses after the name they abbreviate.

"o Instituto Nacional de Pesquisas Espaciais (Inpe)", "la Confédération générale du travail
(CGT)", "o Comitê de Política Monetária (Copom)": the words before the parentheses are the
acronym's name, however long, however capitalized, and its pieces are no tags of their own.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import NamedTuple

from bot.hashtags.candidates import split_words
from bot.hashtags.normalize import transliterate
from bot.hashtags.tagger import GAP_PUNCT

#: A word of two to ten letters alone in parentheses: (CGT), (Inpe), (AFP).
_PARENTHESIZED = re.compile(r"\(\s*([^\W\d_]{2,10})\s*\)")
#: How many words before the parentheses may belong to the name.
_LONGEST_NAME = 12
#: How many parentheses to look at: an article introduces a few acronyms, a hostile text millions.
_MOST_LOOKED_AT = 100


class Introduced(NamedTuple):
    """An acronym and the content words of the name it abbreviates, lowercase, in order."""

    acronym: str
    words: tuple[str, ...]


def introduced_acronyms(text: str, stopwords: frozenset[str]) -> list[Introduced]:
    """Every "Long Name (ACRONYM)" of `text` whose name's initials spell the acronym.

    Walking back from the parentheses, each content word must begin with a letter of the
    acronym, right to left (letters may be skipped: Copom is Comitê de Política Monetária);
    the walk ends at a capitalized word on the acronym's first letter. Stopwords in between
    (de, of, for, da) are skipped; punctuation, a number or a word spelling nothing ends it.
    """
    if "(" not in text:
        return []
    found = []
    for match in islice(_PARENTHESIZED.finditer(text), _MOST_LOOKED_AT):
        acronym = match.group(1)
        if not _looks_like_an_acronym(acronym):
            continue
        before = split_words(text[max(0, match.start() - 200) : match.start()])[-_LONGEST_NAME:]
        words = _spelled_by(acronym, before, stopwords)
        if words:
            found.append(Introduced(acronym.lower(), words))
    return found


def _looks_like_an_acronym(word: str) -> bool:
    """All capitals (CGT), or a capital and at most five letters (Inpe, Copom), not a word in lowercase."""
    return word.isupper() or (word[0].isupper() and len(word) <= 5)


def _spelled_by(
    acronym: str, before: list[tuple[int, int, str, int]], stopwords: frozenset[str]
) -> tuple[str, ...]:
    """The content words at the end of `before` that `acronym` abbreviates, or () if none do."""
    letters = transliterate(acronym).lower()
    last = len(letters)  # letters[:last] are still to be matched
    words: list[str] = []
    for index in range(len(before) - 1, -1, -1):
        _, _, word, gap = before[index]
        lower = word.lower()
        if not (words and lower in stopwords and not word[0].isupper()):  # de, of, for: skipped
            if not word[0].isalpha():
                return ()
            last = letters.rfind(transliterate(lower[0]), 0, last)
            if last < 0:
                return ()
            words.append(lower)
            if last == 0 and word[0].isupper():
                return tuple(reversed(words)) if len(words) > 1 else ()
        if gap == GAP_PUNCT:
            return ()  # a comma or a full stop before this word: the name cannot go on
    return ()
