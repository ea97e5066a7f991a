"""The store from the settings: SQLite at a path, or PostgreSQL at a URL (see bot.storage).

Apart from the fetcher, so the commands that only read the store (`status`, `feeds list`) load
no HTTP client.
"""

from __future__ import annotations

from bot.config import Settings
from bot.storage import Store, open_store


def open_state(settings: Settings) -> Store:
    return open_store(settings.database)
