"""Benchmark language detection on our own headlines: hashbot against the stopword guess it replaced.

Usage (from the repository root; py3langid, in the ``bench`` extra, is measured when installed)::

    python bench/language.py [--words N] [--repeat R]

Reads ``tests/hashtags/fixtures/headlines.tsv`` (three headlines in each of 18 languages, written
for this project) and prints a Markdown table: per language, how many headlines each detector
names right, whole and cut to their first ``--words`` words (a teaser's opening); then the totals
for the seven languages the stopword guess knows and for the others, and microseconds per call
(best of ``--repeat`` passes over the file, after a warm-up pass that loads the models).
"""

from __future__ import annotations

import argparse
import csv
import time
from collections.abc import Callable
from pathlib import Path

from bot.hashtags.language import DETECTABLE, detect_language, guess_by_stopwords

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "hashtags" / "fixtures" / "headlines.tsv"

Detector = Callable[[str], str | None]


def detectors() -> dict[str, Detector]:
    """The baseline first, then hashbot, then py3langid when it is installed."""
    found: dict[str, Detector] = {"stopwords (before)": guess_by_stopwords, "hashbot": detect_language}
    try:
        import py3langid
    except ImportError:
        return found
    found["py3langid"] = lambda text: str(py3langid.classify(text)[0])
    return found


def microseconds_per_call(detect: Detector, texts: list[str], repeat: int) -> float:
    for text in texts:
        detect(text)
    best = min(_timed(detect, texts) for _ in range(repeat))
    return best / len(texts) * 1e6


def _timed(detect: Detector, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        detect(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=3, help="words kept in the cut headlines")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes; the best counts")
    args = parser.parse_args()
    rows = list(csv.DictReader(FIXTURE.read_text(encoding="utf-8").splitlines(), delimiter="\t"))
    cut = {row["headline"]: " ".join(row["headline"].split()[: args.words]) for row in rows}
    found = detectors()
    names = list(found)
    languages = list(dict.fromkeys(row["lang"] for row in rows))
    right = {
        (name, lang, short): sum(
            found[name](cut[row["headline"]] if short else row["headline"]) == lang
            for row in rows
            if row["lang"] == lang
        )
        for name in names
        for lang in languages
        for short in (False, True)
    }
    header = " | ".join(f"{name} | {name}, {args.words} words" for name in names)
    print(f"| language | {header} |")
    print("|---|" + "---|" * (2 * len(names)))
    for lang in languages:
        counts = " | ".join(f"{right[name, lang, False]}/3 | {right[name, lang, True]}/3" for name in names)
        print(f"| {lang} | {counts} |")
    for label, group in (("the seven", DETECTABLE), ("the others", None)):
        subset = [lang for lang in languages if (lang in DETECTABLE) == (group is not None)]
        total = 3 * len(subset)
        counts = " | ".join(
            f"{sum(right[name, lang, short] for lang in subset)}/{total}"
            for name in names
            for short in (False, True)
        )
        print(f"| **{label}** | {counts} |")
    texts = [row["headline"] for row in rows]
    speeds = {name: microseconds_per_call(found[name], texts, args.repeat) for name in names}
    baseline = speeds[names[0]]
    print()
    for name in names:
        ratio = speeds[name] / baseline
        print(f"{name}: {speeds[name]:.0f} µs per headline ({ratio:.2f}× the stopword guess's time)")


if __name__ == "__main__":
    main()
