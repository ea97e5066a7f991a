"""Benchmark `hashbot stats` over a large history: 100,000 sent posts by default, in one run.

Usage (from the repository root)::

    python bench/stats.py                       # 100,000 posts over 30 days, 5 tags each, 40 % with reactions
    python bench/stats.py --before 40e739c      # and the same against the code of a commit, in the same run
    python bench/stats.py --posts 20000         # another size
    python bench/stats.py --backend postgresql  # on a throw-away PostgreSQL server (the machine's binaries)

The history is written once, in bulk, into a database made by the oldest tree measured (as years of
a busy channel would leave it); the newer tree gets a copy migrated by its own `hashbot`, as an
operator's upgrade would. Then, turn by turn so a busy machine slows every measure alike:

- ``hashbot stats --days 30`` as an operator runs it (a new process: start-up, queries, report);
- the same command on an empty database: the start-up that any command pays, the baseline;
- for this tree, the store's queries and the figures alone, in this process; and the cost of a
  chat's vocabulary (``VocabularyCache``): its first read, then what each next post pays.

Wall and CPU seconds are both shown: CPU time (the process's own, from ``os.wait4``) is what the
machine's other work cannot inflate. On PostgreSQL the server's CPU is shown too: what the
server's processes spent meanwhile (the postmaster's own and its exited children's, from
``/proc``), for the queries run there and not in hashbot's process.

``--backend postgresql`` starts a PostgreSQL server of its own from the machine's binaries, as the
tests do (``tests/auxil/postgres.py``; as root it runs as the ``postgres`` user), stopped and deleted
at the end; the history is loaded with COPY and then vacuumed and analysed, as autovacuum would
leave a table after a bulk load (index-only scans need the visibility map it sets).

``--before REV`` takes that commit's tree from git (``git archive``, plain Python: its tag engine is
not compiled) and runs it with this virtual environment. Each tree's ``bot`` package is
byte-compiled first, as ``pip install`` does for an installed hashbot (see ``bench/cli_start.py``).
"""

from __future__ import annotations

import argparse
import compileall
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
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from bot.hashtags import tag_key
from bot.stats import channel_stats, day_bounds
from bot.storage import open_store
from bot.vocabulary import VocabularyCache

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from auxil.postgres import PostgresServer, postgres_server, server_binaries  # noqa: E402

TAGS = [f"Topic{number}" for number in range(2000)]
DAYS = 30
#: A table's name, its columns, and its rows.
Rows = tuple[str, tuple[str, ...], list[tuple[object, ...]]]
#: Seconds of one measure: wall, hashbot's CPU, the database server's CPU (0 for SQLite).
Seconds = tuple[float, float, float]
KINDS = ("wall", "CPU", "server CPU")


class Databases(Protocol):
    """Where the benchmark's databases live: each named, filled, copied, and the server's CPU."""

    def location(self, name: str) -> str: ...
    def fill(self, location: str, tables: list[Rows]) -> None: ...
    def copy(self, source: str, target: str) -> None: ...
    def server_cpu(self) -> float: ...


