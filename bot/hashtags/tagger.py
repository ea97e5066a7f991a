"""Part-of-speech tags for an article's words: our averaged perceptron, trained on UD treebanks.

The model is linear, and every feature depends either on one word (itself, its endings and its
opening, as the word being tagged or as the word before or after it), on the gap before it, or
on the two tags before it. So the score of a word is a sum of a few vectors, each computed once
per distinct word and kept: tagging a news article is a handful of additions per token. A word
the treebank has chooses only among the tags the treebank gave it (its tag set), and frequent
words that nearly always carry one tag skip the sum (the dictionary of sure tags).

The weights file (`models/*.pos`, written by :mod:`bot.hashtags.training`) is used as it is read,
never unpacked: a hash table keyed by text (a word, its last letters, its first letters, a
feature's name) points to each key's weights. Its header carries the language's word lists too
(first names, language names, months and weekdays), so that starting a language is one file
read, and tagging reads only the weights of the words it meets. Models load lazily, once per
language.

The table is open addressing over the keys sorted by hash, a key in the first free slot from
its home, the home rising with the hash (``h1 * slots >> 30``). A search reads from its home on
while the slots hold smaller hashes and stops at the first larger one (an empty slot holds the
largest): a few contiguous slots, one read from memory, found or not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import ClassVar, Final

from librt.strings import read_i16_le, read_i32_le
from librt.vecs import append, extend, vec
from mypy_extensions import i32, i64

from bot.hashtags.words import is_alpha, is_upper

#: The Universal Dependencies part-of-speech tags, in the order the weights use.
UPOS: Final = (
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM",
    "PART", "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X",
)  # fmt: skip
#: Their indexes, as constants: compiled code inlines them instead of looking a name up.
ADJ: Final = 0
ADP: Final = 1
ADV: Final = 2
AUX: Final = 3
CCONJ: Final = 4
DET: Final = 5
INTJ: Final = 6
NOUN: Final = 7
NUM: Final = 8
PART: Final = 9
PRON: Final = 10
PROPN: Final = 11
PUNCT: Final = 12
SCONJ: Final = 13
SYM: Final = 14
VERB: Final = 15
X: Final = 16
TAGS: Final = 17  # len(UPOS), as a constant the compiled loops inline

#: Languages with a trained model in the package.
TAGGED_LANGUAGES: Final = ("en", "fr", "de", "es", "pt", "nl")

#: What separates a word from the one before it, as the tagger sees it.
GAP_SPACE: Final = 0
GAP_PUNCT: Final = 1

_START, _END = "<s>", "</s>"  # the words beyond a sentence's edges
_DIGIT = re.compile(r"\d")
FORMAT: Final = 5  # version of the weights file layout, checked on load

#: The spellings :func:`word_shape` tells apart, by the index it returns.
SHAPES: Final = ("9", "9a", "AA", "A", "Aa-", "Aa", "a-", "a")
_EDGE_SHAPE: Final = 8  # the shape of the words beyond a sentence's edges: none of SHAPES


def word_shape(word: str) -> int:
    """A coarse spelling class (an index of SHAPES): digits, capitals, initial capital, hyphen."""
    if word.isdigit():
        return 0
    if not is_alpha(word) and _DIGIT.search(word):
        return 1
    if is_upper(word):
        return 2 if len(word) > 1 else 3
    if is_upper(word[:1]):
        return 4 if "-" in word else 5
    return 6 if "-" in word else 7


def ending_features(lower: str) -> list[str]:
    """Features of a word's last letters (shared by many words: ``-tion``, ``-ment``)."""
    return ["s1 " + lower[-1:], "s2 " + lower[-2:], "s3 " + lower[-3:], "s4 " + lower[-4:]]


def opening_features(lower: str) -> list[str]:
    return ["p2 " + lower[:2], "p3 " + lower[:3]]


def lexical_features(lower: str) -> list[str]:
    """Features of a word as the one being tagged that its letters decide: itself, its ends."""
    return ["w " + lower, *ending_features(lower), *opening_features(lower)]


