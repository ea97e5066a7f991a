"""Turn any phrase into a hashtag Telegram recognizes, and compare tags by one key.

``normalize`` is the single place a tag is made: every tag hashbot shows (extracted, fixed,
aliased, from a feed) passes through it, so case style, script and length rules hold everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from unidecode import unidecode

TagCase = Literal["camel", "lower", "asis"]
TagScript = Literal["ascii", "unicode"]

#: Longer hashtags are unreadable in a post; a phrase is cut at a word boundary to fit.
MAX_TAG_LENGTH = 40

# French and Italian elided articles and prepositions (l'Ukraine, d'Europe, dell'Italia) that open a
# phrase carry no meaning in a tag. Inside a phrase (Côte d'Ivoire) they stay part of the name.
_LEADING_ELISION = re.compile(
    r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|dell|dall|all|nell|sull|un)['’ʼ`´](?=\w)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _is_tag_char(char: str) -> bool:
    return char == "_" or unicodedata.category(char)[0] in "LMN"


def _words(phrase: str, script: TagScript) -> list[str]:
    text = unicodedata.normalize("NFKC", phrase).strip().lstrip("#＃")
    text = _LEADING_ELISION.sub("", text)
    if script == "ascii":
        text = unidecode(text)
    # Apostrophes inside a word join it (O'Brien → OBrien) instead of splitting it in two.
    text = re.sub(r"(?<=\w)['’ʼ](?=\w)", "", text)
    return [word for word in _WORD.findall(text) if all(_is_tag_char(c) for c in word)]


def _cased(word: str, case: TagCase) -> str:
    if case == "lower":
        return word.lower()
    if case == "asis" or word.isupper():
        return word  # acronyms (NATO, OTAN, USA) keep their capitals
    return word[0].upper() + word[1:]


def normalize(phrase: str, *, case: TagCase = "camel", script: TagScript = "ascii") -> str | None:
    """Return `phrase` as a hashtag name without ``#``, or None when nothing taggable remains.

    The result holds only letters, digits and ``_``, has at least one letter, is at most
    :data:`MAX_TAG_LENGTH` characters, and ``normalize(normalize(x)) == normalize(x)``.
    """
    words = [_cased(word, case) for word in _words(phrase, script)]
    while words and sum(map(len, words)) > MAX_TAG_LENGTH:
        words.pop()
    name = "".join(words)
    if not any(char.isalpha() for char in name):
        return None
    return name


def tag_key(tag: str) -> str:
    """The comparison key of a tag: `#Ukraine`, `#ukraine` and `#Ukraïne` share one key."""
    return re.sub(r"[^a-z0-9]", "", unidecode(tag).lower()) or tag.casefold()
