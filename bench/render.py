"""Benchmark: posts rendered per second with the default template, against a naive Jinja2 render.

    .venv/bin/python bench/render.py [--seconds 2]

Cases, each over the bundled examples (plus one 20,000-character article whose feed summary is
its whole text, so the post must be shortened to fit):

- ``hashbot``: ``Renderer.render`` — clean the text, summarize, render, measure as Telegram does,
  shorten until it fits;
- ``naive``, the baseline: the same template rendered by Jinja2 from an already prepared context,
  with no summarizing, measuring or fitting — the floor any renderer pays.

Both run in the same process, one after the other; the ratio is what the README reports.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.ingest import load_sources
from bot.models import Article, Tag, TagReason
from bot.render import DEFAULT_TEMPLATE, ArticleView, Renderer
from bot.render._environment import build_environment

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"
NOW = datetime(2026, 7, 15, 8, 0, tzinfo=UTC)
TAGS = tuple(
    Tag(name, 1.0, TagReason.ENTITY) for name in ["Ukraine", "France", "CessezLeFeu", "Paris", "Macron"]
)


def _articles() -> list[Article]:
    articles = [item for item in load_sources([str(EXAMPLES)]) if isinstance(item, Article)]
    long_text = " ".join(f"Sentence {n} of a very long article about Kyiv and Paris." for n in range(360))
    return [
        *articles,
        Article(text=long_text, summary=long_text, title="Long", url="https://example.org/long"),
    ]


def _rate(run: Callable[[], object], seconds: float) -> float:
    """Calls per second, best of three timed windows."""
    best = 0.0
    for _ in range(3):
        calls, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds / 3:
            run()
            calls += 1
        best = max(best, calls / elapsed)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=3.0, help="time per case (default 3)")
    args = parser.parse_args(argv)

    articles = _articles()
    renderer = Renderer()
    template = build_environment(None, UTC).get_template(DEFAULT_TEMPLATE)
    views = {id(article): ArticleView.of(article, TAGS, feed={}, summary_length=400) for article in articles}

    def hashbot(batch: list[Article]) -> Callable[[], None]:
        return lambda: [renderer.render(article, TAGS, now=NOW) for article in batch] and None

    def naive(batch: list[Article]) -> Callable[[], None]:
        prepared = [views[id(article)] for article in batch]
        return lambda: (
            [
                template.render(article=view, summary=view.summary, tags=TAGS, now=NOW, feed={})
                for view in prepared
            ]
            and None
        )

    print(f"python {sys.version.split()[0]}, {args.seconds:g} s per measurement, default template")
    print(f"{'case':<34}{'naive':>14}{'hashbot':>14}{'ratio':>8}")
    for case, batch in [("the 5 examples", articles[:-1]), ("a 20,000-char article (fitted)", articles[-1:])]:
        base = _rate(naive(batch), args.seconds) * len(batch)
        ours = _rate(hashbot(batch), args.seconds) * len(batch)
        print(f"{case:<34}{base:>10,.0f} p/s{ours:>10,.0f} p/s{ours / base:>7.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
