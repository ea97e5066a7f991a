"""Shared fixtures: every test runs in an empty folder with no HASHBOT_* settings around it.

PostgreSQL tests share one throw-away server per session (:mod:`auxil.postgres`) and get a new
database each (`postgres_url`), or the session's migrated one emptied (`migrated_postgres_url`).
Without the server binaries they are skipped, except in CI (``CI`` set, as ``.ci/run`` does),
where a missing server is a failure: CI must test both backends. The store's own tests take
`store` or `store_location`, so each runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import importlib
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from auxil.cli import CliRunner
from auxil.cli import run_cli as _run_cli
from auxil.postgres import PostgresServer, postgres_server, server_binaries
from hypothesis import settings

from bot.storage import Store, open_store

# Hypothesis's deadline is a timed assertion: on a loaded machine it fails tests that are right.
# Speed is measured in bench/, never asserted here.
# In CI every run tries the same examples, so a red build is reproducible; by hand, each run
# explores new ones (and a failure found is kept in .hypothesis/ and pinned with @example).
settings.register_profile("hashbot", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "hashbot")

#: The modules setup.py compiles with mypyc.
COMPILED_MODULES = (
    "candidates", "conjoined", "extract", "language", "normalize", "rank", "tagger", "truecase", "vocabulary",
    "words",
)  # fmt: skip


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to test a compiled tag engine older than its source: the edits would not be tested."""
    for name in COMPILED_MODULES:
        built = Path(importlib.import_module(f"bot.hashtags.{name}").__file__ or "")
        source = built.with_name(f"{name}.py")
        if built.suffix != ".py" and source.stat().st_mtime > built.stat().st_mtime:
            pytest.exit(f"{built.name} is older than {source.name}: run `pip install -e .` again", 2)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting leaks in from the developer's shell or a .env in the checkout."""
    for name in list(os.environ):
        if name.startswith("HASHBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def run_cli() -> CliRunner:
    """The real `hashbot` entry point, run in-process."""
    return _run_cli


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole session, stopped and deleted at its end."""
    binaries = server_binaries()
    if binaries is None:
        reason = "no PostgreSQL server binaries (initdb, pg_ctl); Debian: apt-get install postgresql"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with postgres_server(binaries) as server:
        yield server


@contextmanager
def _database(server: PostgresServer) -> Iterator[str]:
    """A new, empty database on `server`, dropped afterwards; its name."""
    import psycopg
    from psycopg import sql

    database = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        yield database
    finally:
        with psycopg.connect(server.url(), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database)))


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database on the session's server, dropped after the test."""
    with _database(postgres) as database:
        yield postgres.url(database)


@pytest.fixture(scope="session")
def _migrated_database(postgres: PostgresServer) -> Iterator[tuple[str, Callable[[], object]]]:
    """One database per session at the latest schema, and what empties it (one open connection,
    one statement worked out once: each test pays a round trip, not a connection and a catalog
    query)."""
    import psycopg

    with _database(postgres) as database:
        url = postgres.url(database)
        open_store(url).close()
        with psycopg.connect(url, autocommit=True) as db:
            empty = _emptying_script(db)
            yield url, lambda: db.execute(empty)


def _emptying_script(db: Any) -> bytes:
    """Every table's rows deleted (each foreign key cascades or sets null, so in any order; DELETE
    beats TRUNCATE on tables this small) and every identity restarted."""
    tables = db.execute(
        "SELECT quote_ident(tablename) FROM pg_tables"
        " WHERE schemaname = 'public' AND tablename <> 'schema_version'"
    ).fetchall()
    sequences = db.execute(
        "SELECT quote_literal(pg_get_serial_sequence(quote_ident(table_name), column_name))"
        " FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'"
    ).fetchall()
    deletes = "".join(f"DELETE FROM {table};" for (table,) in tables)
    restarts = ", ".join(f"setval({sequence}, 1, false)" for (sequence,) in sequences)
    return f"{deletes} SELECT {restarts};".encode()


@pytest.fixture
def migrated_postgres_url(_migrated_database: tuple[str, Callable[[], object]]) -> str:
    """The URL of a database at the latest schema with no rows (identities restarted).

    Emptying one database is several times faster than creating one per test; a test that
    changes the schema takes `postgres_url` instead.
    """
    url, empty = _migrated_database
    empty()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store test's database is: a new SQLite file, then a new PostgreSQL database.

    The store's tests take this (or `store`) so that each runs on both backends.
    """
    if request.param == "postgresql":
        return str(request.getfixturevalue("migrated_postgres_url"))
    return str(tmp_path / "hashbot.sqlite3")


@pytest.fixture
def store(store_location: str) -> Iterator[Store]:
    """A new, migrated store on each backend, closed after the test."""
    with closing(open_store(store_location)) as opened:
        yield opened
