"""What :class:`bot.storage.sql.SqlStore` needs of a database connection, whichever the dialect.

The store writes one SQL, in the subset SQLite and PostgreSQL both accept (``?`` placeholders,
``INSERT … ON CONFLICT``, ``RETURNING``, window functions); a :class:`Database` runs it on its own
driver and supplies the few fragments the two spell differently (:class:`Spelling`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from bot.errors import StoreUnavailable


class Cursor(Protocol):
    """The result of one statement; rows are read by column name (``row["id"]``)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


@dataclass(frozen=True, slots=True)
class Spelling:
    """The SQL fragments the two dialects write differently, as ``str.format`` templates."""

    #: A JSON text column's top-level string field: ``{column}``, ``{field}``.
    json_field: str
    #: Within a group whose SELECT also has ``MAX({by})``: ``{value}`` of the row with that maximum
    #: (``{by}`` a time as the store writes it, in text of a fixed width).
    latest: str
    #: What a claim's subquery ends with (a worker claiming feeds): PostgreSQL locks the rows it
    #: claims and skips those another claim holds; SQLite's write lock already serializes claims.
    skip_locked: str


class Database(Protocol):
    """One connection, used from one thread; statements outside :meth:`transaction` autocommit."""

    @property
    def spelling(self) -> Spelling: ...

    @property
    def integrity_error(self) -> type[Exception]:
        """What the driver raises when a constraint (a unique URL) refuses a write."""
        ...

    def stored(self, text: str) -> str:
        """`text` as it reads back once written (PostgreSQL's text cannot hold a NUL character)."""
        ...

    def execute(self, query: str, params: Sequence[object] = ()) -> Cursor: ...

    def executemany(self, query: str, rows: Iterable[Sequence[object]]) -> None: ...

    def transaction(self) -> AbstractContextManager[None]:
        """A write transaction, one writer at a time: what it read stays true until it commits."""
        ...

    def restart_ids(self) -> None:
        """Make each id counter go on after the highest id present (rows were copied in with ids)."""
        ...

    def vacuum(self) -> None:
        """Give deleted rows' space back and refresh the planner's statistics."""
        ...

    def close(self) -> None: ...


def check_version(version: int, known: int, where: str) -> None:
    """Refuse a database that a newer hashbot has migrated past what this one knows."""
    if version > known:
        raise StoreUnavailable(
            f"{where}: the database has schema version {version}, newer than this hashbot "
            f"understands ({known}); upgrade hashbot"
        )