def shape_features(shape: int, at_start: bool) -> list[str]:
    """Features of a word's spelling as the one being tagged."""
    if at_start:  # a capital that opens a sentence says little: let the model weigh it apart
        return ["h " + SHAPES[shape], "start " + SHAPES[shape]]
    return ["h " + SHAPES[shape]]


def own_features(word: str, at_start: bool) -> list[str]:
    """Features of a word as the one being tagged: itself, its endings, its spelling."""
    return lexical_features(word.lower()) + shape_features(word_shape(word), at_start)


def before_lexical_features(lower: str) -> list[str]:
    return ["-1 " + lower, "-1s " + lower[-3:]]


def before_features(word: str) -> list[str]:
    """Features the word gives the one after it."""
    if word == _START:
        return ["-1 " + _START]
    return [*before_lexical_features(word.lower()), context_shape_feature(word_shape(word))]


def context_shape_feature(shape: int) -> str:
    """The feature of the spelling of the word before the one being tagged."""
    return "-1h " + SHAPES[shape]


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


# What the weights file keys its entries by. A word's features are keyed by its text and a kind:
# the lowercase word, its last 1 to 4 letters, its first 2 or 3 letters; the word as written for
# its tag set and sure tag (one key: a new word is one search); the lowercase word for the counts
# of common nouns; and every other feature (spelling, gap, tag history, the sentence's edges) by
# its name.
WORD: Final = 0
SUFFIX1: Final = 1  # SUFFIX1 + n - 1: the last n letters
SUFFIX3: Final = 3
SUFFIX4: Final = 4
PREFIX2: Final = 5
PREFIX3: Final = 6
NAMED: Final = 7
WRITTEN: Final = 8
COMMON: Final = 9

#: Where a key's weights go in a word's record: its own scores, what it gives the word after
#: it, what it gives the word before it; TAGS lanes each.
OWN, GIVEN, TAKEN = 0, 1, 2

#: How a feature's name maps to (kind, text, part) in the file; the rest are NAMED.
_TEMPLATES: Final = {
    "w": (WORD, OWN),
    "-1": (WORD, GIVEN),
    "+1": (WORD, TAKEN),
    "s1": (SUFFIX1, OWN),
    "s2": (SUFFIX1 + 1, OWN),
    "s3": (SUFFIX3, OWN),
    "s4": (SUFFIX4, OWN),
    "-1s": (SUFFIX3, GIVEN),
    "+1s": (SUFFIX3, TAKEN),
    "p2": (PREFIX2, OWN),
    "p3": (PREFIX3, OWN),
}

# Keys are found by two 30-bit FNV-1a hashes of their characters (a suffix's read from its last
# letter back), finished with the kind; the table keeps the first whole and 16 bits of the second
# (its check). A text the file lacks matches a key's 46 bits about once in 10^9 searches of the
# English model (its 47,000 keys): a word would borrow another's weights once in some 400,000
# articles. Thirty bits, so that a hash times a prime stays far inside 64 bits: compiled code
# does the arithmetic on machine integers.
_MASK: Final = (1 << 30) - 1
_BASIS1: Final = 2166136261 & _MASK
_BASIS2: Final = 3141592653 & _MASK
_PRIME1: Final = 16777619
_PRIME2: Final = 1000003
#: Per slot, little end first: the first hash (4 bytes), the key's value (3), the check (2).
KEY_BYTES: Final = 9
_VALUE_AT: Final = 4
_CHECK_AT: Final = 7
_VALUE_MASK: Final = (1 << 24) - 1
_CHECK_MASK: Final = (1 << 16) - 1
_EMPTY_SLOT: Final = b"\xff" * KEY_BYTES  # an empty slot's first hash is above every hash
#: Keys per slot of the table: a search reads 2.5 slots on average (hit or miss), and the table
#: is the size of format 3's (four bytes of bucket per key), without its second read.
_LOAD: Final = 0.75
ENTRY_BYTES: Final = 3  # per weight: its lane, then the weight + 32768 (two bytes, little end first)
_BIAS: Final = 32768


