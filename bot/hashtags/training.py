"""Train the part-of-speech models shipped in ``bot/hashtags/models/``, and measure them.

Run from the repository root (about two minutes on one core)::

    python -m bot.hashtags.training --treebanks ../shared/data/treebanks

It reads the Universal Dependencies treebanks (CoNLL-U, gzipped), trains an averaged perceptron
per language on the train split (on dev where a treebank has no train split here), writes
``models/<lang>.pos``, and prints token accuracy on each test split beside the most-frequent-tag
baseline. Training is deterministic: the same treebanks give the same weights.

The tagger sees words as the tag engine does (:func:`bot.hashtags.candidates.split_words`):
punctuation is a gap between words, an elided article is part of its word (``l'Ukraine`` is
tagged as ``Ukraine``), a possessive ``'s`` is dropped. Each such word takes the tag of the
treebank token that carries its meaning. Not imported at run time.
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import stopwordsiso

from bot.hashtags.candidates import split_words
from bot.hashtags.first_names import name_key
from bot.hashtags.language import time_words
from bot.hashtags.tagger import (
    ADJ,
    GAP_PUNCT,
    NOUN,
    PROPN,
    PUNCT,
    UPOS,
    PosModel,
    after_features,
    before_features,
    decode_model,
    encode_model,
    gap_features,
    own_features,
    tag_features,
    with_word_lists,
)

MODELS = Path(__file__).with_name("models")
NAME_OPENINGS = 2  # times, with as many surnames, a word opens people's names to be a first name
NAME_SHARE = 0.25  # of its uses as a proper noun
#: A word whose names go on with a first name more often than this opens places: San Francisco,
#: San José, Santa Maria (a person's surname is seldom a first name).
SAINT_SHARE = 2 / 3
ITERATIONS = 8
SURE_COUNT, SURE_SHARE = 20, 0.97  # a word seen this often with one tag this often skips the model
#: At run time the dictionary holds rarer words too (seen 5 times or more): they are right more
#: often than the model (+0.0 to +0.1 points on every test split) and skip its sums. Training
#: leaves only the frequent ones out, so that the model learns the rest.
SHIPPED_SURE_COUNT = 5
COMMON_COUNT = 3  # nouns seen less often than this count as rare
PRUNE = 0.02  # averaged weights smaller than this share of the largest are dropped: a smaller file
TREEBANKS = {
    "en": "en_ewt",
    "fr": "fr_gsd",
    "de": "de_gsd",
    "es": "es_gsd",
    "pt": "pt_bosque",
    "nl": "nl_alpino",
}
NAMES = {
    "en": "UD English-EWT",
    "fr": "UD French-GSD",
    "de": "UD German-GSD",
    "es": "UD Spanish-GSD",
    "pt": "UD Portuguese-Bosque",
    "nl": "UD Dutch-Alpino",
}
_TAG = {name: index for index, name in enumerate(UPOS)}


@dataclass(frozen=True, slots=True)
class Sentence:
    """A treebank sentence as the tag engine splits it: words, the gap before each, gold tags."""

    words: list[str]
    gaps: list[int]
    tags: list[int]
    #: The treebank's own tokens and tags, for the baseline as the treebank's README measures it.
    tokens: list[tuple[str, int]]


def read_conllu(path: Path) -> Iterator[Sentence]:
    """Every sentence of a gzipped CoNLL-U file, in the engine's view of words."""
    return map(_sentence, conllu_rows(path))


def conllu_rows(path: Path) -> Iterator[list[list[str]]]:
    """Every sentence of a gzipped CoNLL-U file, as its rows of fields."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        block: list[list[str]] = []
        for line in lines:
            line = line.rstrip("\n")
            if not line:
                if block:
                    yield block
                block = []
            elif not line.startswith("#"):
                block.append(line.split("\t"))
        if block:
            yield block


def _sentence(rows: list[list[str]]) -> Sentence:
    """Rebuild the sentence's text from its tokens, then split it as the engine does."""
    text, spans, tokens = "", [], []
    inside_until = 0  # last word id of the multiword token being read (du = de + le)
    for row in rows:
        ident, form, upos, misc = row[0], row[1], row[3], row[9]
        if "." in ident:
            continue  # an empty node: no text
        if "-" in ident:
            first, last = ident.split("-")
            inside_until = int(last)
            tag = _TAG[_first_word_tag(rows, first)]
        elif int(ident) <= inside_until:
            tokens.append((form, _TAG[upos]))
            continue  # the text is the multiword token's
        else:
            tag = _TAG[upos]
            tokens.append((form, tag))
        start = len(text)
        text += form
        spans.append((start, len(text), tag, form))
        if "SpaceAfter=No" not in misc:
            text += " "
    words, gaps, tags = [], [], []
    for start, end, word, gap in split_words(text):
        inside = [span for span in spans if span[0] < end and span[1] > start and span[2] != PUNCT]
        if not inside:
            continue
        words.append(word)
        gaps.append(gap)
        tags.append(_meaning_tag(inside))
    return Sentence(words, gaps, tags, tokens)


