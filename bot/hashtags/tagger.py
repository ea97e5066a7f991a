"""Part-of-speech tags for an article's words: our averaged perceptron, trained on UD treebanks.

The model is linear, and every feature depends either on one word (itself, or as the word
before or after the one being tagged), on the gap before it, or on the two tags before it. So
the score of a word is a sum of a few vectors, each computed once per distinct word and kept:
tagging a news article is a handful of additions per token, fast enough to run on every
article. Frequent words that nearly always carry one tag skip the sum (the tag dictionary).

The trained weights (`models/*.pos`, written by :mod:`bot.hashtags.training`) are package data,
loaded lazily, once per language, on the first article that needs them.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from array import array
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import ClassVar, Final

#: The Universal Dependencies part-of-speech tags, in the order the weights use.
UPOS: Final = (
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM",
    "PART", "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X",
)  # fmt: skip
ADJ, ADP, ADV, AUX, CCONJ, DET, INTJ, NOUN, NUM = 0, 1, 2, 3, 4, 5, 6, 7, 8
PART, PRON, PROPN, PUNCT, SCONJ, SYM, VERB, X = 9, 10, 11, 12, 13, 14, 15, 16

#: Languages with a trained model in the package.
TAGGED_LANGUAGES: Final = ("en", "fr", "de", "es", "pt", "nl")

#: What separates a word from the one before it, as the tagger sees it.
GAP_SPACE, GAP_PUNCT = 0, 1

_START, _END = "<s>", "</s>"  # the words beyond a sentence's edges
_DIGIT = re.compile(r"\d")
FORMAT: Final = 2  # version of the weights file layout, checked on load


def word_shape(word: str) -> str:
    """A coarse spelling class: digits, all capitals, initial capital, hyphenated, lowercase."""
    if word.isdigit():
        return "9"
    if not word.isalpha() and _DIGIT.search(word):
        return "9a"
    if word.isupper():
        return "AA" if len(word) > 1 else "A"
    if word[:1].isupper():
        return "Aa-" if "-" in word else "Aa"
    return "a-" if "-" in word else "a"


def ending_features(lower: str) -> list[str]:
    """Features of a word's last letters (shared by many words: ``-tion``, ``-ment``)."""
    return ["s1 " + lower[-1:], "s2 " + lower[-2:], "s3 " + lower[-3:], "s4 " + lower[-4:]]


def opening_features(lower: str) -> list[str]:
    return ["p2 " + lower[:2], "p3 " + lower[:3]]


def lexical_features(lower: str) -> list[str]:
    """Features of a word as the one being tagged that its letters decide: itself, its ends."""
    return ["w " + lower, *ending_features(lower), *opening_features(lower)]


def shape_features(shape: str, at_start: bool) -> list[str]:
    """Features of a word's spelling as the one being tagged."""
    if at_start:  # a capital that opens a sentence says little: let the model weigh it apart
        return ["h " + shape, "start " + shape]
    return ["h " + shape]


def own_features(word: str, at_start: bool) -> list[str]:
    """Features of a word as the one being tagged: itself, its endings, its spelling."""
    return lexical_features(word.lower()) + shape_features(word_shape(word), at_start)


def before_lexical_features(lower: str) -> list[str]:
    return ["-1 " + lower, "-1s " + lower[-3:]]


def before_features(word: str) -> list[str]:
    """Features the word gives the one after it."""
    if word == _START:
        return ["-1 " + _START]
    return [*before_lexical_features(word.lower()), "-1h " + word_shape(word)]


def after_features(word: str) -> list[str]:
    """Features the word gives the one before it."""
    if word == _END:
        return ["+1 " + _END]
    lower = word.lower()
    return ["+1 " + lower, "+1s " + lower[-3:]]


def gap_features(gap: int) -> list[str]:
    """Features of the gap before a word, and the bias (every word has one gap: no extra sum)."""
    return [f"g {gap}", "b"]


def tag_features(previous: int, before_previous: int) -> list[str]:
    """Features of the two tags before a word (-1 for the sentence's start)."""
    return [f"t1 {previous}", f"t2 {before_previous} {previous}"]


