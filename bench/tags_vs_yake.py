"""Benchmark hashbot's hashtags against YAKE on human keyphrases, side by side in one run.

Usage (from the repository root, after ``pip install -e '.[bench]'``)::

    python bench/tags_vs_yake.py                 # every shared/data/keyphrases/*.dev.jsonl found
    python bench/tags_vs_yake.py FILE.jsonl ...  # given keyphrase files

Each line of a keyphrase file is ``{"id", "lang", "title", "text", "keyphrases": [...]}``. Both
systems read ``title + ". " + text`` (hashbot as an Article with that title and text) in the
document's language. The metric is the one in shared/data/README.md: predictions and gold phrases
are reduced to hashtag keys (CamelCase split, lowercased, unidecoded, only ``[a-z0-9]`` kept); the
first k distinct predictions are kept; P@k, R@k and F1@k are macro-averaged over documents.

Speed is documents per second over the whole file, in this one process, after one warm-up
document each (imports excluded): ``docs/s`` is the best of ``--repeat`` passes with the language
data loaded (each hashbot pass forgets its memo of words), ``with start-up`` one pass that starts
without any language data, so it loads hashbot's stopwords, month names, first names and part-of-speech
model (or an older engine's lemma dictionaries), and builds YAKE's extractors, afresh. With ``--cold
N`` each system makes N such passes and the median counts: one pass swings widely on a shared
machine. Times are the
process's CPU time, not the wall clock: on a shared machine other work would skew the ratio.

With ``--vocabulary N``, hashbot also tags every document in a channel vocabulary of N tags: the
tags hashbot gives the file's documents themselves (so most candidates meet a tag the channel
knows, the costly case), their surnames, full names and acronyms, and made-up two-word tags up
to N. Passes without and with it then run in turns, ``--repeat`` pairs, each pair in the other
order than the last (a machine whose load changes mid-run slows both of a pair alike); the last
row gives the min and the median of the pairs' time ratios, and hashbot's row its best pass
among those turns.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from unidecode import unidecode

from bot.hashtags import TagOptions, candidates, extract_tags
from bot.hashtags.vocabulary import Vocabulary, tag_words
from bot.models import Article, TagUse

REPO = Path(__file__).resolve().parents[1]
KS = (5, 10)

Extractor = Callable[[dict[str, str]], list[str]]


def hashtag_key(phrase: str) -> str:
    """The metric's normal form: `#GrandeBretagne` and `grande-bretagne` both give `grandebretagne`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", phrase.lstrip("#"))
    return re.sub(r"[^a-z0-9]", "", unidecode(spaced.lower()))


def scores_at(predicted: Sequence[str], gold: Sequence[str], k: int) -> tuple[float, float, float]:
    """(precision, recall, F1) of the first `k` distinct predictions against the gold phrases."""
    truth = {key for key in map(hashtag_key, gold) if key}
    kept: list[str] = []
    for key in map(hashtag_key, predicted):
        if key and key not in kept:
            kept.append(key)
        if len(kept) == k:
            break
    hits = len(truth.intersection(kept))
    precision = hits / len(kept) if kept else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def model_input(doc: dict[str, str]) -> str:
    return f"{doc['title']}. {doc['text']}" if doc.get("title") else doc["text"]


def hashbot_extractor(vocabulary: Vocabulary | None = None) -> Extractor:
    options = TagOptions(limit=max(KS))

    def run(doc: dict[str, str]) -> list[str]:
        article = Article(title=doc.get("title"), text=doc["text"], lang=doc.get("lang"))
        return [tag.hashtag for tag in extract_tags(article, options, vocabulary=vocabulary)]

    return run


def channel_vocabulary(docs: list[dict], size: int) -> Vocabulary:
    """A vocabulary of `size` tags that the documents' candidates often meet (see the docstring)."""
    extract = hashbot_extractor()
    names: dict[str, int] = {}
    for number, doc in enumerate(docs):
        for tag in extract(doc):
            names[tag.lstrip("#")] = names.get(tag.lstrip("#"), 0) + 1 + number % 7
    for name in list(names):
        words = tag_words(name)
        variants = [words[-1], "".join(word[0] for word in words).upper()] if len(words) > 1 else []
        variants.append(f"Jean{name}")  # a full name for every single word: the surname index
        for variant in variants:
            names.setdefault(variant, 1)
    words = sorted({word for name in names for word in tag_words(name) if word.isalpha()})
    pairs = (f"{first}{second}" for first in words for second in reversed(words) if first != second)
    for step, pair in enumerate(pairs):
        if len(names) >= size:
            break
        names.setdefault(pair, 1 + step % 5)
    return Vocabulary(TagUse(name, uses) for name, uses in list(names.items())[:size])


