"""Benchmark: a dry-run publish pass over 1,000 queued articles, against tagging and rendering alone.

    .venv/bin/python bench/dry_run.py [--posts 1000]

Two cases over the same 1,000 generated articles (about 1,500 characters each, from our own word
list), in the same process:

- ``render+tag`` (the baseline): ``PostPlanner.plan`` for each article, no store, no publisher;
- ``dry run``: what ``hashbot run --dry-run`` does at a slot that lets all of them out — read the
  queue from the in-memory copy of the database, choose, tag and render each post, record it as
  ``sending`` then ``sent``, and print it through the preview publisher (to a null stream).

Peak memory is the process's peak resident set size after each case (the baseline runs first).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import build_planner
from bot.config import load_settings
from bot.models import Article
from bot.planner import PublishSchedule
from bot.preview import PreviewPublisher
from bot.runner import Runner, RunnerConfig
from bot.storage import NewPost, PostState, open_store_copy

NOW = datetime(2026, 7, 15, 8, 0, tzinfo=UTC)
PLACES = ["Porto Velho", "Lisbon", "Nakuru", "Tromsø", "Valparaíso", "Gdańsk", "Hobart", "Cork"]
PEOPLE = ["Ana Ferreira", "Joseph Kamau", "Ingrid Solberg", "Marta Nowak", "Liam Byrne"]
WORDS = [
    "council",
    "harbour",
    "ferry",
    "vote",
    "budget",
    "school",
    "rainfall",
    "farmers",
    "nurses",
    "bridge",
    "tram",
    "library",
    "museum",
    "storm",
    "repairs",
    "volunteers",
    "market",
    "fishermen",
    "season",
    "report",
    "housing",
    "energy",
    "water",
]


def _articles(count: int) -> list[Article]:
    chance = random.Random(7)
    articles = []
    for number in range(count):
        place, person = chance.choice(PLACES), chance.choice(PEOPLE)
        sentences = [
            f"{person} told the {place} {chance.choice(WORDS)} meeting that the "
            f"{chance.choice(WORDS)} and the {chance.choice(WORDS)} would change this {chance.choice(WORDS)}."
            for _ in range(12)
        ]
        articles.append(
            Article(
                text=" ".join(sentences),
                title=f"{place}: {chance.choice(WORDS)} {chance.choice(WORDS)} plan {number}",
                url=f"https://news.example.org/{number}",
                lang="en",
                published=NOW - timedelta(minutes=count - number),
                source="bench",
            )
        )
    return articles


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    args = parser.parse_args()
    settings = load_settings(None)
    planner = build_planner(settings)
    articles = _articles(args.posts)
    planner.plan(articles[0])  # templates compiled and language data loaded before timing

    start = time.perf_counter()
    for article in articles:
        planner.plan(article, now=NOW)
    baseline = time.perf_counter() - start
    baseline_peak = _peak_mb()

    store = open_store_copy(Path("/nonexistent/hashbot.sqlite3"))  # the dry run's in-memory copy
    for number, article in enumerate(articles):
        store.enqueue(NewPost(article=article, chat="@bench", keys=(f"l:{number}",)), now=NOW)
    runner = Runner(
        store=store,
        planner=planner,
        publisher=PreviewPublisher(io.StringIO()),
        config=RunnerConfig(
            schedule=PublishSchedule(tz=ZoneInfo("UTC"), per_slot=args.posts), previews_count_as_sent=True
        ),
        clock=lambda: NOW,
    )
    start = time.perf_counter()
    report = asyncio.run(runner.publish())
    dry_run = time.perf_counter() - start
    assert len(report.sent) == args.posts and store.count_posts()[PostState.SENT] == args.posts

    print(f"{args.posts} articles, Python {sys.version_info.major}.{sys.version_info.minor}")
    print(f"render+tag (baseline): {args.posts / baseline:8.0f} posts/s  peak RSS {baseline_peak:.0f} MB")
    print(f"dry run (+ store, preview): {args.posts / dry_run:8.0f} posts/s  peak RSS {_peak_mb():.0f} MB")
    print(f"dry run / baseline: {baseline / dry_run:.2f}x the speed")


if __name__ == "__main__":
    main()