def _finish(h: i64, kind: i64, prime: i64) -> i64:
    h = ((h ^ (kind + 1)) * prime) & _MASK
    return h ^ (h >> 16)


def _text_hashes(text: str) -> tuple[i64, i64]:
    """Both hashes of the characters of `text`, in order, before a kind finishes them."""
    h1: i64 = _BASIS1
    h2: i64 = _BASIS2
    for i in range(len(text)):
        c: i64 = ord(text[i])
        h1 = ((h1 ^ c) * _PRIME1) & _MASK
        h2 = ((h2 ^ c) * _PRIME2) & _MASK
    return h1, h2


def key_hashes(kind: int, text: str) -> tuple[int, int]:
    """The two hashes that find (`kind`, `text`) in a weights file."""
    h1, h2 = _text_hashes(text[::-1] if SUFFIX1 <= kind <= SUFFIX4 else text)
    return _finish(h1, kind, _PRIME1), _finish(h2, kind, _PRIME2)


def _home(h1: i64, slots: i64) -> i64:
    """The first slot a key of hash `h1` may sit in: rising with the hash, so the table is sorted."""
    return (h1 * slots) >> 30


def _slot_table(keys: list[tuple[int, int, int]]) -> tuple[int, bytes]:
    """The table of `keys` (hashes and value, sorted), and the slots their homes span.

    Each key goes to the first free slot from its home; an empty slot after the last key ends
    every search that runs past the last home."""
    slots = max(1, round(len(keys) / _LOAD))
    rows: list[bytes] = []
    for h1, h2, value in keys:
        rows.extend([_EMPTY_SLOT] * (_home(h1, slots) - len(rows)))
        check = h2 & _CHECK_MASK
        rows.append(h1.to_bytes(4, "little") + value.to_bytes(3, "little") + check.to_bytes(2, "little"))
    rows.append(_EMPTY_SLOT)
    return slots, b"".join(rows)


def _u32(data: bytes, at: i64) -> i64:
    # One load compiled (librt's primitive), where four byte reads cost four index checks.
    return i64(read_i32_le(data, at)) & 0xFFFFFFFF


def _u16(data: bytes, at: i64) -> i64:
    return i64(read_i16_le(data, at)) & 0xFFFF


#: A word as the tagger keeps it is one integer: where its record starts in the model's table,
#: its spelling (an index of SHAPES, or _EDGE_SHAPE), the tags it may take (a bit per tag) and its
#: sure tag + 1 (0: none).
_SHAPE_BITS: Final = 4
_SURE_BITS: Final = 5
EVERY_TAG: Final = (1 << TAGS) - 1


def _word_code(row: i64, shape: i64, allowed: i64, sure: i64) -> i64:
    return (((row << _SHAPE_BITS | shape) << TAGS | allowed) << _SURE_BITS) | (sure + 1)


def _row_of(code: i64) -> i64:
    return code >> (_SHAPE_BITS + TAGS + _SURE_BITS)


def _shape_of(code: i64) -> i64:
    return (code >> (TAGS + _SURE_BITS)) & ((1 << _SHAPE_BITS) - 1)


def _allowed_of(code: i64) -> i64:
    return (code >> _SURE_BITS) & EVERY_TAG


def _sure_of(code: i64) -> i64:
    return (code & ((1 << _SURE_BITS) - 1)) - 1


#: The kinds of a word's keys, a bit each; those whose weights go to its neighbours too (GIVEN,
#: TAKEN), which are all a word whose tag is sure needs.
_LEXICAL_KINDS: Final = sum(1 << kind for kind in range(WORD, PREFIX3 + 1))
_CONTEXT_KINDS: Final = sum({1 << kind for kind, part in _TEMPLATES.values() if part != OWN})
#: Slots of the memo of affix searches (a power of two): a teaser pass meets ~2,500 affixes.
_AFFIX_SLOTS: Final = 1 << 12