#: What hashbot loads or learns per language, as (module, cached function); engines of other
#: versions lack some of them (the first names and language names had files of their own before
#: they rode in the model), so that the same bench measures a tree before a change and after.
_LANGUAGE_CACHES = (
    ("candidates", "_lexicon"),
    ("tagger", "load_model"),
    ("language", "_language_data"),
    ("language", "stopwords"),
    ("language", "time_words"),
    ("language", "_lemmas"),
    ("first_names", "load_first_names"),
    ("glottonyms", "load_language_names"),
)


def forget_hashbot_memo() -> None:
    """Drop what hashbot remembers of the words it has seen (its lexicon and tagger vectors)."""
    candidates._lexicon.cache_clear()
    load_model = getattr(importlib.import_module("bot.hashtags.language"), "load_model", None)
    for lang in ("en", "fr", "de", "es", "pt", "nl") if load_model else ():
        model = load_model(lang)
        if model is not None:
            model.forget()


def forget_hashbot() -> None:
    """Drop everything hashbot loads or learns per language: the next document starts it up."""
    for module_name, name in _LANGUAGE_CACHES:
        try:
            module = importlib.import_module(f"bot.hashtags.{module_name}")
        except ImportError:
            continue
        cached = getattr(module, name, None)
        if cached is not None:
            cached.cache_clear()
    # An older engine read lemma dictionaries through simplemma, which keeps them in its own cache.
    dictionaries = getattr(importlib.import_module("bot.hashtags.language"), "_lemma_dictionaries", None)
    if dictionaries is not None:
        dictionaries._get_dictionary.cache_clear()


def yake_extractor() -> tuple[Extractor, Callable[[], None]]:
    """YAKE, and how to make it start afresh (build its extractors, read its stopwords, again)."""
    import yake  # the bench extra; imported here so --help works without it

    extractors: dict[str, yake.KeywordExtractor] = {}

    def run(doc: dict[str, str]) -> list[str]:
        lang = doc.get("lang") or "en"
        if lang not in extractors:
            extractors[lang] = yake.KeywordExtractor(lan=lang, n=3, top=20)
        return [phrase for phrase, _ in extractors[lang].extract_keywords(model_input(doc))]

    return run, extractors.clear


@dataclass(frozen=True, slots=True)
class Result:
    system: str
    #: k → (P, R, F1), macro-averaged, in percent.
    at: dict[int, tuple[float, float, float]]
    docs_per_second: float
    #: The same over one pass that starts without any language data loaded.
    with_start_up: float
    #: CPU seconds of each timed pass.
    passes: tuple[float, ...] = ()


def timed_pass(extract: Extractor, docs: list[dict], forget_memo: Callable[[], None]) -> tuple[float, list]:
    """One pass over `docs` from a forgotten memo: its CPU seconds and its predictions."""
    forget_memo()
    started = time.process_time()
    predictions = [extract(doc) for doc in docs]
    return time.process_time() - started, predictions


def evaluate(
    system: str,
    extract: Extractor,
    docs: list[dict],
    repeat: int,
    *,
    forget_memo: Callable[[], None] = lambda: None,
    forget_all: Callable[[], None] = lambda: None,
    cold_passes: int = 1,
) -> Result:
    """Score one system; time `cold_passes` passes from a cold start (their median counts), then
    the best of `repeat` warm ones."""
    extract(docs[0])  # warm-up: imports inside the extractor happen once per process
    colds = []
    for _ in range(cold_passes):
        cold, predictions = timed_pass(extract, docs, forget_all)
        colds.append(cold)
    passes = [timed_pass(extract, docs, forget_memo)[0] for _ in range(repeat)]
    return _result(system, docs, predictions, passes, statistics.median(colds))


def _result(system: str, docs: list[dict], predictions: list, passes: list[float], cold: float) -> Result:
    at = {}
    for k in KS:
        rows = [scores_at(p, doc["keyphrases"], k) for p, doc in zip(predictions, docs, strict=True)]
        at[k] = tuple(100 * sum(column) / len(rows) for column in zip(*rows, strict=True))
    return Result(system, at, len(docs) / min(passes), len(docs) / cold, tuple(passes))


def paired(
    without: Extractor, within: Extractor, docs: list[dict], repeat: int, forget_memo: Callable[[], None]
) -> tuple[list[float], list[float], list]:
    """Passes without and with a vocabulary in turns, each pair in the other order than the last
    (AB BA AB…): a machine that slows down mid-run slows both of a pair alike, and neither is
    always second, so each pair's ratio holds where the best of two blocks would not."""
    apart: list[float] = []
    within_passes: list[float] = []
    predictions: list = []
    for turn in range(repeat):
        if turn % 2:
            seconds, predictions = timed_pass(within, docs, forget_memo)
            apart.append(timed_pass(without, docs, forget_memo)[0])
        else:
            apart.append(timed_pass(without, docs, forget_memo)[0])
            seconds, predictions = timed_pass(within, docs, forget_memo)
        within_passes.append(seconds)
    return apart, within_passes, predictions


