"""Per-feed include/exclude filters: keywords and regular expressions that cannot hang the bot.

A term is a keyword or phrase, matched as whole words ignoring case and accents (``etats-unis``
matches "États-Unis"), or a regular expression between slashes (``/\\bEU\\b/``), matched ignoring
case. Expressions run on the `regex` engine with a time limit, because a feed's text is hostile
input and a pattern such as ``(a+)+$`` backtracks for ages on the wrong text. An expression that
times out is treated as "in doubt, do not post": it counts as a match for an exclude filter and
as no match for an include filter.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Final

import regex

from bot.errors import FilterError
from bot.models import Article

logger = logging.getLogger(__name__)

#: The longest time one expression may take on one article, in seconds.
REGEX_TIMEOUT: Final = 0.1
#: Filters look at this much of an article; the rest of a very long text cannot decide its fate.
MAX_TEXT = 50_000


def fold(text: str) -> str:
    """Text without case or accents, for keyword comparison."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@dataclass(frozen=True, slots=True)
class _Term:
    source: str
    pattern: re.Pattern[str] | regex.Pattern[str]
    is_regex: bool

    def matches(self, *, original: str, folded: str, doubt: bool) -> bool:
        if not self.is_regex:
            return self.pattern.search(folded) is not None
        try:
            return self.pattern.search(original, timeout=REGEX_TIMEOUT) is not None  # type: ignore[call-overload]
        except TimeoutError:
            logger.warning("filter %s took too long on an item; treating it as %s", self.source, doubt)
            return doubt


def _term(source: str, *, side: str) -> _Term:
    term = source.strip()
    if len(term) >= 2 and term.startswith("/") and term.endswith("/"):
        try:
            return _Term(source, regex.compile(term[1:-1], regex.IGNORECASE | regex.V0), is_regex=True)
        except regex.error as exc:
            raise FilterError(f"{side} filter {term}: not a valid regular expression: {exc}") from None
    words = fold(term)
    if not words:
        raise FilterError(f"{side} filter {source!r} is empty")
    return _Term(source, re.compile(rf"(?<!\w){re.escape(words)}(?!\w)"), is_regex=False)


@dataclass(frozen=True, slots=True)
class ItemFilter:
    """Decides whether a feed item may be posted: any include term must match, no exclude term may."""

    include: tuple[_Term, ...] = ()
    exclude: tuple[_Term, ...] = ()

    @classmethod
    def parse(cls, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> ItemFilter:
        """Compile filter terms; raises :class:`FilterError` naming a bad one."""
        return cls(
            include=tuple(_term(term, side="include") for term in include),
            exclude=tuple(_term(term, side="exclude") for term in exclude),
        )

    def accepts(self, article: Article) -> bool:
        if not self.include and not self.exclude:
            return True
        parts = (article.title, article.summary, article.text, " ".join(article.categories))
        original = "\n".join(part for part in parts if part)[:MAX_TEXT]
        folded = fold(original)
        if self.include and not any(
            term.matches(original=original, folded=folded, doubt=False) for term in self.include
        ):
            return False
        return not any(term.matches(original=original, folded=folded, doubt=True) for term in self.exclude)