_RECORD: Final = 3 * TAGS  # a word's vectors: its own scores, what it gives the next, the previous
#: Below every score: a token's score sums at most 15 weights of 16 bits, far inside 32 bits.
_LOWEST: Final = -(1 << 30)
#: The memo of affix searches of a model that has searched none.
_NO_AFFIXES: Final = vec[i64]([0] * (2 * _AFFIX_SLOTS))


def _written_value(allowed: int, sure: int) -> int:
    """The value the file keeps for a word as written: its tag set, and its sure tag + 1 above."""
    return (sure + 1) << TAGS | allowed


class PosModel:
    """A trained tagger for one language, over the bytes of its weights file.

    What it works out per distinct word is kept in one table of machine integers (a `vec`,
    which compiled code reads and writes without boxing), a record of three vectors per word
    back to back: the word's own lexical scores, what it gives the word after it, and what it
    gives the word before it (one score per tag each). Spelling, gap and tag history come from
    a second table, per token. No object per word, no Python int per score: the scores of an
    article sit in a few contiguous buffers.
    """

    _LIMIT: ClassVar[int] = 20_000  # distinct words whose vectors are kept: bounds memory

    def __init__(
        self,
        *,
        lang: str,
        data: bytes,
        table_at: int,
        slots: int,
        entries_at: int,
        words: int,
        content_stopwords: frozenset[str],
        time_words: frozenset[str] = frozenset(),
        first_names: frozenset[str] = frozenset(),
        language_names: frozenset[str] = frozenset(),
    ) -> None:
        self.lang = lang
        #: The file: the table of keys (from `table_at`, homes in `slots` slots; see the module's
        #: docstring), then each key's weights (from `entries_at`).
        self.data = data
        self.table_at = table_at
        self.slots = slots
        self.entries_at = entries_at
        #: Words in the training treebank: common-noun counts are per 10,000 of them.
        self.words = words
        #: Words of the language's stopword list that its treebank uses mostly as nouns.
        self.content_stopwords = content_stopwords
        #: Names of months and weekdays (CLDR, through Babel at training): never a tag. Shipped
        #: here so that tagging an article does not load Babel's locale data.
        self.time_words = time_words
        #: Words that open people's names (:mod:`bot.hashtags.first_names`) and the names of
        #: languages (:mod:`bot.hashtags.glottonyms`): shipped here, read with the weights.
        self.first_names = first_names
        self.language_names = language_names
        #: The words' records; the first two are the words beyond a sentence's start and end.
        self._table = vec[i32]([0] * (2 * _RECORD))
        for feature in before_features(_START):
            self._add(self._table, GIVEN * TAGS, NAMED, feature)
        for feature in after_features(_END):
            self._add(self._table, _RECORD + TAKEN * TAGS, NAMED, feature)
        self._start: i64 = _word_code(0, _EDGE_SHAPE, EVERY_TAG, -1)
        self._end: i64 = _word_code(_RECORD, _EDGE_SHAPE, EVERY_TAG, -1)
        self._blank = vec[i32]([0] * _RECORD)  # a new word's record, before its weights
        #: Word as written → its code; lowercase word → where its record starts in the table,
        #: shifted left by one, the low bit set once the record has the word's own scores.
        self._codes: dict[str, int] = {}
        self._rows: dict[str, int] = {}
        #: The memo of affix searches: per slot, a key's hashes (+ 1, so that 0 is empty) and
        #: what :meth:`_find` returned for it.
        self._affixes = _NO_AFFIXES[:]
        self._found = vec[i64]([-1] * (PREFIX3 + 1))  # what a word's searches found, one per kind
        #: Per token, one score per tag: by (shape, sentence start, gap), the word's spelling and
        #: the gap before it; by (shape of the word before, tag before, tag before that). Kept
        #: in `_fixed` from their first use (-1 until then); they are few, and never forgotten.
        self._fixed = vec[i32]()
        self._spellings = [-1] * ((_EDGE_SHAPE + 1) * 4)
        self._contexts = [-1] * ((_EDGE_SHAPE + 1) * (TAGS + 1) ** 2)

    def _find(self, h1: i64, h2: i64) -> i64:
        """The value stored for the key with hashes (h1, h2), or -1 if the file has none."""
        data = self.data
        slot: i64 = self.table_at + KEY_BYTES * _home(h1, self.slots)
        stored: i64 = _u32(data, slot)
        while stored < h1:  # keys from homes before this one
            slot += KEY_BYTES
            stored = _u32(data, slot)
        check = h2 & _CHECK_MASK
        while stored == h1:
            if _u16(data, slot + _CHECK_AT) == check:
                return _u32(data, slot + _VALUE_AT) & _VALUE_MASK
            slot += KEY_BYTES
            stored = _u32(data, slot)
        return -1

    def _find_affix(self, h1: i64, h2: i64) -> i64:
        """:meth:`_find` for an ending or an opening, remembered in :attr:`_affixes`.

        Words share them (-tion, -s, pré-), and a search in the file is several reads from
        memory far apart: the memo answers most of them from a few cache lines.
        """
        affixes = self._affixes
        slot: i64 = 2 * (h1 & (_AFFIX_SLOTS - 1))
        key: i64 = (h1 << 30 | h2) + 1  # never 0, which marks an empty slot
        if affixes[slot] == key:
            return affixes[slot + 1]
        found: i64 = self._find(h1, h2)
        affixes[slot] = key
        affixes[slot + 1] = found
        return found

    def _find_key(self, kind: i64, hashes: tuple[i64, i64]) -> i64:
        """:meth:`_find` for a key of `kind` whose text has `hashes` (of :func:`_text_hashes`)."""
        return self._find(_finish(hashes[0], kind, _PRIME1), _finish(hashes[1], kind, _PRIME2))

    def _add_weights(self, table: vec[i32], base: i64, found: i64) -> None:
        """Add the weights stored at `found` (a key's value; none if -1) to `table` from `base`."""
        if found < 0:
            return
        data = self.data
        # Machine integers again (i32 for the weights): ten times faster compiled than Python ints.
        entry: i64 = self.entries_at + found + 1
        count: i64 = data[entry - 1]
        end: i64 = entry + ENTRY_BYTES * count
        while entry < end:
            lane: i64 = data[entry]
            weight: i32 = (i32(read_i16_le(data, entry + 1)) & 0xFFFF) - _BIAS
            table[base + lane] = table[base + lane] + weight
            entry += ENTRY_BYTES

    def _add(self, table: vec[i32], base: int, kind: int, text: str) -> None:
        h1, h2 = key_hashes(kind, text)
        self._add_weights(table, base, self._find(h1, h2))

    def sure_tag(self, word: str) -> int:
        """The tag of `word` (as written) when the dictionary of sure tags has it, else -1."""
        return self._written(word)[1]

    def allowed_tags(self, word: str) -> int:
        """The tags `word` (as written) may take, a bit per tag: those the treebank gave it, or
        every tag for a word it lacks."""
        return self._written(word)[0]

    def _written(self, word: str) -> tuple[i64, i64]:
        """The tag set and the sure tag (-1: none) of `word` as written, from its one key
        (:func:`_written_value`); every tag and none for a word the file lacks."""
        found = self._find_key(WRITTEN, _text_hashes(word))
        if found < 0:
            return EVERY_TAG, -1
        return found & EVERY_TAG, (found >> TAGS) - 1

    def commonness(self, word: str) -> float:
        """How often the treebank uses lowercase `word` as a common noun, per 10,000 words."""
        h1, h2 = key_hashes(COMMON, word)
        count = self._find(h1, h2)
        return 10_000 * count / self.words if count > 0 and self.words else 0.0

    def forget(self) -> None:
        """Drop the records kept for the words seen so far (benchmarks start from nothing)."""
        self._codes.clear()
        self._rows.clear()
        self._table = self._table[: 2 * _RECORD]
        self._affixes = _NO_AFFIXES[:]

    def _forget_if_full(self) -> None:
        if len(self._codes) > self._LIMIT:
            self.forget()

    def _row(self, lower: str, own: bool) -> i64:
        """The record of a lowercase word: what itself, its endings and its opening give it.

        Without `own` (a spelling whose tag is sure), only the keys its neighbours read: the
        rest, which weigh on its own tag alone, come when a spelling that needs them does.
        """
        found: i64 = self._rows.get(lower, -1)
        row: i64
        if found >= 0:
            row = found >> 1
            if own and not found & 1:
                self._add_lexical(row, lower, _LEXICAL_KINDS & ~_CONTEXT_KINDS)
                self._rows[lower] = found | 1
            return row
        table = self._table
        row = len(table)
        self._table = extend(table, self._blank)
        self._add_lexical(row, lower, _LEXICAL_KINDS if own else _CONTEXT_KINDS)
        self._rows[lower] = row << 1 | own
        return row

    def _add_lexical(self, row: i64, lower: str, kinds: i64) -> None:
        """Add to the record at `row` the weights of the keys of `lower` of `kinds` (a bit each).

        All the searches first, then all the additions: a search waits on reads from memory far
        apart, and with nothing between them the processor overlaps the searches' waits.
        """
        found = self._found
        searches: i64 = 0
        # Machine integers (the annotations): compiled, the hashing is plain C arithmetic.
        h1: i64 = _BASIS1
        h2: i64 = _BASIS2
        size: i64 = len(lower)
        letters: i64 = 0
        for letters in range(1, 5):  # the last letter, the last two, three, four
            if letters <= size:
                c: i64 = ord(lower[size - letters])
                h1 = ((h1 ^ c) * _PRIME1) & _MASK
                h2 = ((h2 ^ c) * _PRIME2) & _MASK
            kind = SUFFIX1 + letters - 1
            if kinds >> kind & 1:
                searches = self._search_affix(searches, h1, h2, kind)
        h1, h2 = _BASIS1, _BASIS2
        two: i64 = min(2, size)
        three: i64 = min(3, size)
        i: i64 = 0
        for i in range(size):
            c = ord(lower[i])
            h1 = ((h1 ^ c) * _PRIME1) & _MASK
            h2 = ((h2 ^ c) * _PRIME2) & _MASK
            if i + 1 == two and kinds >> PREFIX2 & 1:
                searches = self._search_affix(searches, h1, h2, PREFIX2)
            if i + 1 == three and kinds >> PREFIX3 & 1:
                searches = self._search_affix(searches, h1, h2, PREFIX3)
        if kinds >> WORD & 1:
            found[searches] = self._find(_finish(h1, WORD, _PRIME1), _finish(h2, WORD, _PRIME2))
            searches += 1
        table = self._table
        search: i64 = 0
        for search in range(searches):
            self._add_weights(table, row, found[search])

    def _search_affix(self, searches: i64, h1: i64, h2: i64, kind: i64) -> i64:
        """Search the affix of `kind` whose hashes, unfinished, are (h1, h2), into `_found`."""
        self._found[searches] = self._find_affix(_finish(h1, kind, _PRIME1), _finish(h2, kind, _PRIME2))
        return searches + 1

    def _code(self, word: str) -> i64:
        code: i64 = self._codes.get(word, -1)
        if code < 0:
            allowed, sure = self._written(word)
            if sure >= 0:  # a sure tag is the tag: the word's own scores and its tag set are never read
                allowed = 1 << sure
            row = self._row(word.lower(), sure < 0)
            code = _word_code(row, word_shape(word), allowed, sure)
            self._codes[word] = code
        return code

    def _fixed_row(self, features: list[str]) -> int:
        """Where the summed weights of named features start in `_fixed`, added there now."""
        fixed = self._fixed
        row = len(fixed)
        for _ in range(TAGS):
            fixed = append(fixed, 0)
        for feature in features:
            self._add(fixed, row, NAMED, feature)
        self._fixed = fixed
        return row

    def _spelling(self, shape: i64, at_start: bool, gap: i64) -> i64:
        key = (2 * shape + at_start) * 2 + gap
        row = self._spellings[key]
        if row < 0:
            features = shape_features(shape, at_start) + gap_features(gap)
            row = self._spellings[key] = self._fixed_row(features)
        return row

    def _context(self, shape_before: i64, previous: i64, before_previous: i64) -> i64:
        key = (shape_before * (TAGS + 1) + previous + 1) * (TAGS + 1) + before_previous + 1
        row = self._contexts[key]
        if row < 0:
            features = tag_features(previous, before_previous)
            if shape_before != _EDGE_SHAPE:
                features.append(context_shape_feature(shape_before))
            row = self._contexts[key] = self._fixed_row(features)
        return row

    def tag(self, words: list[str], gaps: list[int]) -> list[int]:
        """The tag of each word of one sentence; `gaps[i]` is what comes before `words[i]`."""
        self._forget_if_full()
        # Machine integers throughout (the annotations): compiled, no tag check per index.
        size: i64 = len(words)
        codes = vec[i64](capacity=size + 1)
        for word in words:
            codes = append(codes, self._code(word))
        codes = append(codes, self._end)
        table = self._table
        tags: list[int] = []
        previous: i64 = -1
        before_previous: i64 = -1
        before: i64 = self._start
        i: i64 = 0
        tag: i64 = 0
        for i in range(size):
            code = codes[i]
            best = _sure_of(code)
            if best < 0:
                allowed = _allowed_of(code)
                own = _row_of(code)
                given = _row_of(before) + TAGS
                taken = _row_of(codes[i + 1]) + 2 * TAGS
                gap: i64 = gaps[i] if i else GAP_PUNCT
                spelling = self._spelling(_shape_of(code), i == 0, gap)
                context = self._context(_shape_of(before), previous, before_previous)
                fixed = self._fixed
                best_score: i32 = _LOWEST
                for tag in range(TAGS):
                    if not allowed >> tag & 1:
                        continue
                    score = table[own + tag] + table[given + tag] + table[taken + tag]
                    score += fixed[spelling + tag] + fixed[context + tag]
                    if score > best_score:
                        best, best_score = tag, score
            tags.append(best)
            before_previous, previous = previous, best
            before = code
        return tags