@dataclass
class Tree:
    """A source tree whose `hashbot stats` is timed, with its databases and timings."""

    name: str
    source: Path
    #: Where its history and its empty database are: SQLite files' paths or PostgreSQL URLs.
    full: str
    empty: str
    history: list[Seconds] = field(default_factory=list)
    start_up: list[Seconds] = field(default_factory=list)

    def run(self, database: str, databases: Databases) -> Seconds:
        """The seconds of `hashbot stats --days 30` of this tree on `database`, a new process."""
        env = {**os.environ, "HASHBOT_DATABASE": database, "PYTHONPATH": str(self.source)}
        command = [sys.executable, "-m", "bot", "stats", "--days", str(DAYS)]
        with _timed(databases) as seconds:
            process = subprocess.Popen(command, env=env, cwd=self.source, stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            if process.returncode:
                raise subprocess.CalledProcessError(process.returncode, command)
            seconds.cpu = usage.ru_utime + usage.ru_stime
        return seconds.measured


@dataclass
class _Timing:
    cpu: float = 0.0
    measured: Seconds = (0.0, 0.0, 0.0)


@contextmanager
def _timed(databases: Databases, *, cpu: Callable[[], float] | None = None) -> Iterator[_Timing]:
    """Wall and server CPU seconds of the block; its CPU from `cpu` (before and after) or as it sets it."""
    timing = _Timing()
    server, started, own = databases.server_cpu(), time.perf_counter(), cpu() if cpu else 0.0
    yield timing
    wall = time.perf_counter() - started
    if cpu:
        timing.cpu = cpu() - own
    timing.measured = (wall, timing.cpu, databases.server_cpu() - server)


def history(*, posts: int, days: int, now: datetime) -> list[Rows]:
    """`posts` sent posts spread over `days`, from 20 feeds, with tags and reactions."""
    chance = random.Random(7)
    created = now.isoformat()
    feeds = [(n + 1, f"https://feeds.example.org/{n}.xml", f"Feed {n}", 900, created) for n in range(20)]
    rows, tags, reactions = [], [], []
    for number in range(1, posts + 1):
        sent = (now - timedelta(seconds=chance.uniform(0, days * 86400))).isoformat(timespec="microseconds")
        feed = chance.randint(1, 20)
        rows.append((number, feed, "@news", json.dumps({"text": "x"}), "sent", sent, sent, number))
        for tag in chance.sample(TAGS[: chance.choice((50, 300, 2000))], 5):
            tags.append((number, "@news", tag, tag_key(tag), sent, "sent"))
        if chance.random() < 0.4:
            reactions.append(("-100123", number, number, chance.randint(1, 50), "{}", sent))
    return [
        ("feeds", ("id", "url", "name", "interval", "created"), feeds),
        ("posts", ("id", "feed_id", "chat", "article", "state", "created", "sent", "message_id"), rows),
        ("tag_history", ("post_id", "chat", "tag", "key", "at", "event"), tags),
        ("reactions", ("chat", "message_id", "post_id", "total", "counts", "updated"), reactions),
    ]


class SqliteFiles:
    """Each database a file in `folder`."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def location(self, name: str) -> str:
        return str(self._folder / f"{name}.sqlite3")

    def fill(self, location: str, tables: list[Rows]) -> None:
        with closing(sqlite3.connect(location, isolation_level=None)) as db:
            db.execute("BEGIN")
            for table, columns, rows in tables:
                marks = ", ".join("?" * len(columns))
                db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
            db.execute("COMMIT")

    def copy(self, source: str, target: str) -> None:
        shutil.copy(source, target)

    def server_cpu(self) -> float:
        return 0.0


class PostgresDatabases:
    """Each database one of a PostgreSQL server's own, made when first named."""

    def __init__(self, server: PostgresServer) -> None:
        self._server = server
        with self._admin() as db:
            backend = db.execute("SELECT pg_backend_pid()").fetchone()[0]
            #: The postmaster: every backend is its child, and what its children spent adds to it.
            self._postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(self._server.url(), autocommit=True)

    def location(self, name: str) -> str:
        self._create(f"bench_{name}")
        return self._server.url(f"bench_{name}")

    def _create(self, database: str, *, template: str | None = None) -> None:
        with self._admin() as db:
            db.execute(f"CREATE DATABASE {database}" + (f" TEMPLATE {template}" if template else ""))

    def fill(self, location: str, tables: list[Rows]) -> None:
        import psycopg

        with psycopg.connect(location) as db:
            for table, columns, rows in tables:
                with db.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            for table in ("feeds", "posts"):  # the identities past the ids taken, as inserts leave them
                db.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
        with psycopg.connect(location, autocommit=True) as db:
            db.execute("VACUUM ANALYZE")

    def copy(self, source: str, target: str) -> None:
        """`target` (a database this made) made again as a copy of `source`."""
        name, template = target.rsplit("/", 1)[1], source.rsplit("/", 1)[1]
        with self._admin() as db:
            db.execute(f"DROP DATABASE {name} WITH (FORCE)")
        self._create(name, template=template)

    def server_cpu(self) -> float:
        """CPU seconds the server has spent: the postmaster's, its live children's (a backend
        serves one connection) and its exited children's (it collects them within milliseconds)."""
        time.sleep(0.05)
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # ended meanwhile: the postmaster's count has it
                continue
            if stat.parent.name == str(self._postmaster) or fields[1] == str(self._postmaster):
                ticks += sum(int(tick) for tick in fields[11:15])
        return ticks / os.sysconf("SC_CLK_TCK")


def checkout(revision: str, folder: Path) -> Path:
    """The tree of `revision`, extracted from git into `folder`."""
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def query_seconds(database: str, databases: Databases, now: datetime) -> tuple[Seconds, int]:
    """This tree's store queries and figures alone, in this process; and the posts they counted."""
    with closing(open_store(database)) as store, _timed(databases, cpu=time.process_time) as timing:
        bounds = day_bounds(now, days=DAYS, tz=UTC)
        stats = channel_stats(store.published_counts(bounds=bounds), now=now, days=DAYS, tz=UTC)
    return timing.measured, stats.posts


def vocabulary_seconds(database: str, databases: Databases, now: datetime) -> tuple[Seconds, Seconds]:
    """A chat's vocabulary: read from the history, then for the next post (cached)."""
    with closing(open_store(database)) as store:
        cache = VocabularyCache(store, days=180)
        with _timed(databases, cpu=time.process_time) as read:
            cache("@news", now=now)
        with _timed(databases, cpu=time.process_time) as cached:
            cache("@news", now=now)
    return read.measured, cached.measured


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000, help="sent posts in the history")
    parser.add_argument("--repeat", type=int, default=5, help="timed turns; min and median are shown")
    parser.add_argument("--before", metavar="REV", help="also time the code of this git commit")
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the store measured (default: sqlite)",
    )
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        databases: Databases = SqliteFiles(folder)
        if args.backend == "postgresql":
            binaries = server_binaries()
            if binaries is None:
                parser.error(
                    "no PostgreSQL server binaries (initdb, pg_ctl); Debian: apt-get install postgresql"
                )
            databases = PostgresDatabases(stack.enter_context(postgres_server(binaries)))
        measure(args, databases, folder)
    return 0