def default_files() -> list[Path]:
    """The dev keyphrase files in the nearest `shared/data/keyphrases/` above the repository."""
    for folder in (REPO, *REPO.parents):
        found = sorted((folder / "shared" / "data" / "keyphrases").glob("*.dev.jsonl"))
        if found:
            return found
    return []


def table(file: Path, docs: int, ours: Result, baseline: Result, extra: Result | None = None) -> str:
    header = "| file | system | P@5 | R@5 | F1@5 | P@10 | R@10 | F1@10 | docs/s | with start-up |"
    lines = [header, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for result in (baseline, ours):
        cells = [f"{value:.1f}" for k in KS for value in result.at[k]]
        cells += [f"{result.docs_per_second:,.0f}", f"{result.with_start_up:,.0f}"]
        lines.append(f"| {file.name} ({docs}) | {result.system} | {' | '.join(cells)} |")
    ratios = [
        f"{ours.at[k][i] / baseline.at[k][i]:.2f}×" if baseline.at[k][i] else "–"
        for k in KS
        for i in range(3)
    ]
    speed = ours.docs_per_second / baseline.docs_per_second
    cold = ours.with_start_up / baseline.with_start_up
    lines.append(f"| | hashbot ÷ YAKE | {' | '.join(ratios)} | {speed:.0f}× | {cold:.0f}× |")
    if extra is not None:
        cells = [f"{value:.1f}" for k in KS for value in extra.at[k]]
        cells += [f"{extra.docs_per_second:,.0f}", "–"]
        lines.append(f"| | {extra.system} | {' | '.join(cells)} |")
        # Each pass with the vocabulary against the pass without it just before, in turns.
        ratios_in_turn = [within / apart - 1 for apart, within in zip(ours.passes, extra.passes, strict=True)]
        spread = f"min {min(ratios_in_turn):+.1%}, median {statistics.median(ratios_in_turn):+.1%}"
        blank = " | ".join("" for _ in ratios)
        lines.append(
            f"| | time with vocabulary ÷ without, {len(ratios_in_turn)} pairs | {blank} | {spread} | |"
        )
    return "\n".join(lines)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def lead(text: str, sentences: int) -> str:
    """The first `sentences` sentences of `text`: what a feed item's teaser often holds."""
    return " ".join(_SENTENCE_END.split(text.strip())[:sentences])


def engine_build() -> str:
    """Whether the installed engine was compiled by mypyc (see setup.py) or runs as Python."""
    return "mypyc" if not candidates.__file__.endswith(".py") else "Python"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "files", nargs="*", type=Path, help="keyphrase JSON-lines files (default: the dev files)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per system; the best counts")
    parser.add_argument(
        "--lead",
        type=int,
        metavar="N",
        help="keep only the first N sentences of each text, as a feed's teaser gives (gold unchanged)",
    )
    parser.add_argument(
        "--cold",
        type=int,
        default=1,
        metavar="N",
        help="time N passes from a cold start per system; the median is 'with start-up' (default 1)",
    )
    parser.add_argument(
        "--vocabulary",
        type=int,
        metavar="N",
        help="also time hashbot tagging in a channel vocabulary of N tags (see above)",
    )
    args = parser.parse_args(argv)
    files = args.files or default_files()
    if not files:
        parser.error("no keyphrase files given or found under shared/data/keyphrases/")
    ours, (baseline, forget_yake) = hashbot_extractor(), yake_extractor()
    for file in files:
        docs = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
        if args.lead:
            docs = [{**doc, "text": lead(doc["text"], args.lead)} for doc in docs]
        yake_result = evaluate(
            "YAKE 0.7.3 (n=3, top 20)",
            baseline,
            docs,
            args.repeat,
            forget_all=forget_yake,
            cold_passes=args.cold,
        )
        # hashbot remembers what each distinct word is; every timed pass starts without that
        # memory, so no pass profits from having seen the same documents before.
        hashbot_result = evaluate(
            f"hashbot ({engine_build()})",
            ours,
            docs,
            args.repeat,
            forget_memo=forget_hashbot_memo,
            forget_all=forget_hashbot,
            cold_passes=args.cold,
        )
        with_vocabulary = None
        if args.vocabulary:
            vocabulary = channel_vocabulary(docs, args.vocabulary)
            within = hashbot_extractor(vocabulary)
            within(docs[0])
            apart, passes, predictions = paired(ours, within, docs, args.repeat, forget_hashbot_memo)
            name = f"hashbot, vocabulary of {len(vocabulary):,}"
            with_vocabulary = _result(name, docs, predictions, passes, cold=max(passes))
            hashbot_result = replace(
                hashbot_result, docs_per_second=len(docs) / min(apart), passes=tuple(apart)
            )
        print(table(file, len(docs), hashbot_result, yake_result, with_vocabulary))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