def _key_of(feature: str) -> tuple[int, str, int]:
    """Where a training feature's weights go in the file: (kind, text, part)."""
    template, _, text = feature.partition(" ")
    found = _TEMPLATES.get(template)
    if found is None or text in (_START, _END):
        return NAMED, feature, OWN
    return found[0], text, found[1]


def encode_model(
    *,
    lang: str,
    weights: dict[str, dict[int, float]],
    sure_tags: dict[str, int],
    content_stopwords: list[str],
    common_nouns: dict[str, int],
    about: dict[str, object],
    time_words: frozenset[str] = frozenset(),
    allowed_tags: dict[str, int] | None = None,
    first_names: Sequence[str] = (),
    language_names: Sequence[str] = (),
) -> bytes:
    """The weights file: a JSON header line, a hash table of keys, then each key's weights.

    Weights are scaled to 16-bit integers; a key's weights are (lane, weight) pairs, its lane
    being the part (own, given, taken) times the tags plus the tag. A word as written has one
    key for its tag set and sure tag (:func:`_written_value`), a noun one for its count."""
    largest = max((abs(w) for row in weights.values() for w in row.values()), default=1.0)
    scale = 32767 / largest
    keyed: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for feature in sorted(weights):
        kind, text, part = _key_of(feature)
        for tag, weight in sorted(weights[feature].items()):
            units = round(weight * scale)
            if units:  # a zero adds nothing
                keyed.setdefault((kind, text), []).append((part * TAGS + tag, units))
    entries = bytearray()
    values: dict[tuple[int, str], int] = {}
    for key in sorted(keyed):
        values[key] = len(entries)
        pairs = sorted(keyed[key])
        entries.append(len(pairs))
        for lane, units in pairs:
            entries.extend((lane, *(units + _BIAS).to_bytes(2, "little")))
    sets = allowed_tags or {}
    for word in sets.keys() | sure_tags.keys():
        values[WRITTEN, word] = _written_value(sets.get(word, EVERY_TAG), sure_tags.get(word, -1))
    values.update({(COMMON, word): count for word, count in common_nouns.items()})
    placed = sorted((*key_hashes(kind, text), value) for (kind, text), value in values.items())
    if len({(h1, h2 & _CHECK_MASK) for h1, h2, _ in placed}) < len(placed):
        raise ValueError(f"two keys share a hash in the {lang} model")
    if any(value > _VALUE_MASK for _, _, value in placed):
        raise ValueError(f"a value of the {lang} model is past three bytes")
    slots, table = _slot_table(placed)
    header = {
        "format": FORMAT,
        "lang": lang,
        "tags": list(UPOS),
        "scale": scale,
        "slots": slots,
        "table_bytes": len(table),
        "keys": len(placed),
        "entries_bytes": len(entries),
        "content_stopwords": sorted(content_stopwords),
        "time_words": sorted(time_words),
        "first_names": sorted(first_names),
        "language_names": sorted(language_names),
        **about,
    }
    return _header_line(header) + table + bytes(entries)


