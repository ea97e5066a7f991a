"""Language data for tag extraction: stopwords from stopwords-iso and a cheap language guess."""

from __future__ import annotations

import re
from functools import cache

import stopwordsiso

#: Languages whose articles we detect when the source does not say; others still work when given.
DETECTABLE = ("fr", "en", "de", "es", "it", "pt", "nl")

_WORD = re.compile(r"[^\W\d_]+")


@cache
def stopwords(lang: str | None) -> frozenset[str]:
    """Lowercase stopwords of `lang`; empty for an unknown or missing language."""
    if not lang:
        return frozenset()
    code = lang.split("-")[0].split("_")[0].lower()
    return frozenset(stopwordsiso.stopwords(code)) if stopwordsiso.has_lang(code) else frozenset()


def detect_language(text: str) -> str | None:
    """Guess the language of `text` by how many of its words are each language's stopwords.

    Good enough for news prose of a few sentences; returns None when no language stands out.
    """
    words = [word.lower() for word in _WORD.findall(text[:4000])]
    if not words:
        return None
    scores = {lang: sum(word in stopwords(lang) for word in words) for lang in DETECTABLE}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= max(2, len(words) // 20) else None
