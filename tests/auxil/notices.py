"""Look at the admins' unread notices without consuming them."""

from __future__ import annotations

from bot.storage import Notice, Store


def unread_notices(store: Store) -> list[Notice]:
    """The unread notices, left unread: claimed and released again through the store's own API."""
    notices = store.claim_notices()
    store.release_notices([notice.id for notice in notices])
    return notices