def _header_line(header: dict[str, object]) -> bytes:
    return json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n"


def with_word_lists(data: bytes, *, first_names: Sequence[str], language_names: Sequence[str]) -> bytes:
    """The weights file `data` with new first names and language names (the weights unchanged)."""
    line_end = data.find(b"\n")
    header = json.loads(data[:line_end])
    header |= {"first_names": sorted(first_names), "language_names": sorted(language_names)}
    return _header_line(header) + data[line_end + 1 :]


def decode_model(data: bytes) -> PosModel:
    """A model over the bytes :func:`encode_model` wrote (kept as they are, not copied)."""
    line_end = data.find(b"\n")
    try:
        header = json.loads(data[:line_end]) if line_end > 0 else {}
    except ValueError:
        header = {}
    if header.get("format") != FORMAT or tuple(header.get("tags", ())) != UPOS:
        raise ValueError(f"unsupported part-of-speech model format {header.get('format')}")
    slots, table_bytes = int(header["slots"]), int(header["table_bytes"])
    entries_at = line_end + 1 + table_bytes
    if (
        slots < 1
        or table_bytes % KEY_BYTES
        or len(data) != entries_at + int(header["entries_bytes"])
        or data[entries_at - KEY_BYTES : entries_at] != _EMPTY_SLOT
    ):  # without the empty slot at its end, a search could run past the table
        raise ValueError("truncated part-of-speech model")
    return PosModel(
        lang=str(header["lang"]),
        data=data,
        table_at=line_end + 1,
        slots=slots,
        entries_at=entries_at,
        words=int(header.get("words", 0)),
        content_stopwords=frozenset(header["content_stopwords"]),
        time_words=frozenset(header.get("time_words", ())),
        first_names=frozenset(header.get("first_names", ())),
        language_names=frozenset(header.get("language_names", ())),
    )


#: Where the trained files ship, looked up once: a language's file is read on its first article.
MODELS: Final[Traversable] = resources.files("bot.hashtags").joinpath("models")


def model_resource(lang: str) -> Traversable:
    return MODELS.joinpath(f"{lang}.pos")


@cache
def load_model(lang: str | None) -> PosModel | None:
    """The shipped model of `lang`, read on first use; None for a language without one."""
    if lang not in TAGGED_LANGUAGES:
        return None
    try:  # one system call fewer than asking first: a start-up is a handful of them
        data = model_resource(lang).read_bytes()
    except FileNotFoundError:
        return None
    return decode_model(data)
