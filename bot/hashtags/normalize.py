"""Turn any phrase into a hashtag Telegram recognizes, and compare tags by one key.

``normalize`` is the single place a tag is made: every tag hashbot shows (extracted, fixed,
aliased, from a feed) passes through it, so case style, script and length rules hold everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final, Literal

from unidecode import unidecode

from bot.hashtags.words import is_upper

TagCase = Literal["camel", "lower", "asis"]
TagScript = Literal["ascii", "unicode"]

#: Longer hashtags are unreadable in a post; a phrase is cut at a word boundary to fit.
MAX_TAG_LENGTH: Final = 40

# French and Italian elided articles and prepositions (l'Ukraine, d'Europe, dell'Italia) that open a
# phrase carry no meaning in a tag. Inside a phrase (Côte d'Ivoire) they stay part of the name.
_LEADING_ELISION: Final = re.compile(
    r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|dell|dall|all|nell|sull|un)['’ʼ`´](?=\w)",
    re.IGNORECASE,
)
_ASCII_WORD: Final = re.compile(r"[A-Za-z0-9]+")
_TAG_CHARS: Final = re.compile(r"\S+")
_NOT_KEY_CHAR: Final = re.compile(r"[^a-z0-9]+")
_INNER_APOSTROPHE: Final = re.compile(r"(?<=\w)['’ʼ`´](?=\w)")


#: unidecode's table, filled one character at a time as characters are met: unidecode maps
#: each character on its own, in a Python loop.
_TRANSLITERATION: Final[dict[int, str]] = {}


def _ascii_of(codepoint: int) -> str:
    ascii_text = _TRANSLITERATION.get(codepoint)
    if ascii_text is None:
        ascii_text = _TRANSLITERATION[codepoint] = unidecode(chr(codepoint))
    return ascii_text


def transliterate(text: str) -> str:
    """``unidecode(text)``: the closest ASCII spelling (Ukraïne → Ukraine, Straße → Strasse).

    Compiled, a scan that copies the ASCII stretches whole and looks up only the other
    characters beats ``str.translate``, which looks up every character in the table.
    """
    if text.isascii():
        return text
    pieces: list[str] = []
    start = 0
    for at in range(len(text)):
        codepoint = ord(text[at])
        if codepoint >= 0x80:
            pieces.append(text[start:at])
            pieces.append(_ascii_of(codepoint))
            start = at + 1
    pieces.append(text[start:])
    return "".join(pieces)


def _has_apostrophe(text: str) -> bool:
    """Whether `text` has any of the apostrophes: one compiled scan of its code points."""
    # ' ’ ʼ ` ´, as in the patterns
    return any(ord(text[at]) in (0x27, 0x2019, 0x2BC, 0x60, 0xB4) for at in range(len(text)))


def _words(phrase: str, script: TagScript) -> list[str]:
    """The phrase's words: in ASCII script only ASCII letters and digits, else letters, marks
    and digits of any script."""
    text = phrase if phrase.isascii() else unicodedata.normalize("NFKC", phrase)
    if _has_apostrophe(text):  # most phrases have none: skip both substitutions
        text = _LEADING_ELISION.sub("", text.strip().lstrip("#＃"))
        # Apostrophes inside a word join it (O'Brien → OBrien) instead of splitting it in two.
        if "'" in text or not text.isascii():
            text = _INNER_APOSTROPHE.sub("", text)
    if script == "ascii":
        ascii_text = transliterate(text)
        if ascii_text.isascii() and ascii_text.replace(" ", "").isalnum():  # "Banco Central"
            return ascii_text.split()
        return _ASCII_WORD.findall(ascii_text)
    # Letters of any script keep their combining marks (Devanagari vowel signs, for one).
    return _TAG_CHARS.findall("".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in text))


def _cased(words: list[str], case: TagCase) -> list[str]:
    if case == "lower":
        return [word.lower() for word in words]
    if case == "asis":
        return words
    # Acronyms (NATO, OTAN, USA) keep their capitals.
    return [word if is_upper(word) else word[0].upper() + word[1:] for word in words]


def normalize(phrase: str, *, case: TagCase = "camel", script: TagScript = "ascii") -> str | None:
    """Return `phrase` as a hashtag name without ``#``, or None when nothing taggable remains.

    The result holds only letters, digits and ``_``, has at least one letter, is at most
    :data:`MAX_TAG_LENGTH` characters, and ``normalize(normalize(x)) == normalize(x)``.
    """
    words = _cased(_words(phrase, script), case)
    size = 0
    for word in words:
        size += len(word)
    while words and size > MAX_TAG_LENGTH:
        size -= len(words.pop())
    name = "".join(words)
    if name.isascii():  # then only ASCII letters and digits (see _words): digits alone are no tag
        return name if name and not name.isdigit() else None
    name = unicodedata.normalize("NFKC", name)  # casing and joining can leave marks to compose
    return name if any(char.isalpha() for char in name) else None


def tag_key(tag: str) -> str:
    """The comparison key of a tag: `#Ukraine`, `#ukraine` and `#Ukraïne` share one key."""
    if tag.isascii() and tag.isalnum():  # what normalize makes in ASCII script
        return tag.lower()
    return _NOT_KEY_CHAR.sub("", transliterate(tag).lower()) or tag.casefold()
