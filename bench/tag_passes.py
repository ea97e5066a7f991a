"""Run hashbot's tag engine over a keyphrase file N times: the workload for counting instructions.

Usage (from the repository root)::

    python bench/tag_passes.py PASSES [--lead N] [FILE.jsonl]

Each pass is the pass of ``tags_vs_yake.py`` (hashbot's memo of words forgotten first) over every
document, after one warm-up pass. Counted under valgrind, which is exact where CPU time on a shared
machine swings by half::

    valgrind --tool=lackey --basic-counts=yes python bench/tag_passes.py 5 --lead 2
    valgrind --tool=lackey --basic-counts=yes python bench/tag_passes.py 0 --lead 2

the difference of the two ``guest instrs`` lines, divided by the passes, is one pass's cost.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from tags_vs_yake import default_files, forget_hashbot_memo, hashbot_extractor, lead


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("passes", type=int, help="timed passes after the warm-up one")
    parser.add_argument(
        "file", nargs="?", type=Path, help="keyphrase JSON-lines file (default: the first dev file)"
    )
    parser.add_argument("--lead", type=int, metavar="N", help="keep only the first N sentences of each text")
    args = parser.parse_args(argv)
    file = args.file or next(iter(default_files()), None)
    if file is None:
        parser.error("no keyphrase file given or found under shared/data/keyphrases/")
    docs = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.lead:
        docs = [{**doc, "text": lead(doc["text"], args.lead)} for doc in docs]
    extract = hashbot_extractor()
    for doc in docs:  # warm-up: imports and the language's data, outside the count
        extract(doc)
    for _ in range(args.passes):
        forget_hashbot_memo()
        for doc in docs:
            extract(doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
