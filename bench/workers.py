"""Benchmark: 1, 2 and 4 workers sharing one database poll 1,000 loopback feeds (issue 15).

Each run makes a fresh database of the same feeds, then starts N ``hashbot feeds poll`` processes
at once; the time is from their start to the last one's exit (process start-up included, as an
operator's workers pay it too). Every run is checked, not only timed: each feed's newest item
must be queued exactly once, whichever worker polled it. The feeds are those of
``feed_polling.py``, served by its server in a process of its own, over 100 loopback addresses.

    .venv/bin/python bench/workers.py [--feeds 1000] [--items 20] [--workers 1 2 4] [--rounds 3]
                                      [--latency 0.2]

``--latency`` makes each answer wait, as a remote feed's would: polling is then bound by waiting
(each worker keeps HASHBOT_HTTP_CONCURRENCY requests in flight) instead of parsing (CPU).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

from feed_polling import HOSTS, free_port, serve

from bot.clock import utcnow
from bot.storage import NewFeed, open_store

REPO = Path(__file__).resolve().parents[1]


def fresh_database(folder: Path, name: str, *, feeds: int, port: int) -> Path:
    path = folder / f"{name}.sqlite3"
    with closing(open_store(path)) as store:
        for n in range(feeds):
            store.add_feed(
                NewFeed(url=f"http://{HOSTS[n % len(HOSTS)]}:{port}/feed/{n}.xml", name=f"Site {n}"),
                now=utcnow(),
            )
    return path


def run_workers(count: int, database: Path) -> tuple[float, list[int]]:
    """N `feeds poll` at once on `database`: the wall time and how many feeds each polled."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("HASHBOT_")}
    env |= {"PYTHONPATH": str(REPO), "HASHBOT_DATABASE": str(database), "HASHBOT_CHANNEL": "@bench"}
    start = time.perf_counter()
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "feeds", "poll"],
            cwd=database.parent,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    outputs = [worker.communicate() for worker in workers]
    elapsed = time.perf_counter() - start
    for worker, (_, err) in zip(workers, outputs, strict=True):
        if worker.returncode != 0:
            raise SystemExit(f"a worker failed ({worker.returncode}): {err}")
    return elapsed, [out.count(": updated") for out, _ in outputs]


def check_queued_once(database: Path, feeds: int) -> None:
    """Each feed's newest item is queued, once: the claims shared the feeds without a double."""
    with closing(open_store(database)) as store:
        posts = store.posts()
        by_feed = Counter(post.feed_id for post in posts)
        titles = {post.feed_id: post.article.title or "" for post in posts}
    if len(posts) != feeds or set(by_feed.values()) != {1}:
        raise SystemExit(f"{database}: {len(posts)} posts for {feeds} feeds: {by_feed.most_common(3)}")
    wrong = [
        feed_id
        for feed_id, title in titles.items()
        if not title.endswith(" story 0: council approves new harbour plan")
    ]
    if wrong:
        raise SystemExit(f"{database}: feeds {wrong[:5]} queued another item than their newest")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each worker count; the best is kept")
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        help="seconds the server waits before each answer (a remote feed)",
    )
    args = parser.parse_args()

    port = free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(
        target=serve, args=(port, args.feeds, args.items, ready, args.latency), daemon=True
    )
    server.start()
    ready.wait(30)
    best: dict[int, tuple[float, list[int]]] = {}
    try:
        with tempfile.TemporaryDirectory() as folder:
            for round_ in range(args.rounds):
                for count in args.workers:  # interleaved, so a burst of load elsewhere hits all alike
                    database = fresh_database(Path(folder), f"r{round_}w{count}", feeds=args.feeds, port=port)
                    elapsed, split = run_workers(count, database)
                    check_queued_once(database, args.feeds)
                    print(f"round {round_ + 1}, {count} workers: {elapsed:6.2f} s, feeds polled each {split}")
                    if count not in best or elapsed < best[count][0]:
                        best[count] = (elapsed, split)
    finally:
        server.terminate()
        server.join()

    baseline = best[args.workers[0]][0]
    print(
        f"\n{args.feeds} feeds × {args.items} items on {len(HOSTS)} loopback hosts,"
        f" {args.latency * 1000:.0f} ms before each answer, {os.cpu_count()} CPUs"
    )
    print(f"load average after the runs: {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
    print("workers   best s   vs 1 worker   feeds polled by each (best run)   each item queued once")
    for count in args.workers:
        elapsed, split = best[count]
        print(f"{count:>7}  {elapsed:7.2f}  {baseline / elapsed:10.2f}×   {split!s:<32}   yes")


if __name__ == "__main__":
    main()
