"""Find the phrases of an article that could become hashtags, with the evidence for each.

The title and the text split into runs of content words (stopwords, punctuation and sentence
ends break a run); every 1- to 3-word phrase of every run is counted. Alongside the count the
ranker gets what tells a name from a common word: whether the phrase was capitalized where
capitals are not forced (mid-sentence), whether it appears in the title, and how early.

Speed comes from doing the per-word work in C: each word becomes one letter saying what it is
(looked up once per distinct word), a regular expression over those letters finds the runs,
and `collections.Counter` counts the single words. Python code runs only once per run of two or
more words and once per phrase the ranker looks at.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import compress
from operator import add

from bot.hashtags.language import LanguageData

#: Longest phrase counted, in words: news keyphrases are rarely longer than three words.
MAX_PHRASE_WORDS = 3

# A word: letters or digits, with inside apostrophes and hyphens (cessez-le-feu, O'Brien,
# l'Ukraine). Splitting on words leaves the gaps between them, which decide where runs and
# sentences end.
_WORDS = re.compile(r"(\w+(?:['’ʼ\-‐]\w+)*+)")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})
# Elided articles and pronouns (French, Italian, Catalan) glued to the next word by an apostrophe.
_ELISION = re.compile(
    r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu|dell|dall|all|nell|sull|dev|un)'",
    re.IGNORECASE,
)
# A headline's label: one or two words before a colon (Ukraine: …, Informatique : …).
_LABEL = re.compile(r"^\s*((?:[^\W\d_][\w'’-]*\s*){1,2}?)\s*[:|]\s+(.+)$", re.DOTALL)
_POSSESSIVE = re.compile(r"'s$", re.IGNORECASE)
#: Lowercase words that may sit inside a name: Charles de Gaulle, Ursula von der Leyen.
NAME_PARTICLES = frozenset(
    {"de", "du", "des", "del", "della", "da", "das", "do", "dos", "di", "van", "von", "der", "den", "ter"}
    | {"al", "el", "bin", "ibn", "ben", "la", "le", "y", "of"}
)
#: "of" in Romance languages, which builds compound nouns: accord de paix, taxa de juros.
CONNECTORS = frozenset({"de", "du", "da", "do", "das", "dos", "di", "del", "della", "dei", "delle"})
SECOND_CONNECTORS = frozenset({"la", "le", "les", "der", "den", "el"})  # de la, van der
PARTICLES = NAME_PARTICLES | CONNECTORS | SECOND_CONNECTORS

# Every word becomes one letter (upper case when the word starts with a capital):
#   a  content word               e  content word after an elided article (l'Ukraine)
#   q  content word that is also a particle (the "de" of a language without stopword data)
#   9  number
#   d  stopword that is a name particle and a connector (de, da, do, di, del)
#   v  name particle only (von, van, of, al)   r  name particle and second connector (der, la)
#   c  connector only (dei, delle)              s  second connector only (les)
#   x  any other stopword, or an elided one
# and every gap before a word one character: " " a space, "," punctuation that breaks a run,
# "." a sentence end, ":" a sentence end when a capital follows (a colon, a quote).
_SPACE, _BREAK, _END, _END_IF_CAPITAL = " ", ",", ".", ":"
_CONTENT = "aeqAEQ"
_PARTICLE_LETTERS = frozenset("dvrcsqDVRCSQ")
_NAME_CONTINUES = "AEQDVRCSX9"  # letters after which the run's last word counts as a name

# A run: a content word, then words that continue it. After a name (the lookbehind: a
# capitalized word not forced by a sentence start, or what a name took in) a capitalized
# stopword or a number joins (New York, Falcon 9), and so do a name particle and a capitalized
# word (Charles de Gaulle). After any word, a connector joins the next word (accord de paix).
_AFTER_NAME = rf"(?<=[ ,][{_NAME_CONTINUES}])"
_AFTER_OTHER = rf"(?<![ ,][{_NAME_CONTINUES}])"
_SECOND = r"(?: [rsRS])?"
_CONTINUATION = (
    rf" [{_CONTENT}]"
    rf"|{_AFTER_NAME} [DVRCSX9]"
    rf"|{_AFTER_NAME} d{_SECOND} [aAqQ]"
    rf"|{_AFTER_NAME} [vr]{_SECOND} [AQ]"
    rf"|{_AFTER_OTHER} [dcDC]{_SECOND} [aAqQ]"
)
#: Runs of two words or more; a single content word is a run of its own.
_LONG_RUN = re.compile(rf"[ ,.:][{_CONTENT}](?:{_CONTINUATION})+")
# A name right before a lowercase word in the same run: "European" in "European start-ups".
_BEFORE_LOWERCASE = re.compile(r"[ ,][AE] [ae]")

# Sentence starts: after a sentence end, or after a colon or quote when a capital follows. A
# capitalized word there is no evidence of a name.
_SENTENCE_START = re.compile(r"\.[^ ,.:]|:[AEQDVRCSX]")

# One byte per word for the phrase codes, from its letter: N a capitalized word, L a lowercase
# word, p a particle, 9 a number, n a capitalized stopword inside a name; F (set where a sentence
# starts) a capital forced by position. bytes.translate maps them all at C speed.
def _byte_table(mapping: dict[str, str]) -> bytes:
    """A bytes.translate table: each listed letter to its value, every other byte to 0."""
    table = bytearray(256)
    for letter, value in mapping.items():
        table[ord(letter)] = ord(value)
    return bytes(table)


_CAPITAL_TABLE = _byte_table(
    dict.fromkeys("ae", "L") | dict.fromkeys("AE", "N") | dict.fromkeys("qQdvrcsDVRCS", "p")
    | {"9": "9", "X": "n", "x": "x"}
)
_WORD_TABLE = _byte_table(dict.fromkeys("aeAE", "\1"))
_NAMED_TABLE = _byte_table({"N": "\1"})
_LOWER_TABLE = _byte_table({"L": "\1"})

# How a phrase is capitalized, from its code (one letter per word, as above): a name, a
# sentence start, lowercase, or mixed (neither name nor common phrase).
_LOWER, _NAMED, _FORCED, _MIXED = 0, 1, 2, 3


class _Capitals(dict[str, int]):
    """Phrase code → capitalization, worked out once per distinct code."""

    def __missing__(self, code: str) -> int:
        letters = set(code)
        if code[0] == "F":
            kind = _FORCED
        elif letters <= {"N", "n", "9"}:  # numbers after a name count as names: Falcon 9
            kind = _NAMED
        elif letters <= {"L", "p"}:
            kind = _LOWER
        else:  # a particle makes a name mixed: "Iju de Lagos" is often a place in a place
            kind = _MIXED
        self[code] = kind
        return kind


_CAPITALS = _Capitals()


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
    #: Capitalized occurrences right before a lowercase word: "European" in "European start-ups"
    #: is an adjective, not a name.
    modifier: int = 0
    #: Occurrences inside a longer candidate (set by the ranker): "Rights" in "Human Rights Watch".
    covered: int = 0
    #: Named by the headline's label (the "Égypte" of "Égypte : …"): a topic, even if unrepeated.
    in_label: bool = False
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


_Entry = tuple[str, str, str]  # (word as written, lowercase, letter)


class _Lexicon(dict[str, _Entry]):
    """What each word is in one language, worked out once per distinct word and remembered.

    News repeats its words, so this keeps the per-word work of a long article small.
    """

    _LIMIT = 200_000  # distinct words remembered before starting afresh: bounds memory

    def __init__(self, stop: frozenset[str]) -> None:
        super().__init__(_stopword_entries(stop))
        self.stop = stop
        self.gaps = _Gaps()

    def __missing__(self, token: str) -> _Entry:
        if len(self) > self._LIMIT:
            self.clear()
            self.update(_stopword_entries(self.stop))
        word, elided = token, False
        if "'" in token or "’" in token or "ʼ" in token:
            token_ = token.translate(_APOSTROPHES)
            word = _POSSESSIVE.sub("", _ELISION.sub("", token_))
            elided = len(word) < len(token_) - 2 or word[:1] != token_[:1]
        lower = word.lower()
        stop = self.stop
        if (lower in stop or len(lower) < 2 or ("-" in lower and _all_stop(lower, stop))) and (
            len(word) < 2 or not word.isupper()  # AI, US, WHO: acronyms are never stopwords
        ):
            letter = "x" if elided else _stopword_letter(lower)
        elif word.isdigit():
            letter = "9"
        elif lower in PARTICLES:
            letter = "q"
        else:
            letter = "e" if elided else "a"
        entry = self[token] = (word, lower, letter if word[0] == lower[0] else letter.upper())
        return entry


class _Gaps(dict[str, str]):
    """Gap between two words → its one-character kind, worked out once per distinct gap."""

    def __missing__(self, gap: str) -> str:
        if "\n" in gap or any(char in gap for char in ".!?…"):
            kind = _END
        elif any(char in gap for char in ':;«“„"'):
            kind = _END_IF_CAPITAL
        elif gap.strip().strip("'’ʼ"):  # a stray apostrophe is no punctuation
            kind = _BREAK
        else:
            kind = _SPACE
        if len(self) < 10_000:
            self[gap] = kind
        return kind


@cache
def _stopword_entries(stop: frozenset[str]) -> dict[str, _Entry]:
    """The lexicon's entries for every stopword as news writes it: le, Le."""
    entries = {}
    for word in stop:
        letter = _stopword_letter(word)
        entries[word] = (word, word, letter)
        entries[word.capitalize()] = (word.capitalize(), word, letter.upper())
    return entries