def _first_word_tag(rows: list[list[str]], ident: str) -> str:
    return next(row[3] for row in rows if row[0] == ident)


def _meaning_tag(spans: list[tuple[int, int, int, str]]) -> int:
    """The tag of the token that carries a word's meaning: not an elided article, not a clitic.

    ``l'`` + ``Ukraine`` is PROPN, ``do`` + ``n't`` is AUX, ``John`` + ``'s`` is PROPN.
    """
    while len(spans) > 1 and spans[0][3].endswith(("'", "’")):
        spans = spans[1:]
    while len(spans) > 1 and (spans[-1][3][:1] in "'’" or spans[-1][3].lower() == "n't"):
        spans = spans[:-1]
    return spans[-1][2]


def sentence_features(sentence: Sentence, i: int) -> list[str]:
    """Every feature of word `i` that does not depend on the tags before it."""
    words = sentence.words
    before = words[i - 1] if i else "<s>"
    after = words[i + 1] if i + 1 < len(words) else "</s>"
    gap = sentence.gaps[i] if i else GAP_PUNCT
    return [
        *own_features(words[i], i == 0),
        *before_features(before),
        *after_features(after),
        *gap_features(gap),
    ]


class AveragedPerceptron:
    """Weights by feature and tag, averaged over every training step (Collins 2002)."""

    def __init__(self) -> None:
        self.weights: dict[str, dict[int, float]] = defaultdict(dict)
        self._totals: dict[tuple[str, int], float] = defaultdict(float)
        self._stamps: dict[tuple[str, int], int] = defaultdict(int)
        self._step = 0

    def predict(self, features: list[str]) -> int:
        scores = [0.0] * len(UPOS)
        for feature in features:
            row = self.weights.get(feature)
            if row:
                for tag, weight in row.items():
                    scores[tag] += weight
        return max(range(len(UPOS)), key=scores.__getitem__)

    def update(self, truth: int, guess: int, features: list[str]) -> None:
        self._step += 1
        if truth == guess:
            return
        for feature in features:
            row = self.weights[feature]
            for tag, change in ((truth, 1.0), (guess, -1.0)):
                key = (feature, tag)
                weight = row.get(tag, 0.0)
                self._totals[key] += (self._step - self._stamps[key]) * weight
                self._stamps[key] = self._step
                row[tag] = weight + change

    def averaged(self, prune: float) -> dict[str, dict[int, float]]:
        """The averaged weights, without those too small to change a decision."""
        averaged: dict[str, dict[int, float]] = {}
        for feature, row in self.weights.items():
            for tag, weight in row.items():
                key = (feature, tag)
                total = self._totals[key] + (self._step - self._stamps[key]) * weight
                averaged.setdefault(feature, {})[tag] = total / self._step
        largest = max(abs(w) for row in averaged.values() for w in row.values())
        kept = {
            feature: {tag: w for tag, w in row.items() if abs(w) >= prune * largest}
            for feature, row in averaged.items()
        }
        return {feature: row for feature, row in kept.items() if row}


def tag_sets(sentences: list[Sentence]) -> dict[str, int]:
    """Every word of the treebank (as written) → the tags the treebank gives it, a bit per tag.

    When tagging, a word the treebank has chooses among these only (a dictionary of tags, as in
    Ratnaparkhi 1996): +0.3 to +1.0 points on every test split. A word it uses as an adjective
    may also be a noun: news nominalize adjectives the small treebanks saw only as such (le
    nucléaire, les Verts). Training leaves the model free, so that it still learns to tag the
    words the treebank lacks."""
    sets: dict[str, int] = {}
    for sentence in sentences:
        for word, tag in zip(sentence.words, sentence.tags, strict=True):
            sets[word] = sets.get(word, 0) | 1 << tag
    return {word: tags | 1 << NOUN if tags >> ADJ & 1 else tags for word, tags in sets.items()}


