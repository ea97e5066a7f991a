"""The PostgreSQL dialect (psycopg 3): a shared server under :class:`SqlStore`, for several processes.

Imported only when HASHBOT_DATABASE is a ``postgresql://`` URL, so SQLite users never load
psycopg. The schema version is the one row of ``schema_version``; the migrations run in one
transaction, so a failed upgrade leaves the database as it was. Every write transaction first
takes one advisory lock: one writer at a time, as SQLite's ``BEGIN IMMEDIATE`` gives, so a
transaction's reads still hold when it writes (a post's state, a duplicate key). Reads autocommit
and never wait for the lock. Every message names the database without its password.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row, tuple_row

from bot.errors import StoreError, StoreUnavailable
from bot.logs import redact
from bot.storage.database import Cursor, Spelling, check_version
from bot.storage.migrations import scripts
from bot.storage.sql import TIME_WIDTH, SqlStore
from bot.storage.sqlite import SqliteDatabase, memory_database

logger = logging.getLogger(__name__)

Connection = psycopg.Connection[dict[str, Any]]

#: Every migration in PostgreSQL's words (script n-1 brings version n-1 to n).
MIGRATIONS = scripts("postgresql")

SPELLING = Spelling(
    json_field="({column}::json ->> '{field}')",
    # `by` is a time as the store writes it (fixed width): the greatest of the joined strings is
    # the latest row's, and its value follows the time. Twice as fast as array_agg(… ORDER BY),
    # which collects and sorts every group's rows (bench/stats.py --backend postgresql).
    latest=f"substr(MAX({{by}} || {{value}}), {TIME_WIDTH + 1})",
    skip_locked=" FOR UPDATE SKIP LOCKED",
)

#: The advisory lock every write transaction holds ("hash" in ASCII).
_WRITE_LOCK = 0x68617368
_CONNECT_TIMEOUT = 10
_COPY_BATCH = 500


class PostgresDatabase:
    """A :class:`~bot.storage.database.Database` on one psycopg connection in autocommit mode.

    A connection the server dropped (a restart, a failover) fails the statement it was running
    with a StoreError, and the next statement connects again: a bot running for months outlives
    its database server's restarts.
    """

    spelling = SPELLING
    integrity_error = psycopg.IntegrityError

    def __init__(self, url: str) -> None:
        self.url = url
        self.where = redact(url)
        self.connection = _connect(url, self.where)

    def stored(self, text: str) -> str:
        # A feed's title or guid may hold NUL, which PostgreSQL's text refuses: it becomes U+FFFD,
        # in what is written and in what is looked up alike, so keys still match.
        return text.replace("\x00", "\ufffd")

    def execute(self, query: str, params: Sequence[object] = ()) -> Cursor:
        with self._failures():
            return self._live().execute(_placeholders(query), self._values(params))

    def executemany(self, query: str, rows: Iterable[Sequence[object]]) -> None:
        with self._failures(), self._live().cursor() as cursor:
            cursor.executemany(_placeholders(query), [self._values(row) for row in rows])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._failures(), self._live().transaction():
            self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            yield

    def restart_ids(self) -> None:
        identities = self.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND is_identity = 'YES'"
        ).fetchall()
        restart = "SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({}), 0) + 1, false) FROM {}"
        for row in identities:
            table, column = row["table_name"], row["column_name"]
            with self._failures():
                self._live().execute(
                    sql.SQL(restart).format(sql.Identifier(column), sql.Identifier(table)), (table, column)
                )

    def vacuum(self) -> None:
        with self._failures():
            self._live().execute("VACUUM ANALYZE")

    def close(self) -> None:
        self.connection.close()

    def migrate(self) -> None:
        """Bring the schema up to date, all migrations in one transaction; refuse a newer one."""
        with self.transaction():
            self.connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
            version = _schema_version(self.connection)
            check_version(version, len(MIGRATIONS), self.where)
            for script in MIGRATIONS[version:]:
                self.connection.execute(script)  # no parameters: psycopg reads no placeholders in it
            self.connection.execute("DELETE FROM schema_version")
            self.connection.execute("INSERT INTO schema_version (version) VALUES (%s)", (len(MIGRATIONS),))

    def _values(self, params: Sequence[object]) -> tuple[object, ...]:
        return tuple(self.stored(value) if isinstance(value, str) else value for value in params)

    def _live(self) -> Connection:
        """The connection, made again if the server dropped the last one."""
        if self.connection.broken:
            logger.warning("%s: the connection to the database was lost; connecting again", self.where)
            self.connection = _connect(self.url, self.where)
        return self.connection

    @contextmanager
    def _failures(self) -> Iterator[None]:
        """The server's failures (a lost connection, a timeout) as StoreError; a refused write
        (an IntegrityError) stays the driver's, for the store to name."""
        try:
            yield
        except psycopg.OperationalError as exc:
            raise StoreError(f"{self.where}: {redact(_reason(exc))}") from exc


@lru_cache(maxsize=512)
def _placeholders(query: str) -> str:
    """The store's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return query.replace("%", "%%").replace("?", "%s")


def _schema_version(connection: Connection) -> int:
    """The version the database is at: 0 when it has no hashbot schema yet."""
    found = connection.execute("SELECT to_regclass('schema_version') IS NOT NULL AS found").fetchone()
    row = (
        connection.execute("SELECT version FROM schema_version").fetchone()
        if found and found["found"]
        else None
    )
    return int(row["version"]) if row else 0


def _cause(error: psycopg.Error | StoreError) -> str:
    """Why a migration failed, without the database's name twice."""
    return redact(_reason(error)) if isinstance(error, psycopg.Error) else str(error).split(": ", 1)[-1]


def _reason(error: psycopg.Error) -> str:
    """The driver's message on one line (libpq's run over several)."""
    return re.sub(r"\s+", " ", str(error)).strip() or type(error).__name__


def _connect(url: str, where: str) -> Connection:
    try:
        return psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=_CONNECT_TIMEOUT)
    except psycopg.Error as exc:
        raise StoreUnavailable(f"{where}: cannot connect to the database: {redact(_reason(exc))}") from None


def open_postgres(url: str) -> SqlStore:
    """Connect to the database at `url` and bring its schema up to date."""
    database = PostgresDatabase(url)
    try:
        database.migrate()
    except (psycopg.Error, StoreError) as exc:
        database.close()
        if isinstance(exc, StoreUnavailable):
            raise
        raise StoreUnavailable(f"{database.where}: is not a usable hashbot database: {_cause(exc)}") from None
    return SqlStore(database)


def open_postgres_copy(url: str) -> SqlStore:
    """An in-memory SQLite copy of the database at `url`, for a dry run.

    A dry run polls, queues and "sends" as a real run does, so it needs a store it may write, and
    the server's must never be: the copy is read in one read-only transaction (a consistent
    snapshot while other workers write), then migrated in memory if the server's schema is older.
    """
    where = redact(url)
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


def _copy_rows(source: Connection, target: SqliteDatabase) -> None:
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