def _stopword_letter(lower: str) -> str:
    if lower in NAME_PARTICLES:
        return "d" if lower in CONNECTORS else "r" if lower in SECOND_CONNECTORS else "v"
    return "c" if lower in CONNECTORS else "s" if lower in SECOND_CONNECTORS else "x"


def _all_stop(lower: str, stop: frozenset[str]) -> bool:
    """A hyphenated word made only of stopwords (a-t-il, peut-être) is a stopword too."""
    return all(part in stop or len(part) < 2 for part in lower.split("-"))


@cache
def _lexicon(data: LanguageData) -> _Lexicon:
    return _Lexicon(data.stopwords)


def forget_words() -> None:
    """Empty the per-language word memos, as in a fresh process (benchmarks measure it so)."""
    _lexicon.cache_clear()


class _Scan:
    """The words of a title and text, and where each 1- to 3-word phrase occurs."""

    __slots__ = (
        "written",
        "lower",
        "code",
        "capitals",
        "starts",
        "words",
        "word_at",
        "phrases",
        "phrase_at",
        "phrase_codes",
    )

    def __init__(self, text: str, lexicon: _Lexicon) -> None:
        parts = _WORDS.split(text)
        entries = list(map(lexicon.__getitem__, parts[1::2]))
        if not entries:
            entries = [("", "", "x")]  # no words: one stopword stands in, so the lists are never empty
            parts = ["", "", ""]
        self.written, self.lower, letters = zip(*entries)
        gaps = list(map(lexicon.gaps.__getitem__, parts[0:-1:2]))
        gaps[0] = _END  # the text starts a sentence
        self.code = code = "".join(map(add, gaps, letters))
        self.starts = starts = [match.start() >> 1 for match in _SENTENCE_START.finditer(code)]
        letter_bytes = "".join(letters).encode()
        capitals = bytearray(letter_bytes.translate(_CAPITAL_TABLE))
        for index in starts:
            if capitals[index] == 78:  # N → F: capitalized by position
                capitals[index] = 70
        self.capitals = capitals.decode()
        # Single words: every content word that is no particle.
        is_word = letter_bytes.translate(_WORD_TABLE)
        self.word_at = list(compress(range(len(letters)), is_word))
        self.words = list(compress(self.lower, is_word))
        # Phrases of two or more words, only where runs are that long.
        self.phrases: list[str] = []
        self.phrase_at: list[int] = []  # the index of each phrase's first word
        self.phrase_codes: list[str] = []  # and its capitals, one letter per word
        for match in _LONG_RUN.finditer(code):
            self._count_phrases(match.start() >> 1, match.end() >> 1)

    def _count_phrases(self, start: int, end: int) -> None:
        """Record every phrase of 2 to MAX_PHRASE_WORDS words of the run of words start..end-1.

        Particles go with the word before them: a phrase never starts or ends with one
        (accord de paix, never "de paix"), nor starts with a number.
        """
        run = self.capitals[start:end]
        lower, phrases, phrase_at, codes = self.lower, self.phrases, self.phrase_at, self.phrase_codes
        if "p" not in run:  # the common case: phrases are the run's word n-grams
            for first in range(end - 1 - start):
                if run[first] == "9":
                    continue
                phrase = lower[start + first] + " " + lower[start + first + 1]
                phrases.append(phrase)
                phrase_at.append(start + first)
                codes.append(run[first : first + 2])
                if start + first + 2 < end:
                    phrases.append(phrase + " " + lower[start + first + 2])
                    phrase_at.append(start + first)
                    codes.append(run[first : first + 3])
            return
        heads: list[int] = []  # the run's words that are no particle
        glued: list[str] = []  # each with the particles after it: "accord de"
        for index in range(start, end):
            if run[index - start] != "p":
                heads.append(index)
                glued.append(lower[index])
            elif heads:
                glued[-1] += " " + lower[index]
        size = len(heads)
        for first in range(size - 1):
            if run[heads[first] - start] == "9":
                continue
            phrase = glued[first]
            for last in range(first + 1, min(first + MAX_PHRASE_WORDS, size)):
                phrases.append(phrase + " " + lower[heads[last]])
                phrase_at.append(heads[first])
                codes.append(run[heads[first] - start : heads[last] - start + 1])
                phrase += " " + glued[last]

    def written_phrase(self, first: int, key: str) -> str:
        return " ".join(self.written[first : first + key.count(" ") + 1])

    def occurrences(self, key: str, after: int) -> Iterator[int]:
        """Index of the first word of each occurrence of `key` from word `after` on, in order."""
        found, at = (self.phrases, self.phrase_at) if " " in key else (self.words, self.word_at)
        position = bisect_left(at, after) - 1
        while True:
            try:
                position = found.index(key, position + 1)
            except ValueError:
                return
            yield at[position]


