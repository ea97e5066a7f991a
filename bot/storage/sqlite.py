"""The SQLite dialect: a database file (or an in-memory copy of one) under :class:`SqlStore`.

Durability: WAL journal, so a process killed mid-write leaves the database readable with every
committed transaction; ``synchronous=NORMAL``, which in WAL mode loses nothing on a process crash
(only an operating-system crash can roll back the last commits, and a poll redone is harmless
because seen items and queued posts commit together). The schema version is ``PRAGMA
user_version``; each migration runs in its own transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

from bot.errors import StoreUnavailable
from bot.storage.database import Cursor, Spelling, check_version
from bot.storage.migrations import scripts
from bot.storage.sql import SqlStore

#: Every migration in SQLite's words (script n-1 brings version n-1 to n).
MIGRATIONS = scripts("sqlite")

#: SQLite keeps, in a group that selects ``MAX(by)``, the other columns of the row holding it.
SPELLING = Spelling(json_field="json_extract({column}, '$.{field}')", latest="{value}", skip_locked="")


class SqliteDatabase:
    """A :class:`~bot.storage.database.Database` on one sqlite3 connection in autocommit mode."""

    spelling = SPELLING
    integrity_error = sqlite3.IntegrityError

    def __init__(self, connection: sqlite3.Connection) -> None:
        connection.row_factory = sqlite3.Row
        self.connection = connection

    def stored(self, text: str) -> str:
        return text

    def execute(self, query: str, params: Sequence[object] = ()) -> Cursor:
        return self.connection.execute(query, params)

    def executemany(self, query: str, rows: Iterable[Sequence[object]]) -> None:
        self.connection.executemany(query, rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read.
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def restart_ids(self) -> None:
        pass  # an explicit id moves AUTOINCREMENT's counter, and a rowid is always above the highest

    def vacuum(self) -> None:
        # VACUUM cannot run inside a transaction; the checkpoint first folds the WAL back in.
        self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.connection.execute("VACUUM")

    def close(self) -> None:
        self.connection.close()

    def migrate(self, where: str, *, upto: int = len(MIGRATIONS)) -> None:
        """Bring the schema up to version `upto` (the latest by default), refusing a newer one."""
        version = int(self.connection.execute("PRAGMA user_version").fetchone()[0])
        check_version(version, len(MIGRATIONS), where)
        if version >= upto:
            return
        # Off while tables are rebuilt (the pragma is a no-op inside a transaction): dropping a table
        # would otherwise cascade to the rows that reference it. Checked before it is switched back on.
        self.connection.execute("PRAGMA foreign_keys = OFF")
        try:
            for number, script in enumerate(MIGRATIONS[version:upto], start=version + 1):
                # executescript commits first, so BEGIN … COMMIT inside makes each migration atomic.
                self.connection.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
                )
            broken = self.connection.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StoreUnavailable(f"{where}: the migrated database has {len(broken)} broken references")
        finally:
            self.connection.execute("PRAGMA foreign_keys = ON")


def open_sqlite(path: Path) -> SqlStore:
    """Open or create the database at `path` and bring its schema up to date."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, isolation_level=None, timeout=10.0)
    except (OSError, sqlite3.Error) as exc:
        raise StoreUnavailable(f"{path}: cannot open the database: {exc}") from exc
    database = SqliteDatabase(connection)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")
        database.migrate(str(path))
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise StoreUnavailable(f"{path}: is not a usable hashbot database: {exc}") from exc
    except StoreUnavailable:
        connection.close()
        raise
    return SqlStore(database)


def memory_database() -> SqliteDatabase:
    """An empty in-memory database, not yet migrated: what a dry run works on."""
    database = SqliteDatabase(sqlite3.connect(":memory:", isolation_level=None))
    database.connection.execute("PRAGMA foreign_keys = ON")
    return database


def open_sqlite_copy(path: Path) -> SqlStore:
    """An in-memory copy of the database at `path` (or a new, empty one if there is none).

    What a dry run works on: it may poll, queue and "send" as the real run would, and the file
    a real run reads is never written. The copy is taken with SQLite's online backup API,
    which reads a consistent snapshot even while a running bot writes to the file.
    """
    memory = memory_database()
    try:
        if path.exists():
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10.0)) as source:
                source.backup(memory.connection)
        memory.migrate(str(path))
    except (sqlite3.DatabaseError, StoreUnavailable) as exc:
        memory.close()
        if isinstance(exc, StoreUnavailable):
            raise
        raise StoreUnavailable(f"{path}: is not a usable hashbot database: {exc}") from exc
    return SqlStore(memory)
