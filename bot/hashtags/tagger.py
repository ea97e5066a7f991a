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
FORMAT: Final = 1  # version of the weights file layout, checked on load


def word_shape(word: str) -> str:
    """A coarse spelling class: digits, all capitals, initial capital, hyphenated, lowercase."""
    if word.isdigit():
        return "9"
    if any(char.isdigit() for char in word):
        return "9a"
    if word.isupper():
        return "AA" if len(word) > 1 else "A"
    if word[:1].isupper():
        return "Aa-" if "-" in word else "Aa"
    return "a-" if "-" in word else "a"


def own_features(word: str, at_start: bool) -> list[str]:
    """Features of a word as the one being tagged: itself, its endings, its spelling."""
    lower = word.lower()
    shape = word_shape(word)
    features = ["b", "w " + lower, "s1 " + lower[-1:], "s2 " + lower[-2:], "s3 " + lower[-3:], "h " + shape]
    features += ["s4 " + lower[-4:], "p2 " + lower[:2], "p3 " + lower[:3]]
    if at_start:  # a capital that opens a sentence says little: let the model weigh it apart
        features.append("start " + shape)
    return features


def before_features(word: str) -> list[str]:
    """Features the word gives the one after it."""
    if word == _START:
        return ["-1 " + _START]
    lower = word.lower()
    return ["-1 " + lower, "-1s " + lower[-3:], "-1h " + word_shape(word)]


def after_features(word: str) -> list[str]:
    """Features the word gives the one before it."""
    if word == _END:
        return ["+1 " + _END]
    lower = word.lower()
    return ["+1 " + lower, "+1s " + lower[-3:]]


def gap_feature(gap: int) -> str:
    return f"g {gap}"


def tag_features(previous: int, before_previous: int) -> list[str]:
    """Features of the two tags before a word (-1 for the sentence's start)."""
    return [f"t1 {previous}", f"t2 {before_previous} {previous}"]


class PosModel:
    """A trained tagger for one language: weights by feature, and a dictionary of sure tags."""

    _LIMIT: ClassVar[int] = 20_000  # distinct words whose vectors are kept: bounds memory

    def __init__(
        self,
        *,
        lang: str,
        features: list[str],
        offsets: array[int],
        entries: array[int],
        scale: float,
        sure_tags: dict[str, int],
        content_stopwords: frozenset[str],
        common_nouns: dict[str, float],
    ) -> None:
        self.lang = lang
        self.rows = dict(zip(features, range(len(features)), strict=True))
        self.offsets = offsets
        self.entries = entries
        self.scale = scale
        #: Word as written → its tag, for frequent words that nearly always carry it.
        self.sure_tags = sure_tags
        #: Words of the language's stopword list that its treebank uses mostly as nouns.
        self.content_stopwords = content_stopwords
        #: Lowercase common nouns of the treebank → how often it uses them, per 10,000 words.
        self.common_nouns = common_nouns
        self._own: dict[str, list[float]] = {}
        self._before: dict[str, list[float]] = {}
        self._after: dict[str, list[float]] = {}
        self._tags: dict[int, list[float]] = {}
        self._gaps = [self._vector([gap_feature(gap)]) for gap in (GAP_SPACE, GAP_PUNCT)]

    def _vector(self, features: list[str]) -> list[float]:
        """The summed weights of `features`, one score per tag."""
        scores = [0.0] * len(UPOS)
        rows, offsets, entries = self.rows, self.offsets, self.entries
        for feature in features:
            row = rows.get(feature, -1)
            if row < 0:
                continue
            for at in range(offsets[row], offsets[row + 1], 2):
                scores[entries[at]] += entries[at + 1]
        return scores

    def _forget_if_full(self) -> None:
        if len(self._own) > self._LIMIT:
            self._own.clear()
        if len(self._before) > self._LIMIT:
            self._before.clear()
        if len(self._after) > self._LIMIT:
            self._after.clear()

    def _own_vector(self, word: str, at_start: bool) -> list[float]:
        key = "\x00" + word if at_start else word
        vector = self._own.get(key)
        if vector is None:
            vector = self._own[key] = self._vector(own_features(word, at_start))
        return vector

    def _before_vector(self, word: str) -> list[float]:
        vector = self._before.get(word)
        if vector is None:
            vector = self._before[word] = self._vector(before_features(word))
        return vector

    def _after_vector(self, word: str) -> list[float]:
        vector = self._after.get(word)
        if vector is None:
            vector = self._after[word] = self._vector(after_features(word))
        return vector

    def _tag_vector(self, previous: int, before_previous: int) -> list[float]:
        key = (before_previous + 1) * 32 + previous + 1
        vector = self._tags.get(key)
        if vector is None:
            vector = self._tags[key] = self._vector(tag_features(previous, before_previous))
        return vector

    def tag(self, words: list[str], gaps: list[int]) -> list[int]:
        """The tag of each word of one sentence; `gaps[i]` is what comes before `words[i]`."""
        self._forget_if_full()
        tags: list[int] = []
        previous, before_previous = -1, -1
        size = len(words)
        sure = self.sure_tags
        for i in range(size):
            word = words[i]
            best = sure.get(word, -1)
            if best < 0:
                own = self._own_vector(word, i == 0)
                before = self._before_vector(words[i - 1] if i else _START)
                after = self._after_vector(words[i + 1] if i + 1 < size else _END)
                context = self._tag_vector(previous, before_previous)
                gap = self._gaps[gaps[i] if i else GAP_PUNCT]  # a sentence opens after its end
                best_score = -1e300
                for tag in range(len(UPOS)):
                    score = own[tag] + before[tag] + after[tag] + context[tag] + gap[tag]
                    if score > best_score:
                        best, best_score = tag, score
            tags.append(best)
            before_previous, previous = previous, best
        return tags


def encode_model(
    *,
    lang: str,
    weights: dict[str, dict[int, float]],
    sure_tags: dict[str, int],
    content_stopwords: list[str],
    common_nouns: dict[str, int],
    about: dict[str, object],
) -> bytes:
    """The weights file: a JSON header line, the feature names, then offsets and int16 weights."""
    largest = max((abs(w) for row in weights.values() for w in row.values()), default=1.0)
    scale = 32767 / largest
    features = sorted(weights)
    offsets, entries = array("I", [0]), array("h")
    for feature in features:
        for tag, weight in sorted(weights[feature].items()):
            entries.extend((tag, round(weight * scale)))
        offsets.append(len(entries))
    names = "\n".join(features).encode("utf-8")
    header = {
        "format": FORMAT,
        "lang": lang,
        "tags": list(UPOS),
        "scale": scale,
        "features": len(features),
        "names_bytes": len(names),
        "sure_tags": sure_tags,
        "content_stopwords": sorted(content_stopwords),
        "common_nouns": common_nouns,
        **about,
    }
    body = json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n" + names
    return zlib.compress(body + offsets.tobytes() + entries.tobytes(), 9)


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
    entries = array("h")
    entries.frombytes(body[names_end + 4 * (count + 1) :])
    return PosModel(
        lang=str(header["lang"]),
        features=features if count else [],
        offsets=offsets,
        entries=entries,
        scale=float(header["scale"]),
        sure_tags={str(word): int(tag) for word, tag in header["sure_tags"].items()},
        content_stopwords=frozenset(header["content_stopwords"]),
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
