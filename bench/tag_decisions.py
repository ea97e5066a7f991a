"""Measure the tag engine's design decisions: each variant against the default, same metric.

Usage (from the repository root)::

    python bench/tag_decisions.py [FILE.jsonl ...]

Each row switches one decision of bot/hashtags/ and reports F1@5 and F1@10 on the keyphrase
files (the metric of tags_vs_yake.py), so the choices written in bench/README.md can be re-checked
whenever the engine changes. Variants patch module constants for the length of one row.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tags_vs_yake import KS, default_files, hashbot_extractor, scores_at

from bot.hashtags import extract, rank


@contextmanager
def patched(module: Any, **values: Any) -> Iterator[None]:
    saved = {name: getattr(module, name) for name in values}
    for name, value in values.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


VARIANTS: dict[str, Callable[[], Any]] = {
    "default": lambda: patched(rank),
    "people: always the surname": lambda: patched(rank, SURNAME_RATIO=0),
    "people: always the full name": lambda: patched(rank, SURNAME_RATIO=10**6),
    "people: no person weight": lambda: patched(rank, PERSON_WEIGHT=rank.NAME_WEIGHT),
    "near-duplicates kept (#Ukraine and #Ukrainiens)": lambda: patched(extract, _MAX_ENDING=-1),
    "single common words weigh as much as names": lambda: patched(rank, COMMON_WEIGHT=rank.NAME_WEIGHT),
    "single common words unweighted": lambda: patched(rank, COMMON_WEIGHT=1.0),
    "verb forms not demoted": lambda: patched(rank, VERB_WEIGHT=rank.COMMON_WEIGHT),
    "multiword terms not favoured": lambda: patched(rank, PHRASE_WEIGHT=(1.0, 1.0, 1.0, 1.0)),
    "title words the text lacks unweighted": lambda: patched(rank, TITLE_ONLY_WEIGHT=1.0),
}


def f1s(docs: list[dict]) -> list[float]:
    extract_one = hashbot_extractor()
    predictions = [extract_one(doc) for doc in docs]
    return [
        100
        * sum(scores_at(p, doc["keyphrases"], k)[2] for p, doc in zip(predictions, docs, strict=True))
        / len(docs)
        for k in KS
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    files = parser.parse_args(argv).files or default_files()
    for file in files:
        docs = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
        print(f"| {file.name} | F1@5 | F1@10 |\n|---|---:|---:|")
        for name, variant in VARIANTS.items():
            with variant():
                at5, at10 = f1s(docs)
            print(f"| {name} | {at5:.1f} | {at10:.1f} |")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
