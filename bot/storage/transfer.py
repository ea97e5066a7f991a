"""Copy a whole database into a new one: how an operator moves from SQLite to PostgreSQL (or back).

The source is read as a dry run reads it (:func:`bot.storage.open_store_copy`: an in-memory SQLite
snapshot at the latest schema, the source never written); the target is opened and migrated as
usual and must hold no rows. Every row keeps its id, so post ids admins have seen stay valid,
and the target's id counters go on after the highest copied id.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from bot.errors import StoreError
from bot.logs import redact
from bot.storage import open_store, open_store_copy
from bot.storage.database import Database
from bot.storage.sql import SqlStore
from bot.storage.sqlite import SqliteDatabase

_BATCH = 500


def copy_database(source: str | Path, target: str | Path) -> dict[str, int]:
    """Copy every row of `source` into the empty database `target`; rows copied, by table."""
    with closing(open_store_copy(source)) as snapshot, closing(open_store(target)) as destination:
        assert isinstance(snapshot, SqlStore) and isinstance(destination, SqlStore)
        hub, into = snapshot.database, destination.database
        assert isinstance(hub, SqliteDatabase)
        tables = _tables_parents_first(hub)
        filled = [table for table in tables if into.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone()]
        if filled:
            held = ", ".join(filled)
            raise StoreError(
                f"{redact(str(target))}: is not empty ({held} hold rows); copy into a new database"
            )
        copied: dict[str, int] = {}
        with into.transaction():
            for table in tables:
                copied[table] = _copy_table(hub, into, table)
            into.restart_ids()
    return copied


def _tables_parents_first(db: SqliteDatabase) -> list[str]:
    """The tables in an order where each comes after those its foreign keys point to."""
    names = [
        row["name"]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    parents = {
        name: {row["table"] for row in db.execute(f'PRAGMA foreign_key_list("{name}")')} - {name}
        for name in names
    }
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [name for name in names if name not in ordered and parents[name] <= set(ordered)]
        if not ready:
            raise StoreError(
                f"the schema's foreign keys form a cycle among {sorted(set(names) - set(ordered))}"
            )
        ordered.extend(ready)
    return ordered


def _copy_table(source: SqliteDatabase, target: Database, table: str) -> int:
    columns = [row["name"] for row in source.execute(f'PRAGMA table_info("{table}")')]
    names = ", ".join(f'"{column}"' for column in columns)
    rows = source.execute(f'SELECT {names} FROM "{table}"')
    insert = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    count = 0
    while batch := rows.fetchmany(_BATCH):
        target.executemany(insert, [tuple(row) for row in batch])
        count += len(batch)
    return count
