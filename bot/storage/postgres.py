"""The PostgreSQL dialect (psycopg 3): a shared server under :class:`SqlStore`, for several processes.

Imported only when HASHBOT_DATABASE is a ``postgresql://`` URL, so SQLite users never load
psycopg. The schema version is the one row of ``schema_version``; the migrations run in one
transaction, so a failed upgrade leaves the database as it was. Every write transaction first
takes one advisory lock: one writer at a time, as SQLite's ``BEGIN IMMEDIATE`` gives, so a
transaction's reads still hold when it writes (a post's state, a duplicate key). Reads autocommit
and never wait for the lock. Every message names the database without its password.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from psycopg import sql
from psycopg.rows import dict_row, tuple_row

from bot.errors import StoreUnavailable
from bot.logs import redact
from bot.storage.database import Cursor, Spelling, check_version
from bot.storage.migrations import scripts
from bot.storage.sql import SqlStore
from bot.storage.sqlite import SqliteDatabase, memory_database

#: Every migration in PostgreSQL's words (script n-1 brings version n-1 to n).
MIGRATIONS = scripts("postgresql")

SPELLING = Spelling(
    json_field="({column}::json ->> '{field}')", latest="(array_agg({value} ORDER BY {by} DESC))[1]"
)

#: The advisory lock every write transaction holds ("hash" in ASCII).
_WRITE_LOCK = 0x68617368
_CONNECT_TIMEOUT = 10
_COPY_BATCH = 500


class PostgresDatabase:
    """A :class:`~bot.storage.database.Database` on one psycopg connection in autocommit mode."""

    spelling = SPELLING
    integrity_error = psycopg.IntegrityError

    def __init__(self, connection: psycopg.Connection[dict[str, object]]) -> None:
        self.connection = connection

    def stored(self, text: str) -> str:
        # A feed's title or guid may hold NUL, which PostgreSQL's text refuses: it becomes U+FFFD,
        # in what is written and in what is looked up alike, so keys still match.
        return text.replace("\x00", "\ufffd")

    def execute(self, query: str, params: Sequence[object] = ()) -> Cursor:
        return self.connection.execute(_placeholders(query), self._values(params))

    def executemany(self, query: str, rows: Iterable[Sequence[object]]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(_placeholders(query), [self._values(row) for row in rows])

    def _values(self, params: Sequence[object]) -> tuple[object, ...]:
        return tuple(self.stored(value) if isinstance(value, str) else value for value in params)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.connection.transaction():
            self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            yield

    def vacuum(self) -> None:
        self.connection.execute("VACUUM ANALYZE")

    def close(self) -> None:
        self.connection.close()

    def migrate(self, where: str) -> None:
        """Bring the schema up to date, all migrations in one transaction; refuse a newer one."""
        with self.transaction():
            self.connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
            version = _schema_version(self.connection)
            check_version(version, len(MIGRATIONS), where)
            for script in MIGRATIONS[version:]:
                self.connection.execute(script.encode())  # bytes: no placeholders to read in it
            self.connection.execute("DELETE FROM schema_version")
            self.connection.execute("INSERT INTO schema_version (version) VALUES (%s)", (len(MIGRATIONS),))


@lru_cache(maxsize=512)
def _placeholders(query: str) -> str:
    """The store's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return query.replace("%", "%%").replace("?", "%s")


def _schema_version(connection: psycopg.Connection[dict[str, object]]) -> int:
    """The version the database is at: 0 when it has no hashbot schema yet."""
    if connection.execute("SELECT to_regclass('schema_version') AS found").fetchone() == {"found": None}:
        return 0
    row = connection.execute("SELECT version FROM schema_version").fetchone()
    return int(str(row["version"])) if row else 0


def public_name(url: str) -> str:
    """The URL as messages and logs show it: no user, no password."""
    return redact(url)


def _reason(error: psycopg.Error) -> str:
    """The driver's message on one line (libpq's run over several)."""
    return re.sub(r"\s+", " ", str(error)).strip() or type(error).__name__


def _connect(url: str, where: str) -> psycopg.Connection[dict[str, object]]:
    try:
        return psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=_CONNECT_TIMEOUT)
    except psycopg.Error as exc:
        raise StoreUnavailable(f"{where}: cannot connect to the database: {redact(_reason(exc))}") from None


def open_postgres(url: str) -> SqlStore:
    """Connect to the database at `url` and bring its schema up to date."""
    where = public_name(url)
    database = PostgresDatabase(_connect(url, where))
    try:
        database.migrate(where)
    except psycopg.Error as exc:
        database.close()
        raise StoreUnavailable(f"{where}: is not a usable hashbot database: {redact(_reason(exc))}") from None
    except StoreUnavailable:
        database.close()
        raise
    return SqlStore(database)


def open_postgres_copy(url: str) -> SqlStore:
    """An in-memory SQLite copy of the database at `url`, for a dry run.

    A dry run polls, queues and "sends" as a real run does, so it needs a store it may write, and
    the server's must never be: the copy is read in one read-only transaction (a consistent
    snapshot while other workers write), then migrated in memory if the server's schema is older.
    """
    where = public_name(url)
    source = _connect(url, where)
    memory = memory_database()
    try:
        source.read_only = True
        source.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with source.transaction():
            version = _schema_version(source)
            check_version(version, len(MIGRATIONS), where)
            memory.migrate(where, upto=version)
            _copy_rows(source, memory)
        memory.migrate(where)
    except psycopg.Error as exc:
        memory.close()
        raise StoreUnavailable(f"{where}: is not a usable hashbot database: {redact(_reason(exc))}") from None
    except StoreUnavailable:
        memory.close()
        raise
    finally:
        source.close()
    return SqlStore(memory)


def _copy_rows(source: psycopg.Connection[dict[str, object]], target: SqliteDatabase) -> None:
    """Every row of every table `target` has (both at the same schema version) from `source`."""
    tables = [
        row["name"]
        for row in target.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    target.connection.execute("PRAGMA foreign_keys = OFF")  # parents and children arrive in any order
    try:
        for table in tables:
            columns = [row["name"] for row in target.execute(f'PRAGMA table_info("{table}")')]
            select = sql.SQL("SELECT {} FROM {}").format(
                sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(table)
            )
            insert = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
            with source.cursor(name=f"copy_{table}", row_factory=tuple_row) as rows:
                rows.execute(select)
                while batch := rows.fetchmany(_COPY_BATCH):
                    target.executemany(insert, batch)
    finally:
        target.connection.execute("PRAGMA foreign_keys = ON")
