"""Find the phrases of an article that could become hashtags, with the evidence for each.

One pass over the title and the text splits them into runs of content words (stopwords,
punctuation and sentence ends break a run) and counts every 1- to 3-word phrase of every run.
Alongside the count it keeps what the ranker needs to tell a name from a common word: whether
the phrase was capitalized where capitals are not forced (mid-sentence), whether it appears in
the title, and how early it first appears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

from bot.hashtags.language import LanguageData

#: Longest phrase counted, in words: news keyphrases are rarely longer than three words.
MAX_PHRASE_WORDS = 3

# A word: letters or digits, with inside apostrophes and hyphens (cessez-le-feu, O'Brien,
# l'Ukraine). Splitting on words leaves the gaps between them, which decide where runs and
# sentences end: any punctuation breaks a run; a full stop, a line break, or a colon or quote
# before a capital ends a sentence.
_WORDS = re.compile(r"(\w+(?:['\-‐]\w+)*+)")  # possessive: no backtracking into a word
_GAP_SPACE, _GAP_BREAK, _GAP_END, _GAP_END_IF_CAPITAL = 0, 1, 2, 3
# Elided articles and pronouns (French, Italian, Catalan) glued to the next word by an apostrophe.
_ELIDED = frozenset(
    {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu"}
    | {"dell", "dall", "all", "nell", "sull", "dev", "un"}
)
_ELISION = re.compile(rf"^(?:{'|'.join(sorted(_ELIDED))})['’ʼ]", re.IGNORECASE)
# A headline's label: one or two words before a colon (Ukraine: …, Informatique : …).
_LABEL = re.compile(r"^\s*((?:[^\W\d_][\w'’-]*\s*){1,2}?)\s*[:|]\s+(.+)$", re.DOTALL)
# A number and the word after it ("40 Milliarden", "10 millions"); a year is no quantity. The
# pattern opens with the digit so the regex engine skips ahead to digits instead of trying every
# position: the checks on what comes before the number are lookbehinds after its first digit.
_AFTER_NUMBER = re.compile(
    r"\d(?<![\w.,]\d)"  # a number's first digit: no word character, point or comma before it
    r"(?!(?<=1)[89]\d\d\b|(?<=2)0\d\d\b)"  # not a year 18xx-20xx
    r"[\d.,]*[ \u00a0]+([^\W\d_][\w'’-]*)"
)
_POSSESSIVE = re.compile(r"['’ʼ]s$", re.IGNORECASE)
#: Lowercase words that may sit inside a name: Charles de Gaulle, Ursula von der Leyen.
NAME_PARTICLES = frozenset(
    {"de", "du", "des", "del", "della", "da", "das", "do", "dos", "di", "van", "von", "der", "den", "ter"}
    | {"al", "el", "bin", "ibn", "ben", "la", "le", "y", "of"}
)
#: "of" in Romance languages, which builds compound nouns: accord de paix, taxa de juros.
CONNECTORS = frozenset({"de", "du", "da", "do", "das", "dos", "di", "del", "della", "dei", "delle"})
SECOND_CONNECTORS = frozenset({"la", "le", "les", "der", "den", "el"})  # de la, van der
PARTICLES = NAME_PARTICLES | CONNECTORS | SECOND_CONNECTORS


@dataclass(slots=True)
class Candidate:
    """A phrase seen in the article, keyed by its lowercase words joined by spaces."""

    key: str
    #: How it is written: the first occurrence that was not capitalized by position.
    surface: str
    words: int
    #: Index of the first sentence it occurs in; the title is sentence 0.
    first: int
    count: int = 0
    in_title: int = 0
    #: Occurrences capitalized mid-sentence (evidence of a name) and all in lowercase.
    capitalized: int = 0
    lowercase: int = 0
    #: Whether the surface was taken from a mid-sentence occurrence (then it is authoritative).
    surface_known: bool = False
    #: Capitalized occurrences right before a lowercase word: "European" in "European start-ups"
    #: is an adjective, not a name.
    modifier: int = 0
    #: Mentions right after a number: a unit or a magnitude ("Milliarden" in "40 Milliarden Euro").
    after_number: int = 0
    #: Named by the headline's label (the "Égypte" of "Égypte : …"): a topic, even if unrepeated.
    in_label: bool = False
    #: Occurrences inside a longer candidate (set by the ranker): "Rights" in "Human Rights Watch".
    covered: int = 0
    #: A person: a full name whose surname is also used alone (set by the ranker).
    person: bool = False
    #: Spoken for by another candidate: a full name tagged by its surname, a title before a name.
    merged: bool = False

    @property
    def length(self) -> int:
        """Words, counting the parts of hyphenated compounds: cessez-le-feu is three."""
        return self.key.count(" ") + self.key.count("-") + 1

    @property
    def particles(self) -> int:
        """How many of its words are particles or connectors (de, von, da)."""
        return sum(word in PARTICLES for word in self.key.split(" ")) if self.words > 2 else 0

    @property
    def in_text(self) -> int:
        return self.count - self.in_title

    @property
    def alone(self) -> int:
        """Occurrences not explained by a longer phrase around it."""
        return self.count - self.covered


# A word as the ranker sees it: (as written, lowercase, capital) where capital tells whether it
# starts with a capital letter that its position does not force (a name), one that it does (a
# sentence start: no evidence either way), or none.
_LOWER, _NAMED, _FORCED = 0, 1, 2
_MIXED = 3  # a phrase of capitalized and lowercase words: neither a name nor a common phrase
# What a token is, whatever its position: a stopword, a number, or a content word.
_STOP, _NUMBER, _CONTENT = 0, 1, 2

# While counting, a phrase's evidence is a plain list in the order of Candidate's fields after
# the key: creating a list costs a fraction of creating an object, and most phrases are said
# once and never become a Candidate (see Phrases).
# [surface, words, first, count, in_title, capitalized, lowercase, surface_known, modifier,
#  after_number, in_label]; the positions the counting loop updates:
_Tally = list[Any]
_SURFACE, _COUNT, _IN_TITLE, _CAPITALIZED, _LOWERCASE, _SURFACE_KNOWN = 0, 3, 4, 5, 6, 7
_MODIFIER, _AFTER_NUMBERS, _IN_LABEL = 8, 9, 10
_Word = tuple[str, str, int]


class _Lexicon:
    """What a word is in one language, worked out once per distinct word and remembered.

    News repeats its words, so this keeps the per-token work of a long article small.
    """

    _LIMIT: ClassVar[int] = 200_000  # distinct words remembered before starting afresh: bounds memory

    def __init__(self, stop: frozenset[str]) -> None:
        self.stop = stop
        self.known = dict(_stopword_forms(stop))
        #: The characters between two words → what they do to a run (see _gap_kind).
        self.gaps = {" ": _GAP_SPACE}
        #: (case, script) → phrase → (tag, tag key), or None when the phrase makes no tag.
        self.tags: dict[tuple[str, str], dict[str, tuple[str, str] | None]] = {}

    def forget_if_full(self) -> None:
        """Start afresh once too much is remembered: bounds memory in a long-running bot."""
        if len(self.known) > self._LIMIT:
            self.known = dict(_stopword_forms(self.stop))
        if len(self.gaps) > self._LIMIT:
            self.gaps = {" ": _GAP_SPACE}

    def learn(self, token: str) -> tuple[str, str, int, bool, bool]:
        """(word, lowercase, kind, elided, initial capital) for a token not in :attr:`known`."""
        word, elided = token, False
        if "'" in token:
            head, _, rest = token.partition("'")
            # A set lookup where it agrees with the regex (whose case folding differs beyond ASCII).
            if not head.isascii():
                word = _ELISION.sub("", token)
            elif head.lower() in _ELIDED:
                word = rest
            if "'" in word:
                word = _POSSESSIVE.sub("", word)
            elided = len(word) < len(token) - 2 or word[:1] != token[:1]
        lower = word.lower()
        stop = self.stop
        if (lower in stop or len(lower) < 2 or ("-" in lower and _all_stop(lower, stop))) and not (
            len(word) > 1 and word.isupper()  # acronyms (AI, US, UK, WHO) are never stopwords
        ):
            kind = _STOP
        elif word.isdigit():
            kind = _NUMBER
        else:
            kind = _CONTENT
        found = self.known[token] = (word, lower, kind, elided, word[0] != lower[0])
        return found


@cache
def _stopword_forms(stop: frozenset[str]) -> dict[str, tuple[str, str, int, bool, bool]]:
    """The lexicon's entries for every stopword as news writes it: le, Le, LE."""
    forms = {}
    for word in stop:
        for form in (word, word.capitalize()):
            forms[form] = (form, word, _STOP, False, form[0] != word[0])
    return forms


