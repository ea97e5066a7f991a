"""Names with an "and" inside: Centers for Disease Control and Prevention.

The counter's runs end at a conjunction, so such a name reaches the ranker as pieces
("Disease Control", "Centers", "Prevention"). This finds the capitalized words on each side of
every "and" between two of them; the ranker decides which make one name (most are two:
"Vienna and Paris").
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Final, NamedTuple

from bot.hashtags.candidates import base_word, split_words
from bot.hashtags.tagger import GAP_PUNCT
from bot.hashtags.words import is_upper

#: The "and" of each language that writes institutions' names with capitals.
CONJUNCTIONS: Final = {"en": "and", "fr": "et", "pt": "e", "es": "y", "it": "e", "nl": "en", "ca": "i"}
#: The definite articles (with their contractions) that introduce an institution's name: "the
#: Centers for Disease Control and Prevention", "le Ministère de l'Économie et des Finances".
#: Places and people joined by "and" go without one: "in Key West and Marathon".
ARTICLES: Final = {
    "en": frozenset({"the"}),
    "fr": frozenset({"le", "la", "les", "l", "du", "des", "au", "aux"}),
    "pt": frozenset(
        {"o", "a", "os", "as", "do", "da", "dos", "das", "no", "na", "nos", "nas", "pelo", "pela"}
    ),
    "es": frozenset({"el", "la", "los", "las", "del", "al"}),
    "it": frozenset({"il", "lo", "la", "i", "gli", "le", "l", "del", "della", "dello", "dei", "al", "alla"}),
    "nl": frozenset({"de", "het"}),
    "ca": frozenset({"el", "la", "els", "les", "l", "del", "al"}),
}
#: Lowercase words (industry-owned) that may stand between the article and the name.
_MODIFIERS_BEFORE: Final = 2
#: Characters looked at on each side of the conjunction, and words a side may hold.
_REACH: Final = 120
_LONGEST_SIDE: Final = 8
#: How many conjunctions between capitals to look at: a hostile text repeats one millions of times.
_MOST_LOOKED_AT: Final = 100


class Conjoined(NamedTuple):
    """The words of a name on each side of its conjunction, as written (de l'Économie) but for
    an article elided onto the first, lowercase particles kept."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    #: Whether a definite article introduces the name, maybe with lowercase words between.
    introduced: bool


def conjoined_names(
    text: str, lang: str | None, joiners: frozenset[str], stopwords: frozenset[str]
) -> list[Conjoined]:
    """Every "Capitalized words and Capitalized words" of `text` in `lang`.

    Lowercase `joiners` may sit between the capitalized words of a side (for, of, de: Centers
    for Disease Control); `stopwords` with a capital at a side's outer edge are left out (The),
    and punctuation ends a side.
    """
    conjunction = CONJUNCTIONS.get(lang or "")
    if conjunction is None:
        return []
    needle = f" {conjunction} "
    found: list[Conjoined] = []
    for at in islice(_between_capitals(text, needle, joiners), _MOST_LOOKED_AT):
        start, end = max(0, at - _REACH), at + len(needle) + _REACH
        before_window, after_window = text[start:at], text[at + len(needle) : end]
        before_words = split_words(before_window)
        before = _side(before_window, before_words, joiners, stopwords, backwards=True, cut=start > 0)
        after_words = split_words(after_window)
        after = _side(after_window, after_words, joiners, stopwords, backwards=False, cut=end < len(text))
        if before and after:
            introduced = _introduced(before_window, before_words, len(before), ARTICLES.get(lang or ""))
            found.append(Conjoined(before, after, introduced))
    return found


def _introduced(
    window: str, words: list[tuple[int, int, str, int]], size: int, articles: frozenset[str] | None
) -> bool:
    """Whether a definite article comes before the name that the last `size` of `window`'s
    `words` are: right before it, after a few lowercase words, or elided onto it (l'Économie)."""
    if not articles:
        return False
    at = len(words) - size
    start, end, word, _ = words[at]
    elided = window[start:end].replace("’", "'")
    if elided != word and elided.split("'", 1)[0].lower() in articles:
        return True
    for index in range(at - 1, max(-1, at - 2 - _MODIFIERS_BEFORE), -1):
        word = words[index][2]
        if words[index + 1][3] == GAP_PUNCT:
            return False
        if word.lower() in articles:
            return True
        if not word.islower():
            return False
    return False


def _between_capitals(text: str, needle: str, joiners: frozenset[str]) -> Iterator[int]:
    """Where `needle` stands between a capitalized word and a capitalized word (or a joiner
    before one: "et des Finances"). A search for the needle, then a look at its neighbours."""
    at = text.find(needle)
    while at >= 0:
        word_start = text.rfind(" ", 0, at) + 1
        after_at = at + len(needle)
        capital_before = text[at - 1 : at].isalnum() and is_upper(base_word(text[word_start:at])[:1])
        if capital_before and _opens_capitalized(text, after_at, joiners):
            yield at
        at = text.find(needle, after_at)


def _opens_capitalized(text: str, at: int, joiners: frozenset[str]) -> bool:
    """Whether the word at `at` has a capital, or is a joiner before a word that has one."""
    end = text.find(" ", at)
    word = text[at : end if end >= 0 else len(text)]
    if word in joiners and end >= 0:
        return is_upper(text[end + 1 : end + 2])
    return is_upper(base_word(word)[:1])


def _side(
    window: str,
    words: list[tuple[int, int, str, int]],
    joiners: frozenset[str],
    stopwords: frozenset[str],
    *,
    backwards: bool,
    cut: bool,
) -> tuple[str, ...]:
    """The capitalized words of `window` (its `words`) next to the conjunction, with the joiners
    between them; () when the side is longer than a name, or runs to the edge of a `cut` window."""
    order = range(len(words) - 1, -1, -1) if backwards else range(len(words))
    edge = 0 if backwards else len(words) - 1
    side: list[str] = []
    for index in order:
        start, end, word, gap = words[index]
        if not backwards and index and gap == GAP_PUNCT:
            break
        if not (is_upper(word[:1]) or ((side or not backwards) and word in joiners)):
            break
        side.append(window[start:end].replace("’", "'"))
        if len(side) > _LONGEST_SIDE or (cut and index == edge):
            return ()
        if backwards and gap == GAP_PUNCT:
            break
    while side and (side[-1] in joiners or side[-1].lower() in stopwords):
        side.pop()  # the outer edge: no joiner, no capitalized stopword (The, In)
    if backwards and side:
        side.reverse()
        side[0] = base_word(side[0])  # the name, not the article elided onto it: l'Économie
    return tuple(side)