#: The spellings :func:`word_shape` tells apart, in the order the runtime indexes them.
SHAPES: Final = ("9", "9a", "AA", "A", "Aa-", "Aa", "a-", "a")
_EDGE_SHAPE = len(SHAPES)  # the shape index of the words beyond a sentence's edges: none


class _Lexeme:
    """What the tagger knows of one word as written, worked out once and kept.

    `scores` holds three vectors back to back: the word's own lexical weights, what it gives
    the word after it, and what it gives the word before it (one score per tag each). Spelling,
    gap and tag history are added per token from small tables, so a word costs one record.
    """

    def __init__(self, scores: list[int], shape: int, sure: int) -> None:
        self.scores = scores
        self.shape = shape
        #: The word's tag when the dictionary of sure tags has it, else -1.
        self.sure = sure


class PosModel:
    """A trained tagger for one language: weights by feature, and a dictionary of sure tags."""

    _LIMIT: ClassVar[int] = 20_000  # distinct words whose vectors are kept: bounds memory

    def __init__(
        self,
        *,
        lang: str,
        features: list[str],
        offsets: list[int],
        entries: list[int],
        scale: float,
        sure_tags: dict[str, int],
        content_stopwords: frozenset[str],
        common_nouns: dict[str, float],
        known_words: list[str],
        known_vectors: bytes,
        time_words: frozenset[str] = frozenset(),
    ) -> None:
        self.lang = lang
        self.rows = dict(zip(features, range(len(features)), strict=True))
        #: Row r's weights are entries[offsets[r]:offsets[r + 1]], as (tag, weight) pairs. Lists,
        #: not arrays: compiled code reads a list's items without a call.
        self.offsets = offsets
        self.entries = entries
        self.scale = scale
        #: Word as written → its tag, for frequent words that nearly always carry it.
        self.sure_tags = sure_tags
        #: Words of the language's stopword list that its treebank uses mostly as nouns.
        self.content_stopwords = content_stopwords
        #: Lowercase common nouns of the treebank → how often it uses them, per 10,000 words.
        self.common_nouns = common_nouns
        #: Names of months and weekdays (CLDR, through Babel at training): never a tag. Shipped
        #: here so that tagging an article does not load Babel's locale data.
        self.time_words = time_words
        self.known_words = dict(zip(known_words, range(len(known_words)), strict=True))
        self.known_vectors = known_vectors
        self._unpack = struct.Struct(f"<{3 * len(UPOS)}i").unpack_from
        self._lexemes: dict[str, _Lexeme] = {}
        self._endings: dict[str, list[int]] = {}
        self._openings: dict[str, list[int]] = {}
        none = [0] * len(UPOS)
        self._start = _Lexeme(none + self._vector(before_features(_START)) + none, _EDGE_SHAPE, -1)
        self._end = _Lexeme(none + none + self._vector(after_features(_END)), _EDGE_SHAPE, -1)
        #: By (shape, sentence start, gap): the word's spelling and the gap before it.
        self._spellings: dict[int, list[int]] = {}
        #: By (shape of the word before, tag before, tag before that).
        self._contexts: dict[int, list[int]] = {}

    def _vector(self, features: list[str]) -> list[int]:
        """The summed weights of `features`, one score per tag."""
        scores = [0] * len(UPOS)
        rows, offsets, entries = self.rows, self.offsets, self.entries
        for feature in features:
            row = rows.get(feature, -1)
            if row < 0:
                continue
            for at in range(offsets[row], offsets[row + 1], 2):
                scores[entries[at]] += entries[at + 1]
        return scores

    def forget(self) -> None:
        """Drop the vectors kept for the words seen so far (benchmarks start from nothing)."""
        self._lexemes.clear()
        self._endings.clear()
        self._openings.clear()

    def _forget_if_full(self) -> None:
        if len(self._lexemes) > self._LIMIT or len(self._endings) > self._LIMIT:
            self.forget()

    def _add(self, scores: list[int], base: int, feature: str) -> None:
        """Add the weights of `feature` to the vector of `scores` that starts at `base`."""
        row = self.rows.get(feature, -1)
        if row >= 0:
            entries = self.entries
            for at in range(self.offsets[row], self.offsets[row + 1], 2):
                scores[base + entries[at]] += entries[at + 1]

    def _ending(self, lower: str) -> list[int]:
        """The three lexical vectors that a word's last four letters give it, kept by those letters."""
        key = lower[-4:]
        scores = self._endings.get(key)
        if scores is None:
            tags = len(UPOS)
            scores = self._endings[key] = [0] * (3 * tags)
            for feature in ending_features(lower):
                self._add(scores, 0, feature)
            self._add(scores, tags, before_lexical_features(lower)[1])
            self._add(scores, 2 * tags, after_features(lower)[1])
        return scores

    def _opening(self, lower: str) -> list[int]:
        key = lower[:3]
        scores = self._openings.get(key)
        if scores is None:
            scores = self._openings[key] = self._vector(opening_features(lower))
        return scores

    def _lexical_scores(self, lower: str) -> list[int]:
        """A word's three lexical vectors: stored for treebank words, else summed from weights.

        An unknown word's come mostly from its ending and opening, which other words share.
        """
        tags = len(UPOS)
        index = self.known_words.get(lower, -1)
        if index >= 0:
            return list(self._unpack(self.known_vectors, index * 12 * tags))
        scores = self._ending(lower).copy()
        opening = self._opening(lower)
        for tag in range(tags):
            scores[tag] += opening[tag]
        self._add(scores, 0, "w " + lower)
        self._add(scores, tags, "-1 " + lower)
        self._add(scores, 2 * tags, "+1 " + lower)
        return scores

    def _lexeme(self, word: str) -> _Lexeme:
        lexeme = self._lexemes.get(word)
        if lexeme is None:
            shape = SHAPES.index(word_shape(word))
            scores = self._lexical_scores(word.lower())
            lexeme = self._lexemes[word] = _Lexeme(scores, shape, self.sure_tags.get(word, -1))
        return lexeme

    def _spelling(self, shape: int, at_start: bool, gap: int) -> list[int]:
        key = (2 * shape + at_start) * 2 + gap
        vector = self._spellings.get(key)
        if vector is None:
            features = shape_features(SHAPES[shape], at_start) + gap_features(gap)
            vector = self._spellings[key] = self._vector(features)
        return vector

    def _context(self, shape_before: int, previous: int, before_previous: int) -> list[int]:
        key = (shape_before * 32 + previous + 1) * 32 + before_previous + 1
        vector = self._contexts.get(key)
        if vector is None:
            features = tag_features(previous, before_previous)
            if shape_before != _EDGE_SHAPE:
                features.append("-1h " + SHAPES[shape_before])
            vector = self._contexts[key] = self._vector(features)
        return vector

    def tag(self, words: list[str], gaps: list[int]) -> list[int]:
        """The tag of each word of one sentence; `gaps[i]` is what comes before `words[i]`."""
        self._forget_if_full()
        lexemes = [self._lexeme(word) for word in words]
        lexemes.append(self._end)
        tags: list[int] = []
        previous, before_previous = -1, -1
        count = len(UPOS)
        before = self._start
        for i in range(len(words)):
            lexeme = lexemes[i]
            best = lexeme.sure
            if best < 0:
                own, given, taken = lexeme.scores, before.scores, lexemes[i + 1].scores
                spelling = self._spelling(lexeme.shape, i == 0, gaps[i] if i else GAP_PUNCT)
                context = self._context(before.shape, previous, before_previous)
                best_score = -(1 << 62)
                for tag in range(count):
                    score = (
                        own[tag] + given[count + tag] + taken[2 * count + tag] + spelling[tag] + context[tag]
                    )
                    if score > best_score:
                        best, best_score = tag, score
            tags.append(best)
            before_previous, previous = previous, best
            before = lexeme
        return tags


