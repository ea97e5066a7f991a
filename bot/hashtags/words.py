"""Where an article's words are: the one definition of a word that extraction and the tagger share.

A word is a run of word characters (what ``\\w`` matches in Python's regular expressions: a
letter, a digit or ``_``), with the runs that an apostrophe or a hyphen joins to it when a word
character follows (cessez-le-feu, O'Brien, l'Ukraine). It is exactly what
``re.split(r"(\\w+(?:['\\-‐]\\w+)*)", text)`` finds, but found by a scan of the characters:
compiled, it reads each character once as a machine integer, several times faster than the
regular expression engine, which splitting every article's text pays for.
"""

from __future__ import annotations

from typing import Final

from librt.strings import isalnum, isalpha
from mypy_extensions import i32, i64

_APOSTROPHE: Final = 0x27
_HYPHEN: Final = 0x2D
_UNICODE_HYPHEN: Final = 0x2010
_UNDERSCORE: Final = 0x5F
_ASCII_END: Final = 0x80


def is_upper(text: str) -> bool:
    """``text.isupper()``: a cased character and none in lowercase (NATO, US, but not "9").

    ASCII text is decided by a compiled scan of its code points: compiled code calls a ``str``
    method it has no primitive for through Python's method protocol, several times the cost of
    the scan of a word. Other text asks the method.
    """
    cased = False
    for i in range(len(text)):
        c: i32 = ord(text[i])
        if c >= _ASCII_END:
            return text.isupper()
        if 0x61 <= c <= 0x7A:
            return False
        cased = cased or 0x41 <= c <= 0x5A
    return cased


def is_alpha(text: str) -> bool:
    """``text.isalpha()`` by a compiled scan (see :func:`is_upper`): letters only, at least one."""
    for i in range(len(text)):
        if not isalpha(ord(text[i])):
            return False
    return len(text) > 0


def is_word_char(c: i32) -> bool:
    """Whether the code point `c` is a word character (``\\w``): in ASCII, decided at once."""
    if c < 0x80:
        return 0x61 <= (c | 0x20) <= 0x7A or 0x30 <= c <= 0x39 or c == _UNDERSCORE
    return isalnum(c)  # what the regular expression engine asks, Py_UNICODE_ISALNUM


def word_parts(text: str) -> list[str]:
    """Gap, word, gap, word… gap: `text` cut at its words' edges (joined again, it is `text`).

    A gap may be empty (before a word that opens the text); the first and the last part are gaps.
    """
    parts: list[str] = []
    size: i64 = len(text)
    gap: i64 = 0
    at: i64 = 0
    while at < size:
        if not is_word_char(ord(text[at])):
            at += 1
            continue
        start = at
        at += 1
        while at < size:
            c: i32 = ord(text[at])
            if is_word_char(c):
                at += 1
            elif (
                c in (_APOSTROPHE, _HYPHEN, _UNICODE_HYPHEN)
                and at + 1 < size
                and is_word_char(ord(text[at + 1]))
            ):
                at += 2
            else:
                break
        parts.append(text[gap:start])
        parts.append(text[start:at])
        gap = at
    parts.append(text[gap:])
    return parts
