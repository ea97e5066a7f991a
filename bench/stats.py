"""Benchmark `hashbot stats` over a large history: 100,000 sent posts by default, in one run.

Usage (from the repository root)::

    python bench/stats.py                       # 100,000 posts over 30 days, 5 tags each, 40 % with reactions
    python bench/stats.py --before 40e739c      # and the same against the code of a commit, in the same run
    python bench/stats.py --posts 20000         # another size

The history is written once, in bulk, into a database made by the oldest tree measured (as years of
a busy channel would leave it); the newer tree gets a copy migrated by its own `hashbot`, as an
operator's upgrade would. Then, turn by turn so a busy machine slows every measure alike:

- ``hashbot stats --days 30`` as an operator runs it (a new process: start-up, queries, report);
- the same command on an empty database: the start-up that any command pays, the baseline;
- for this tree, the store's queries and the figures alone, in this process; and the cost of a
  chat's vocabulary (``VocabularyCache``): its first read, then what each next post pays.

Wall and CPU seconds are both shown: CPU time (the process's own, from ``os.wait4``) is what the
machine's other work cannot inflate.

``--before REV`` takes that commit's tree from git (``git archive``, plain Python: its tag engine is
not compiled, which `stats` does not use) and runs it with this virtual environment.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.hashtags import tag_key
from bot.stats import channel_stats, day_bounds
from bot.storage import open_store
from bot.vocabulary import VocabularyCache

ROOT = Path(__file__).resolve().parents[1]
TAGS = [f"Topic{number}" for number in range(2000)]
DAYS = 30


@dataclass
class Tree:
    """A source tree whose `hashbot stats` is timed, with its databases and timings."""

    name: str
    source: Path
    full: Path
    empty: Path
    #: (wall, CPU) seconds of each timed run, on the history and on the empty database.
    history: list[tuple[float, float]] = field(default_factory=list)
    start_up: list[tuple[float, float]] = field(default_factory=list)

    def run(self, database: Path) -> tuple[float, float]:
        """Wall and CPU time of `hashbot stats --days 30` of this tree on `database`, a new process."""
        env = {**os.environ, "HASHBOT_DATABASE": str(database), "PYTHONPATH": str(self.source)}
        command = [sys.executable, "-m", "bot", "stats", "--days", str(DAYS)]
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=self.source, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, command)
        return wall, usage.ru_utime + usage.ru_stime


def fill(path: Path, *, posts: int, days: int, now: datetime) -> None:
    """`posts` sent posts spread over `days`, from 20 feeds, with tags and reactions."""
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


def checkout(revision: str, folder: Path) -> Path:
    """The tree of `revision`, extracted from git into `folder`."""
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def query_seconds(database: Path, now: datetime) -> tuple[float, float, int]:
    """This tree's store queries and figures alone, in this process: wall and CPU seconds, and
    the posts they counted."""
    with closing(open_store(database)) as store:
        started, cpu = time.perf_counter(), time.process_time()
        bounds = day_bounds(now, days=DAYS, tz=UTC)
        stats = channel_stats(store.published_counts(bounds=bounds), now=now, days=DAYS, tz=UTC)
        return time.perf_counter() - started, time.process_time() - cpu, stats.posts


def vocabulary_seconds(database: Path, now: datetime) -> tuple[float, float]:
    """CPU seconds of a chat's vocabulary: read from the history, then for the next post (cached)."""
    with closing(open_store(database)) as store:
        cache = VocabularyCache(store, days=180)
        started = time.process_time()
        cache("@news", now=now)
        read = time.process_time() - started
        started = time.process_time()
        cache("@news", now=now)
        return read, time.process_time() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000, help="sent posts in the history")
    parser.add_argument("--repeat", type=int, default=5, help="timed turns; min and median are shown")
    parser.add_argument("--before", metavar="REV", help="also time the code of this git commit")
    args = parser.parse_args(argv)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        trees = [Tree("this tree", ROOT, folder / "full.sqlite3", folder / "empty.sqlite3")]
        if args.before:
            source = checkout(args.before, folder / "before")
            before = Tree(
                f"before ({args.before})", source, folder / "before.sqlite3", folder / "before-empty.sqlite3"
            )
            trees.insert(0, before)
        for tree in trees:  # each schema made by its own tree
            tree.run(tree.empty)
        started = time.perf_counter()
        shutil.copy(trees[0].empty, trees[0].full)
        fill(trees[0].full, posts=args.posts, days=DAYS - 1, now=now)
        for newer in trees[1:]:
            shutil.copy(trees[0].full, newer.full)
            newer.run(newer.full)  # migrates, untimed
        print(f"built {args.posts:,} posts in {time.perf_counter() - started:.1f} s")
        queries: list[tuple[float, float]] = []
        vocabularies: list[tuple[float, float]] = []
        for _ in range(args.repeat):
            for tree in trees:
                tree.history.append(tree.run(tree.full))
                tree.start_up.append(tree.run(tree.empty))
            wall, cpu, counted = query_seconds(trees[-1].full, now)
            queries.append((wall, cpu))
            vocabularies.append(vocabulary_seconds(trees[-1].full, now))
    print(f"\n{counted:,} posts in the window; seconds, min / median of {args.repeat} (wall, then CPU)\n")
    print("| tree | `hashbot stats --days 30` | same, empty database (start-up) | difference |")
    print("|---|---:|---:|---:|")
    for tree in trees:
        for kind, index in (("wall", 0), ("CPU", 1)):
            history = [run[index] for run in tree.history]
            start_up = [run[index] for run in tree.start_up]
            print(
                f"| {tree.name}, {kind} | {_spread(history)} | {_spread(start_up)}"
                f" | {min(history) - min(start_up):+.2f} |"
            )
    for kind, index in (("wall", 0), ("CPU", 1)):
        alone = _spread([query[index] for query in queries], digits=3)
        print(f"\nthis tree's store queries and figures alone, in process, {kind}: {alone} s", end="")
    read, cached = (
        _spread([v[0] for v in vocabularies], digits=3),
        _spread([v[1] for v in vocabularies], digits=4),
    )
    print(f"\n@news's vocabulary (VocabularyCache), CPU: read {read} s, then per post {cached} s")
    if args.before:
        for kind, index in (("wall", 0), ("CPU", 1)):
            old, new = (_over_start_up(tree, index) for tree in trees)
            print(f"over the start-up, before ÷ this tree ({kind}): {old / new:.1f}×")
    return 0


def _spread(seconds: list[float], *, digits: int = 2) -> str:
    return f"{min(seconds):.{digits}f} / {statistics.median(seconds):.{digits}f}"


def _over_start_up(tree: Tree, index: int) -> float:
    """What the history adds to the start-up, best run against best run."""
    return min(run[index] for run in tree.history) - min(run[index] for run in tree.start_up)


if __name__ == "__main__":
    sys.exit(main())