def encode_model(
    *,
    lang: str,
    weights: dict[str, dict[int, float]],
    sure_tags: dict[str, int],
    content_stopwords: list[str],
    common_nouns: dict[str, int],
    vocabulary: list[str],
    about: dict[str, object],
    time_words: frozenset[str] = frozenset(),
) -> bytes:
    """The weights file: a JSON header line, the feature names, offsets and int16 weights, then
    the treebank's words (lowercase) and each one's three lexical vectors, summed in advance."""
    largest = max((abs(w) for row in weights.values() for w in row.values()), default=1.0)
    scale = 32767 / largest
    features = sorted(weights)
    offsets, entries = array("I", [0]), array("h")
    for feature in features:
        for tag, weight in sorted(weights[feature].items()):
            entries.extend((tag, round(weight * scale)))
        offsets.append(len(entries))
    names = "\n".join(features).encode("utf-8")
    quantized = {
        feature: {tag: round(weight * scale) for tag, weight in row.items()}
        for feature, row in weights.items()
    }
    known = array("i")
    for word in vocabulary:
        for part in (lexical_features(word), before_lexical_features(word), after_features(word)):
            sums = [0] * len(UPOS)
            for feature in part:
                for tag, units in quantized.get(feature, {}).items():
                    sums[tag] += units
            known.extend(sums)
    known_names = "\n".join(vocabulary).encode("utf-8")
    header = {
        "format": FORMAT,
        "lang": lang,
        "tags": list(UPOS),
        "scale": scale,
        "features": len(features),
        "names_bytes": len(names),
        "known_words": len(vocabulary),
        "known_names_bytes": len(known_names),
        "sure_tags": sure_tags,
        "content_stopwords": sorted(content_stopwords),
        "common_nouns": common_nouns,
        "time_words": sorted(time_words),
        **about,
    }
    tables = offsets.tobytes() + entries.tobytes()
    header["entries_bytes"] = len(tables)
    body = json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n" + names + tables
    return zlib.compress(body + known_names + known.tobytes(), 9)


