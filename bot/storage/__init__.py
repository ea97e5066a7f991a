"""Durable state: feeds, the items already seen, the post queue and notices for admins.

:class:`Store` is the whole interface the rest of hashbot uses; :mod:`bot.storage.sqlite` is the
one backend today and holds every line of SQL, so another (PostgreSQL) can be added beside it.
This package imports no database driver: :func:`open_store` loads the backend when called.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from bot.storage.records import (
    DEFAULT_INTERVAL,
    Feed,
    NewPost,
    Notice,
    PollFailure,
    PollRecord,
    PostState,
    QueuedPost,
)


class Store(Protocol):
    """What hashbot needs from a database. Every method is one transaction."""

    # Feeds
    def add_feed(self, feed: Feed) -> Feed:
        """Save a new feed and return it with its id; a duplicate URL is a StoreError."""
        ...

    def feed(self, ref: int | str) -> Feed | None:
        """A feed by id or by URL."""
        ...

    def feeds(self) -> list[Feed]: ...

    def due_feeds(self, now: datetime) -> list[Feed]:
        """Enabled feeds whose next check is due, the most overdue first."""
        ...

    def remove_feed(self, feed_id: int) -> None:
        """Forget a feed and what it has seen; its posts stay in the queue."""
        ...

    def set_feed_enabled(self, feed_id: int, enabled: bool) -> None:
        """Switch a feed on or off; switching on clears its error count so it is polled at once."""
        ...

    # Polling
    def seen_keys(self, feed_id: int, keys: Collection[str]) -> set[str]:
        """Which of `keys` the feed has already seen."""
        ...

    def save_poll(self, record: PollRecord) -> list[int]:
        """Record a successful poll; returns the ids of the posts it queued (duplicates are not)."""
        ...

    def save_failure(self, failure: PollFailure) -> None: ...

    # Queue
    def enqueue(self, post: NewPost, *, now: datetime) -> int | None:
        """Queue a post unless one of its keys is already queued for that chat; its id or None."""
        ...

    def posts(self, *, states: Collection[PostState] = (), limit: int | None = None) -> list[QueuedPost]:
        """Posts in queue order (scheduled time, then id), optionally only some states."""
        ...

    def set_post_state(
        self,
        post_id: int,
        state: PostState,
        *,
        now: datetime,
        message_id: int | None = None,
        error: str | None = None,
        only_from: Collection[PostState] = (),
    ) -> bool:
        """Move a post to `state`; with `only_from`, only from those states (False if it was not).

        Cancelling is ``set_post_state(id, SKIPPED, only_from=[QUEUED])``: a post the scheduler has
        just claimed for sending is not skipped behind its back.
        """
        ...

    def post(self, post_id: int) -> QueuedPost | None: ...

    def count_posts(self) -> dict[PostState, int]: ...

    # Notices for admins
    def notices(self, *, unread_only: bool = True) -> list[Notice]: ...

    def mark_notices_read(self, ids: Sequence[int]) -> None: ...

    def claim_notices(self) -> list[Notice]:
        """Unread notices, marked read in the same transaction: two callers never get the same one."""
        ...

    def release_notices(self, ids: Sequence[int]) -> None:
        """Mark claimed notices unread again, when they could not be delivered to anyone."""
        ...

    def close(self) -> None: ...


def open_store(path: Path) -> Store:
    """Open (creating and migrating as needed) the SQLite store at `path`."""
    from bot.storage.sqlite import SqliteStore

    return SqliteStore.open(path)


__all__ = [
    "DEFAULT_INTERVAL",
    "Feed",
    "NewPost",
    "Notice",
    "PollFailure",
    "PollRecord",
    "PostState",
    "QueuedPost",
    "Store",
    "open_store",
]
