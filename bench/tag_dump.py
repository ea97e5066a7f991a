"""Write every tag hashbot gives the keyphrase files, with its score and reason: a change's diff.

Usage (from the repository root)::

    python bench/tag_dump.py OUT [FILE.jsonl ...]

One line per document and variant: the whole text, its first two sentences and its first one
(``--lead`` of ``tags_vs_yake.py``), each with the document's language given and detected, at
limit 10. Two builds that write the same file give the same tags, scores and reasons, which is
how a speed change shows it changed nothing and a rule shows which tags it changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from tags_vs_yake import REPO, default_files, lead

from bot.hashtags import TagOptions, extract_tags
from bot.models import Article

LEADS = (None, 2, 1)


def dump_line(file: Path, doc: dict, sentences: int | None, given: bool, options: TagOptions) -> str:
    """One document's tags, in one variant, as `name:score:reason` words after its label."""
    text = lead(doc["text"], sentences) if sentences else doc["text"]
    article = Article(title=doc.get("title"), text=text, lang=doc["lang"] if given else None)
    tags = " ".join(f"{tag.name}:{tag.score!r}:{tag.reason}" for tag in extract_tags(article, options))
    return f"{file.name} {doc['id']} lead={sentences} given={given} {tags}\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the file to write")
    parser.add_argument(
        "files", nargs="*", type=Path, help="keyphrase files (default: the dev files and bench/keyphrases/)"
    )
    args = parser.parse_args(argv)
    files = args.files or [*default_files(), *sorted((REPO / "bench" / "keyphrases").glob("*.jsonl"))]
    options = TagOptions(limit=10)
    with args.out.open("w", encoding="utf-8") as out:
        for file in files:
            lines = file.read_text(encoding="utf-8").splitlines()
            docs = [json.loads(line) for line in lines if line.strip()]
            for sentences in LEADS:
                for given in (True, False):
                    out.writelines(dump_line(file, doc, sentences, given, options) for doc in docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