def sure_tags(sentences: list[Sentence], count: int = SURE_COUNT) -> dict[str, int]:
    """Words seen `count` times or more, and nearly always with one tag: they skip the model."""
    seen: dict[str, Counter[int]] = defaultdict(Counter)
    for sentence in sentences:
        for word, tag in zip(sentence.words, sentence.tags, strict=True):
            seen[word][tag] += 1
    sure = {}
    for word, tags in seen.items():
        tag, most = tags.most_common(1)[0]
        total = sum(tags.values())
        if total >= count and most / total >= SURE_SHARE:
            sure[word] = tag
    return sure


def content_stopwords(lang: str, sentences: list[Sentence]) -> list[str]:
    """Words of the stopword list that the treebank uses mostly as nouns: world, group, estado."""
    seen: dict[str, Counter[int]] = defaultdict(Counter)
    for sentence in sentences:
        for word, tag in zip(sentence.words, sentence.tags, strict=True):
            seen[word.lower()][tag] += 1
    nouns = []
    for word in stopwordsiso.stopwords(lang):
        tags = seen.get(word)
        # Common nouns only, seen a few times: not the letters and codes (b, ad, de) that the
        # treebank writes as names.
        if len(word) > 2 and tags and tags.total() >= COMMON_COUNT and tags[NOUN] > tags.total() / 2:
            nouns.append(word)
    return sorted(nouns)


def common_nouns(sentences: list[Sentence]) -> tuple[dict[str, int], int]:
    """How often the treebank uses each of its frequent common nouns, and how many words it has.

    Everyday nouns (year, city, people) make poor tags on their own; the ranker weighs a
    single word by how common it is in general, as an editor would.
    """
    seen: dict[str, Counter[int]] = defaultdict(Counter)
    total = 0
    for sentence in sentences:
        total += len(sentence.words)
        for word, tag in zip(sentence.words, sentence.tags, strict=True):
            seen[word.lower()][tag] += 1
    nouns = {}
    for word, tags in seen.items():
        count = sum(tags.values())
        if count >= COMMON_COUNT and tags.most_common(1)[0][0] == NOUN:
            nouns[word] = count
    return dict(sorted(nouns.items())), total


def train(sentences: list[Sentence], iterations: int = ITERATIONS) -> AveragedPerceptron:
    """An averaged perceptron over the sentences, tagging greedily left to right."""
    model = AveragedPerceptron()
    sure = sure_tags(sentences)
    static = [[sentence_features(s, i) for i in range(len(s.words))] for s in sentences]
    order = list(range(len(sentences)))
    shuffle = random.Random(0).shuffle
    for _ in range(iterations):
        for index in order:
            sentence, features = sentences[index], static[index]
            previous, before_previous = -1, -1
            for i, truth in enumerate(sentence.tags):
                guess = sure.get(sentence.words[i], -1)
                if guess < 0:
                    every = features[i] + tag_features(previous, before_previous)
                    guess = model.predict(every)
                    model.update(truth, guess, every)
                before_previous, previous = previous, guess
        shuffle(order)
    return model


def accuracy(model: PosModel, sentences: list[Sentence]) -> float:
    """Share of words the shipped model tags as the treebank does (the engine's view of words)."""
    right = total = 0
    for sentence in sentences:
        guessed = model.tag(sentence.words, sentence.gaps)
        right += sum(g == t for g, t in zip(guessed, sentence.tags, strict=True))
        total += len(sentence.tags)
    return right / total if total else 0.0


