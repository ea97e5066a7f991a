"""Benchmark `hashbot stats` over a large history: 100,000 sent posts by default, in one run.

Usage (from the repository root)::

    python bench/stats.py                  # 100,000 posts over 30 days, 5 tags each, 40 % with reactions
    python bench/stats.py --posts 20000    # another size

The database is built once in a temporary folder with the store's own schema (rows written in bulk,
as years of a busy channel would leave them). Then, in the same run and best of ``--repeat``:

- ``hashbot stats --days 30`` as an operator runs it (a new process: start-up, query, report);
- the same command on an empty database: the start-up that any command pays, the baseline;
- the store's query and the figures alone, in this process (``published_counts`` + ``channel_stats``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.hashtags import tag_key
from bot.stats import channel_stats, window_start
from bot.storage import open_store

TAGS = [f"Topic{number}" for number in range(2000)]


def build(path: Path, *, posts: int, days: int, now: datetime) -> None:
    """`posts` sent posts spread over `days`, from 20 feeds, with tags and reactions."""
    open_store(path).close()  # the schema, migrated as for real
    chance = random.Random(7)
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO feeds (url, name, interval, created) VALUES (?, ?, 900, ?)",
            [(f"https://feeds.example.org/{n}.xml", f"Feed {n}", now.isoformat()) for n in range(20)],
        )
        rows, history, reactions = [], [], []
        for number in range(1, posts + 1):
            sent = (now - timedelta(seconds=chance.uniform(0, days * 86400))).isoformat(
                timespec="microseconds"
            )
            rows.append(
                (number, chance.randint(1, 20), "@news", json.dumps({"text": "x"}), sent, sent, number)
            )
            for tag in chance.sample(TAGS[: chance.choice((50, 300, 2000))], 5):
                history.append((number, "@news", tag, tag_key(tag), sent, "sent"))
            if chance.random() < 0.4:
                reactions.append(("-100123", number, number, chance.randint(1, 50), "{}", sent))
        db.executemany(
            "INSERT INTO posts (id, feed_id, chat, article, state, created, sent, message_id)"
            " VALUES (?, ?, ?, ?, 'sent', ?, ?, ?)",
            rows,
        )
        db.executemany(
            "INSERT INTO tag_history (post_id, chat, tag, key, at, event) VALUES (?, ?, ?, ?, ?, ?)", history
        )
        db.executemany(
            "INSERT INTO reactions (chat, message_id, post_id, total, counts, updated)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            reactions,
        )
        db.execute("COMMIT")
        db.execute("ANALYZE")


def cli_seconds(database: Path, repeat: int) -> float:
    """The best wall time of `hashbot stats --days 30` on `database`, as a new process."""
    env = {**os.environ, "HASHBOT_DATABASE": str(database)}
    command = [sys.executable, "-m", "bot", "stats", "--days", "30"]
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - started)
    return best


def query_seconds(database: Path, repeat: int, now: datetime) -> tuple[float, int]:
    best, posts = float("inf"), 0
    with closing(open_store(database)) as store:
        for _ in range(repeat):
            started = time.perf_counter()
            since = window_start(now, days=30, tz=UTC)
            stats = channel_stats(store.published_counts(since=since), now=now, days=30, tz=UTC)
            best = min(best, time.perf_counter() - started)
            posts = stats.posts
    return best, posts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000, help="sent posts in the history")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each; the best counts")
    args = parser.parse_args(argv)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        full, empty = Path(folder) / "full.sqlite3", Path(folder) / "empty.sqlite3"
        started = time.perf_counter()
        build(full, posts=args.posts, days=29, now=now)
        print(f"built {args.posts:,} posts in {time.perf_counter() - started:.1f} s")
        open_store(empty).close()
        query, counted = query_seconds(full, args.repeat, now)
        with_history = cli_seconds(full, args.repeat)
        start_up = cli_seconds(empty, args.repeat)
    print(f"| measure | seconds (best of {args.repeat}) |")
    print("|---|---:|")
    print(f"| `hashbot stats --days 30`, {counted:,} posts in the window | {with_history:.2f} |")
    print(f"| `hashbot stats --days 30`, empty database (start-up) | {start_up:.2f} |")
    print(f"| store query and figures alone, in process | {query:.3f} |")
    print(f"| stats over the history ÷ start-up | {with_history / start_up:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