def measure(args: argparse.Namespace, databases: Databases, folder: Path) -> None:
    now = datetime.now(UTC)
    load_at_start = os.getloadavg()[0]
    trees = [Tree("this tree", ROOT, databases.location("full"), databases.location("empty"))]
    if args.before:
        source = checkout(args.before, folder / "before")
        old = Tree(
            f"before ({args.before})",
            source,
            databases.location("before"),
            databases.location("before_empty"),
        )
        trees.insert(0, old)
    for tree in trees:  # each schema made by its own tree
        compileall.compile_dir(tree.source / "bot", quiet=1)
        tree.run(tree.empty, databases)
    started = time.perf_counter()
    databases.copy(trees[0].empty, trees[0].full)
    databases.fill(trees[0].full, history(posts=args.posts, days=DAYS - 1, now=now))
    for newer in trees[1:]:
        databases.copy(trees[0].full, newer.full)
        newer.run(newer.full, databases)  # migrates, untimed
    print(f"built {args.posts:,} posts ({args.backend}) in {time.perf_counter() - started:.1f} s")
    queries: list[Seconds] = []
    reads: list[Seconds] = []
    cached: list[Seconds] = []
    for _ in range(args.repeat):
        for tree in trees:
            tree.history.append(tree.run(tree.full, databases))
            tree.start_up.append(tree.run(tree.empty, databases))
        measured, counted = query_seconds(trees[-1].full, databases, now)
        queries.append(measured)
        read, then = vocabulary_seconds(trees[-1].full, databases, now)
        reads.append(read)
        cached.append(then)
    kinds = KINDS if args.backend == "postgresql" else KINDS[:2]
    print(f"\n{counted:,} posts in the window; seconds, min / median of {args.repeat}")
    print(f"load average (1 min): {load_at_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end\n")
    print("| tree | `hashbot stats --days 30` | same, empty database (start-up) | difference |")
    print("|---|---:|---:|---:|")
    for tree in trees:
        for index, kind in enumerate(kinds):
            full = [run[index] for run in tree.history]
            start_up = [run[index] for run in tree.start_up]
            difference = min(full) - min(start_up)
            print(f"| {tree.name}, {kind} | {_spread(full)} | {_spread(start_up)} | {difference:+.2f} |")
    print()
    for title, runs, digits in (
        ("this tree's store queries and figures alone, in process", queries, 3),
        ("@news's vocabulary (VocabularyCache), first read", reads, 3),
        ("@news's vocabulary, then per post", cached, 4),
    ):
        spreads = ", ".join(
            f"{kind} {_spread([run[i] for run in runs], digits=digits)}" for i, kind in enumerate(kinds)
        )
        print(f"{title}: {spreads} s")
    if args.before:
        for index, kind in enumerate(kinds[:2]):
            earlier, later = (_over_start_up(tree, index) for tree in trees)
            print(f"over the start-up, before ÷ this tree ({kind}): {earlier / later:.1f}×")


def _spread(seconds: list[float], *, digits: int = 2) -> str:
    return f"{min(seconds):.{digits}f} / {statistics.median(seconds):.{digits}f}"


def _over_start_up(tree: Tree, index: int) -> float:
    """What the history adds to the start-up, best run against best run."""
    return min(run[index] for run in tree.history) - min(run[index] for run in tree.start_up)


if __name__ == "__main__":
    sys.exit(main())