def baseline_accuracy(train_on: list[Sentence], test_on: list[Sentence], *, tokens: bool) -> float:
    """Most-frequent-tag baseline: each word's commonest tag, unknown words NOUN or PROPN by case.

    With `tokens`, on the treebank's own tokens (punctuation included), as its README measures it.
    """

    def pairs(sentence: Sentence) -> list[tuple[str, int]]:
        return sentence.tokens if tokens else list(zip(sentence.words, sentence.tags, strict=True))

    seen: dict[str, Counter[int]] = defaultdict(Counter)
    for sentence in train_on:
        for word, tag in pairs(sentence):
            seen[word][tag] += 1
    right = total = 0
    for sentence in test_on:
        for word, tag in pairs(sentence):
            tags = seen.get(word)
            guess = tags.most_common(1)[0][0] if tags else (PROPN if word[:1].isupper() else NOUN)
            right += guess == tag
            total += 1
    return right / total if total else 0.0


@dataclass(frozen=True, slots=True)
class NameEvidence:
    """How the treebanks use the words that open people's names (keys as :func:`name_key` writes)."""

    #: Word → the surnames it opens a name with, one per opening: "Claude" → guéant, érignac…
    surnames: dict[str, list[str]]
    #: Word → its uses as a proper noun, in all the treebanks.
    proper: Counter[str]
    #: Language → word → its uses written in lowercase (a common word there: mark, bill, ben).
    lowercase: dict[str, Counter[str]]


def name_evidence(treebanks: dict[str, list[list[list[str]]]]) -> NameEvidence:
    """What all the treebanks (language → sentences as CoNLL-U rows) tell of first names.

    A person's name is a proper noun followed by its ``flat`` (``flat:name``) dependents, all
    proper nouns (Claude Guéant, Mary Jo Foley); its first word opens it, its last is the
    surname. A run whose last word the treebanks also write in lowercase is an institution
    (Conselho Nacional, Europese Unie), not a person. Names cross languages in the news, so the
    evidence is pooled; only what a language writes in lowercase is its own.
    """
    openings: list[tuple[str, str]] = []
    proper: Counter[str] = Counter()
    lowercase: dict[str, Counter[str]] = {}
    for lang, sentences in treebanks.items():
        lower = lowercase.setdefault(lang, Counter())
        for rows in sentences:
            words = [row for row in rows if row[0].isdigit()]
            flats: dict[str, list[list[str]]] = defaultdict(list)
            for row in words:
                if row[7].split(":")[0] == "flat":
                    flats[row[6]].append(row)
            for row in words:
                form, key = row[1], name_key(row[1])
                if row[3] == "PROPN":
                    proper[key] += 1
                elif form[:1].islower():
                    lower[key] += 1
                named = flats.get(row[0])
                if (
                    named
                    and row[3] == "PROPN"
                    and form[:1].isupper()
                    and not form.isupper()
                    and int(named[0][0]) == int(row[0]) + 1
                    and all(part[3] == "PROPN" for part in named)
                ):
                    openings.append((key, name_key(named[-1][1])))
    written_lower: Counter[str] = sum(lowercase.values(), Counter())
    surnames: dict[str, list[str]] = defaultdict(list)
    for key, surname in openings:
        if not written_lower[surname]:
            surnames[key].append(surname)
    return NameEvidence(dict(surnames), proper, lowercase)


def first_names(evidence: NameEvidence, lang: str) -> list[str]:
    """The words that open people's names, for `lang`: sorted keys.

    A first name opens names :data:`NAME_OPENINGS` times or more, with as many surnames, in at
    least :data:`NAME_SHARE` of its uses as a proper noun (Paris opens "Paris Hilton" once in
    65), not mostly before other first names (:data:`SAINT_SHARE`), and `lang` never writes it in
    lowercase, nor the others as often (il, bureau, super).
    """
    lower = evidence.lowercase.get(lang, Counter())
    written_lower = sum(evidence.lowercase.values(), Counter())
    return sorted(
        key
        for key, surnames in evidence.surnames.items()
        if len(surnames) >= NAME_OPENINGS
        and len(set(surnames)) >= NAME_OPENINGS
        and len(surnames) >= NAME_SHARE * evidence.proper[key]
        and not lower[key]
        and written_lower[key] < len(surnames)
        and sum(surname in evidence.surnames for surname in surnames) <= SAINT_SHARE * len(surnames)
    )


def treebank_split(folder: Path, lang: str, split: str) -> list[Sentence]:
    path = folder / f"{TREEBANKS[lang]}-ud-{split}.conllu.gz"
    return list(read_conllu(path)) if path.exists() else []