def decode_model(data: bytes) -> PosModel:
    """A model from the bytes :func:`encode_model` wrote."""
    body = zlib.decompress(data)
    line_end = body.index(b"\n")
    header = json.loads(body[:line_end])
    if header["format"] != FORMAT or tuple(header["tags"]) != UPOS:
        raise ValueError(f"unsupported part-of-speech model format {header['format']}")
    names_end = line_end + 1 + int(header["names_bytes"])
    features = body[line_end + 1 : names_end].decode("utf-8").split("\n")
    count = int(header["features"])
    offsets = array("I")
    offsets.frombytes(body[names_end : names_end + 4 * (count + 1)])
    tables_end = names_end + int(header["entries_bytes"])
    entries = array("h")
    entries.frombytes(body[names_end + 4 * (count + 1) : tables_end])
    known_end = tables_end + int(header["known_names_bytes"])
    known_words = body[tables_end:known_end].decode("utf-8").split("\n") if header["known_words"] else []
    return PosModel(
        lang=str(header["lang"]),
        features=features if count else [],
        offsets=offsets.tolist(),
        entries=entries.tolist(),
        scale=float(header["scale"]),
        sure_tags={str(word): int(tag) for word, tag in header["sure_tags"].items()},
        content_stopwords=frozenset(header["content_stopwords"]),
        time_words=frozenset(header.get("time_words", ())),
        known_words=known_words,
        known_vectors=body[known_end:],
        common_nouns={
            str(word): 10_000 * int(count) / int(header["words"])
            for word, count in header.get("common_nouns", {}).items()
        },
    )


def model_resource(lang: str) -> Traversable:
    return resources.files("bot.hashtags").joinpath("models", f"{lang}.pos")


@cache
def load_model(lang: str | None) -> PosModel | None:
    """The shipped model of `lang`, read on first use; None for a language without one."""
    if lang not in TAGGED_LANGUAGES:
        return None
    resource = model_resource(lang)
    if not resource.is_file():
        return None
    return decode_model(resource.read_bytes())
