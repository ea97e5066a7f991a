"""`hashbot copy-db`: move a channel's whole database to another (SQLite to PostgreSQL, or back)."""

from __future__ import annotations

from pathlib import Path

from bot.cli._common import EXIT_OK, Console
from bot.cli._table import CopyDbOptions
from bot.config import Settings
from bot.errors import StoreError
from bot.logs import redact
from bot.storage import is_database_url
from bot.storage.transfer import copy_database


def copy_db(options: CopyDbOptions, settings: Settings, console: Console) -> int:
    source = settings.database
    if not is_database_url(source) and not Path(source).exists():
        raise StoreError(f"{source}: no database to copy (HASHBOT_DATABASE)")
    copied = copy_database(source, options.target)
    rows = ", ".join(f"{count} {table}" for table, count in sorted(copied.items()) if count)
    print(f"copied {redact(source)} to {redact(options.target)}: {rows or 'no rows'}", file=console.out)
    return EXIT_OK