def every_first_name(folder: Path, languages: Sequence[str]) -> dict[str, list[str]]:
    """The first names of each of `languages`, from every split of every treebank in `folder`
    (a lexicon, not a model: no split is held out)."""
    treebanks = {
        lang: [rows for split in ("train", "dev", "test") for rows in _split_rows(folder, lang, split)]
        for lang in TREEBANKS
    }
    evidence = name_evidence(treebanks)
    return {lang: first_names(evidence, lang) for lang in languages}


def language_names(lang: str) -> list[str]:
    """The names the CLDR gives in `lang` to the languages with a two-letter code, as written
    there, sorted: those of one word, less those that also name a country (see
    :mod:`bot.hashtags.glottonyms`)."""
    from babel import Locale

    locale = Locale.parse(lang)
    places = {place.casefold() for place in locale.territories.values()}
    return sorted(
        {
            name
            for code, name in locale.languages.items()
            if len(code) == 2 and " " not in name and "-" not in name and name.casefold() not in places
        }
    )


def _split_rows(folder: Path, lang: str, split: str) -> Iterator[list[list[str]]]:
    path = folder / f"{TREEBANKS[lang]}-ud-{split}.conllu.gz"
    return conllu_rows(path) if path.exists() else iter(())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--treebanks", type=Path, required=True, help="folder of *-ud-*.conllu.gz files")
    parser.add_argument("--out", type=Path, default=MODELS, help="where to write <lang>.pos")
    parser.add_argument("--iterations", type=int, default=ITERATIONS)
    parser.add_argument(
        "--names-only",
        action="store_true",
        help="only renew the first names and language names in the models already in --out",
    )
    parser.add_argument("languages", nargs="*", default=list(TREEBANKS), help="default: all six")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    names = every_first_name(args.treebanks, args.languages)
    print("First names:", ", ".join(f"{lang} {len(words)}" for lang, words in names.items()))
    if args.names_only:
        return _renew_word_lists(args.out, names)
    print("| language | treebank (trained on) | words tested | most frequent tag | hashbot tagger |")
    print("|---|---|---:|---:|---:|")
    for lang in args.languages:
        train_split = "train" if treebank_split(args.treebanks, lang, "train") else "dev"
        training = treebank_split(args.treebanks, lang, train_split)
        testing = treebank_split(args.treebanks, lang, "test")
        if not training or not testing:
            print(f"{lang}: no treebank in {args.treebanks}", file=sys.stderr)
            return 1
        weights = train(training, args.iterations).averaged(PRUNE)
        nouns, words_trained = common_nouns(training)
        data = encode_model(
            lang=lang,
            weights=weights,
            sure_tags=sure_tags(training, SHIPPED_SURE_COUNT),
            content_stopwords=content_stopwords(lang, training),
            common_nouns=nouns,
            time_words=time_words(lang),
            allowed_tags=tag_sets(training),
            first_names=names[lang],
            language_names=language_names(lang),
            about={
                "treebank": NAMES[lang],
                "trained_on": train_split,
                "words": words_trained,
                "licence": "CC BY-SA 4.0",
            },
        )
        (args.out / f"{lang}.pos").write_bytes(data)
        model = decode_model(data)
        words = sum(len(s.words) for s in testing)
        ours = accuracy(model, testing)
        base = baseline_accuracy(training, testing, tokens=False)
        base_tokens = baseline_accuracy(training, testing, tokens=True)
        print(
            f"| {lang} | {NAMES[lang]} ({train_split}) | {words:,} | {100 * base:.1f}% "
            f"({100 * base_tokens:.1f}% on all tokens) | {100 * ours:.1f}% |",
            flush=True,
        )
    return 0


def _renew_word_lists(folder: Path, names: dict[str, list[str]]) -> int:
    """Rewrite the word lists of the models in `folder`, keeping their weights: seconds, where
    training takes minutes."""
    missing = [lang for lang in names if not (folder / f"{lang}.pos").is_file()]
    if missing:  # before writing any: a language renewed and the next not would mislead
        print(f"no model of {', '.join(missing)} in {folder} to renew (train it first)", file=sys.stderr)
        return 1
    for lang, first in names.items():
        path = folder / f"{lang}.pos"
        path.write_bytes(
            with_word_lists(path.read_bytes(), first_names=first, language_names=language_names(lang))
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