@cache
def _lexicon(data: LanguageData) -> _Lexicon:
    return _Lexicon(data.stopwords)


def tag_memo(data: LanguageData, case: str, script: str) -> dict[str, tuple[str, str] | None]:
    """Where extraction remembers the tag each phrase makes: the same names recur in the news.

    It lives beside the word memo, so it is bounded and forgotten with it.
    """
    memo = _lexicon(data).tags.setdefault((case, script), {})
    if len(memo) > _Lexicon._LIMIT:
        memo.clear()
    return memo


def _runs(
    text: str, sentence: int, lexicon: _Lexicon, found: dict[str, _Tally], is_title: bool, data: LanguageData
) -> list[tuple[int, list[_Word]]]:
    """(sentence index, run of content words) for every run in `text`; counts single words.

    Connectors join content words into one run when the next word fits: a particle between
    names (Charles de Gaulle), `de` between common words (accord de paix, taux de réussite).
    Each word of a run is tallied as a one-word phrase as it is read, which spares a second
    pass over every word: :func:`_count_phrases` then only looks at runs of two words or more.
    """
    runs: list[tuple[int, list[_Word]]] = []
    run: list[_Word] = []
    joint: list[_Word] = []  # connectors waiting for the word after them; empty while run is
    at_start = True
    lexicon.forget_if_full()
    known, learn, gaps, get = lexicon.known, lexicon.learn, lexicon.gaps, found.get
    parts = iter(_WORDS.split(text.replace("’", "'").replace("ʼ", "'")))
    for gap, token in zip(parts, parts, strict=False):  # (gap, word) pairs; the last gap is left
        if gap != " ":
            gap_kind = gaps.get(gap)
            if gap_kind is None:
                gap_kind = gaps[gap] = _gap_kind(gap)
            if gap_kind != _GAP_SPACE:
                if run:
                    runs.append((sentence, run))
                    run, joint = [], []
                if gap_kind == _GAP_END or (gap_kind == _GAP_END_IF_CAPITAL and token[0].isupper()):
                    sentence += 1
                    at_start = True
        word, lower, kind, elided, initial = known.get(token) or learn(token)
        capital = (_FORCED if at_start else _NAMED) if initial else _LOWER
        at_start = False
        if kind == _CONTENT:
            if joint:
                if not elided and (capital == _NAMED or joint[0][1] in CONNECTORS):
                    run.extend(joint)
                else:
                    runs.append((sentence, run))
                    run = []
                joint = []
        elif not run:
            continue
        elif kind == _STOP:
            last = run[-1][2]
            if capital != _NAMED or last != _NAMED or joint:  # else a stopword inside a name: New York
                # Connectors that may go on after a word of this capitalization: a particle
                # after a name (Charles de Gaulle), `de` after a common word (accord de paix),
                # and a second one after the first (de la, van der).
                if not elided and (
                    (lower in NAME_PARTICLES if last == _NAMED else lower in CONNECTORS)
                    if not joint
                    else len(joint) == 1 and lower in SECOND_CONNECTORS
                ):
                    joint.append((word, lower, _LOWER))
                else:
                    runs.append((sentence, run))
                    run, joint = [], []
                continue
        else:
            if run[-1][2] == _NAMED and not joint:
                run.append((word, lower, _NAMED))  # a number after a name: Falcon 9, Windows 11
            else:
                runs.append((sentence, run))
                run, joint = [], []
            continue
        # A word of the run, tallied as a phrase of its own (numbers and particles never are).
        if lower not in PARTICLES:
            tally = get(lower)
            if is_title:
                if tally is None:
                    found[lower] = [word, 1, 0, 1, 1, 0, 0, False, 0, 0, False]
                else:
                    tally[_COUNT] += 1
                    tally[_IN_TITLE] += 1
            else:
                if tally is None:  # a new tally, as in _count_phrases (True counts as 1)
                    found[lower] = [
                        word, 1, sentence, 1, 0,
                        capital == _NAMED, capital == _LOWER, capital != _FORCED, 0, 0, False,
                    ]  # fmt: skip
                else:
                    _note(tally, word, capital)
                if capital == _LOWER and run:
                    before, before_lower, before_capital = run[-1]
                    if (
                        before_capital == _NAMED
                        and before_lower not in PARTICLES
                        and not before.isdigit()
                        and not data.is_verb_form(lower)  # "Schoof visited": a name all right
                    ):
                        found[before_lower][_MODIFIER] += 1  # a name before a lowercase noun: an adjective?
        run.append((word, lower, capital))
    if run:
        runs.append((sentence, run))
    return runs