class Phrases(Mapping[str, Candidate]):
    """Every phrase of the title and text, as a :class:`Candidate` made on first look-up.

    Counting is done in bulk; a Candidate with all its evidence is only built for the phrases
    the ranker asks about, which are few next to all the phrases an article holds.
    """

    def __init__(self, scan: _Scan, label_end: int, title_end: int, data: LanguageData) -> None:
        self._scan, self._title_end = scan, title_end
        title_words = bisect_left(scan.word_at, title_end)
        title_phrases = bisect_left(scan.phrase_at, title_end)
        self._count = Counter(scan.words)
        self._count.update(scan.phrases)
        self._in_title = Counter(scan.words[:title_words])
        self._in_title.update(scan.phrases[:title_phrases])
        self._label = frozenset(scan.words[: bisect_left(scan.word_at, label_end)])
        # Mid-sentence capitals and lowercase mentions, in the text only.
        capitals = scan.capitals[title_end:].encode()
        text_lower = scan.lower[title_end:]
        self._named = Counter(compress(text_lower, capitals.translate(_NAMED_TABLE)))
        self._lowercase = Counter(compress(text_lower, capitals.translate(_LOWER_TABLE)))
        text_phrases = scan.phrases[title_phrases:]
        kinds = list(map(_CAPITALS.__getitem__, scan.phrase_codes[title_phrases:]))
        self._named.update(compress(text_phrases, map(_NAMED.__eq__, kinds)))
        self._lowercase.update(compress(text_phrases, map(_LOWER.__eq__, kinds)))
        self._modifier: Counter[str] = Counter()
        for match in _BEFORE_LOWERCASE.finditer(scan.code, 2 * title_end):
            index = match.start() >> 1
            if not data.is_verb_form(scan.lower[index + 1]):  # "Schoof visited": a name all right
                self._modifier[scan.lower[index]] += 1
        self._first = dict(zip(reversed(scan.phrases), reversed(scan.phrase_at), strict=True))
        self._first.update(zip(reversed(scan.words), reversed(scan.word_at), strict=True))
        self._text_start = bisect_left(scan.starts, title_end)  # sentences before the text's first
        self._made: dict[str, Candidate] = {}

    def __getitem__(self, key: str) -> Candidate:
        made = self._made.get(key)
        if made is None:
            if key not in self._count:
                raise KeyError(key)
            made = self._made[key] = self._make(key)
        return made

    def __contains__(self, key: object) -> bool:
        return key in self._count

    def __iter__(self) -> Iterator[str]:
        return iter(self._count)

    def __len__(self) -> int:
        return len(self._count)

    def pool(self, enough: int) -> list[Candidate]:
        """The phrases worth ranking: said more than once, in the title, or capitalized.

        A phrase said once in passing, not in the title and not a name, never outranks the
        rest; all phrases when fewer than `enough` qualify.
        """
        keys = dict.fromkeys(self._in_title)
        keys.update(dict.fromkeys(self._named))
        keys.update((key, None) for key, count in self._count.items() if count > 1)
        if len(keys) < enough:
            keys = dict.fromkeys(self._count)
        return [self[key] for key in keys]

    def _make(self, key: str) -> Candidate:
        scan, title_end = self._scan, self._title_end
        at = mention = self._first[key]
        if at < title_end:
            first = 0  # the title is sentence 0
            mention = next(scan.occurrences(key, title_end), -1)
        else:
            first = bisect_right(scan.starts, at) - self._text_start
        if mention >= 0 and scan.capitals[mention] == "F":  # capitalized by position: look further
            mention = next((i for i in scan.occurrences(key, mention + 1) if scan.capitals[i] != "F"), -1)
        # How it is written: the first mention mid-sentence, else the first of all.
        surface = scan.written_phrase(at if mention < 0 else mention, key)
        return Candidate(
            key,
            surface,
            key.count(" ") + 1,
            first,
            self._count[key],
            self._in_title.get(key, 0),
            self._named.get(key, 0),
            self._lowercase.get(key, 0),
            self._modifier.get(key, 0),
            0,
            key in self._label,
        )


def collect_candidates(title: str | None, text: str, data: LanguageData) -> Phrases:
    """Every phrase of up to :data:`MAX_PHRASE_WORDS` content words in the title and text."""
    label, headline = _split_label(title) if title else ("", "")
    # One scan for all three; line breaks keep their runs and sentences apart.
    scan = _Scan(f"{label}\n{headline}\n{text}", _lexicon(data))
    label_end = _words_before(scan, label)
    title_end = _words_before(scan, f"{label}\n{headline}")
    return Phrases(scan, label_end, title_end, data)


def _words_before(scan: _Scan, prefix: str) -> int:
    """How many of the scan's words the text `prefix` holds."""
    return len(_WORDS.findall(prefix)) if prefix.strip() else 0


def _split_label(title: str) -> tuple[str, str]:
    """Split a headline's leading label off: "Égypte : Mohamed Morsi élu" → ("Égypte", ...)."""
    match = _LABEL.match(title)
    return (match.group(1), match.group(2)) if match else ("", title)