def _gap_kind(gap: str) -> int:
    """What the characters between two words do to a run."""
    if "\n" in gap or any(char in gap for char in ".!?…"):
        return _GAP_END
    if any(char in gap for char in ':;«“„"'):
        return _GAP_END_IF_CAPITAL
    if gap.strip().strip("'"):  # a stray apostrophe is no punctuation
        return _GAP_BREAK
    return _GAP_SPACE


def _all_stop(lower: str, stop: frozenset[str]) -> bool:
    """A hyphenated word made only of stopwords (a-t-il, peut-être) is a stopword too."""
    return all(part in stop or len(part) < 2 for part in lower.split("-"))


class Phrases:
    """Every phrase of an article with its evidence; a Candidate is made only when needed.

    The ranker looks at a few dozen of the hundred-odd phrases of an article: the
    :attr:`likely` ones, and the words and parts of those that it looks up with :meth:`get`.
    """

    def __init__(self, tallies: dict[str, _Tally]) -> None:
        self._tallies = tallies
        #: The phrases said more than once, in the title, or capitalized mid-sentence. A phrase
        #: said once in passing, not in the title and not a name, never outranks those.
        self.likely = [
            Candidate(key, *tally)
            for key, tally in tallies.items()
            if tally[_COUNT] > 1 or tally[_IN_TITLE] or tally[_CAPITALIZED]
        ]
        self._made = {candidate.key: candidate for candidate in self.likely}

    def get(self, key: str) -> Candidate | None:
        """The candidate for the phrase `key`, or None when the article never says it."""
        candidate = self._made.get(key)
        if candidate is None:
            tally = self._tallies.get(key)
            if tally is None:
                return None
            candidate = self._made[key] = Candidate(key, *tally)
        return candidate

    def every(self) -> list[Candidate]:
        """All the phrases, in the order they first occur."""
        made = self._made
        for key, tally in self._tallies.items():
            if key not in made:
                made[key] = Candidate(key, *tally)
        return [made[key] for key in self._tallies]


def count_phrases(title: str | None, text: str, data: LanguageData) -> Phrases:
    """Count every phrase of up to :data:`MAX_PHRASE_WORDS` content words in the title and text."""
    found: dict[str, _Tally] = {}
    lexicon = _lexicon(data)
    if title:
        label, headline = _split_label(title)
        label_runs = _runs(label, 0, lexicon, found, True, data)
        _count_phrases(found, label_runs, True)
        _count_phrases(found, _runs(headline, 0, lexicon, found, True, data), True)
        for _, run in label_runs:
            for word in run:
                if word[1] in found:
                    found[word[1]][_IN_LABEL] = True
    _count_phrases(found, _runs(text, 1, lexicon, found, False, data), False)
    for unit_word in _AFTER_NUMBER.findall(text):
        unit = found.get(unit_word.lower())
        if unit is not None:
            unit[_AFTER_NUMBERS] += 1
    return Phrases(found)


def _split_label(title: str) -> tuple[str, str]:
    """Split a headline's leading label off: "Égypte : Mohamed Morsi élu" → ("Égypte", ...)."""
    match = _LABEL.match(title)
    return (match.group(1), match.group(2)) if match else ("", title)


def _count_phrases(found: dict[str, _Tally], runs: list[tuple[int, list[_Word]]], is_title: bool) -> None:
    """Count every phrase of two or more words of every run.

    A phrase neither starts nor ends with a particle or a number. Single words are counted by
    :func:`_runs` as it reads them.
    """
    get = found.get
    for sentence, run in runs:
        size = len(run)
        if size < 2:
            continue
        for start in range(size - 1):
            written, key, capital = run[start]
            if key in PARTICLES or written.isdigit():
                continue
            content = 1
            for end in range(start + 1, size):
                next_written, next_key, next_capital = run[end]
                written, key = f"{written} {next_written}", f"{key} {next_key}"
                if next_key in PARTICLES:
                    # "Iju de Lagos" is more often a place in a place than one name: not a name.
                    if capital == _NAMED:
                        capital = _MIXED
                    continue
                content += 1
                if content > MAX_PHRASE_WORDS:
                    break
                if next_capital != capital:
                    capital = _FORCED if capital == _FORCED or next_capital == _FORCED else _MIXED
                tally = get(key)
                if is_title:
                    if tally is None:
                        found[key] = [written, end - start + 1, 0, 1, 1, 0, 0, False, 0, 0, False]
                    else:
                        tally[_COUNT] += 1
                        tally[_IN_TITLE] += 1
                elif tally is None:  # a new tally (True and False count as 1 and 0)
                    found[key] = [
                        written, end - start + 1, sentence, 1, 0,
                        capital == _NAMED, capital == _LOWER, capital != _FORCED, 0, 0, False,
                    ]  # fmt: skip
                else:
                    _note(tally, written, capital)


def _note(tally: _Tally, written: str, capital: int) -> None:
    """Record another mention in the text: its capitalization, and how it is written."""
    tally[_COUNT] += 1
    if capital == _NAMED:
        tally[_CAPITALIZED] += 1
    elif capital == _LOWER:
        tally[_LOWERCASE] += 1
    if capital != _FORCED and not tally[_SURFACE_KNOWN]:
        tally[_SURFACE], tally[_SURFACE_KNOWN] = written, True
