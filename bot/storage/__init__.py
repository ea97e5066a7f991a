"""Durable state: feeds, the items already seen, the post queue and notices for admins.

:class:`Store` is the whole interface the rest of hashbot uses. :mod:`bot.storage.sql` holds every
line of SQL, written once in the subset of SQL that SQLite and PostgreSQL both accept;
:mod:`bot.storage.sqlite` runs it on a file (the embedded default), :mod:`bot.storage.postgres` on
a shared server. This package imports no database driver: :func:`open_store` loads the backend
HASHBOT_DATABASE names when called.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from bot.models import TagUse
from bot.storage.lifecycle import DECISIONS, TRANSITIONS, PostEvent, PostKind, PostState
from bot.storage.records import (
    DEFAULT_INTERVAL,
    AdminRequest,
    DeskMessage,
    DigestItem,
    Feed,
    FeedClaim,
    FeedMedia,
    Lease,
    MastodonStatus,
    MessageReactions,
    NewFeed,
    NewPost,
    Notice,
    PollFailure,
    PollRecord,
    PublishedCounts,
    QueuedPost,
    Revision,
    StatusState,
    TagEvent,
    TagReactions,
    TagRule,
)

#: The flag that holds why publishing is paused; absent when it is not. Read through Store.paused.
_PAUSED = "paused"
_DRY_RUN = "dry_run"


class Store(Protocol):
    """What hashbot needs from a database. Every method is one transaction.

    A backend subclasses this protocol, so it inherits the lifecycle's event methods.
    """

    # Feeds
    def add_feed(self, feed: NewFeed, *, now: datetime) -> Feed:
        """Save a new feed, created `now`, and return it as stored; a duplicate URL is a StoreError."""
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

    # Workers sharing the database: claims on feed polls, named leases (bot.workers)
    def claim_feeds(self, claim: FeedClaim) -> list[Feed]:
        """Lease to `claim.owner` up to `claim.limit` enabled feeds that no unexpired lease holds.

        The most overdue first, in one statement, so two workers claiming at once never get the
        same feed (PostgreSQL skips rows another claim has locked; SQLite's write lock serializes
        them). The poll's :meth:`save_poll` or :meth:`save_failure` ends the lease; a worker
        killed mid-poll leaves it to expire, and the feed is claimed again then.
        """
        ...

    def release_feeds(self, owner: str) -> int:
        """End the feed leases `owner` still holds (a worker stopping cleanly); how many."""
        ...

    def take_lease(self, name: str, *, owner: str, now: datetime, expires: datetime) -> str:
        """Take or renew the lease `name` for `owner` until `expires`, unless another holds it unexpired.

        Returns the holder after the attempt: `owner` when it has the lease.
        """
        ...

    def release_lease(self, name: str, *, owner: str, expires: datetime) -> None:
        """Shorten `owner`'s lease `name` to end at `expires` (a worker stopping); others' untouched."""
        ...

    def leases(self) -> list[Lease]:
        """Every named lease as stored, expired ones too (the caller knows what time it is)."""
        ...

    # Polling
    def seen_keys(self, feed_id: int, keys: Collection[str]) -> set[str]:
        """Which of `keys` the feed has already seen."""
        ...

    def save_poll(self, record: PollRecord) -> list[int]:
        """Record a successful poll; returns the ids of the posts it queued (duplicates are not).

        With `record.owner`, only while that worker still holds the feed's claim, which the save
        ends; otherwise nothing is written and :class:`~bot.errors.LeaseLost` is raised.
        """
        ...

    def save_failure(self, failure: PollFailure) -> None:
        """Record a failed poll; `failure.owner` as for :meth:`save_poll`."""
        ...

    # Queue
    def enqueue(self, post: NewPost, *, now: datetime) -> int | None:
        """Queue a post unless one of its keys is already queued for that chat; its id or None."""
        ...

    def posts(self, *, states: Collection[PostState] = (), limit: int | None = None) -> list[QueuedPost]:
        """Posts in queue order (scheduled time, then id), optionally only some states."""
        ...

    # The post lifecycle (bot.storage.lifecycle): backends implement `transition`; every event
    # method below is defined once, here, on top of it.
    def transition(
        self,
        post_id: int,
        event: PostEvent,
        *,
        now: datetime,
        message_id: int | None = None,
        note: str | None = None,
        tags: Sequence[str] | None = None,
        scheduled: datetime | None = None,
    ) -> bool:
        """Apply `event` to a post if :data:`TRANSITIONS` allows it from the post's state.

        One transaction: read the post, :func:`~bot.storage.lifecycle.plan` the change, write it.
        False (and nothing changed) when the table refuses, so of two racing events one wins; a
        StoreError if there is no such post. `tags` (the new ones of ``edit_tags``, those a
        ``mark_sent`` or ``confirm_sent`` post is in the chat with) enter the chat's tag history
        in the same transaction.
        """
        ...

    def hold(self, post_id: int, *, now: datetime) -> bool:
        """``queued → awaiting``: put to the admins for approval instead of sent."""
        return self.transition(post_id, PostEvent.HOLD, now=now)

    def claim(self, post_id: int, *, now: datetime, tags: Sequence[str] | None = None) -> bool:
        """``queued | awaiting → sending``, counting an attempt; committed before the send.

        A crash between the send and its record leaves the post in ``sending``, where start-up
        finds it (:meth:`mark_sending_uncertain`), so it is never sent twice. From ``awaiting``
        (an admin's [Publish]) the post is approved too. `tags`, those the send goes out with, are
        kept as its ``sending_tags``: an admin's [Mark sent] records them if the send is lost.
        """
        return self.transition(post_id, PostEvent.CLAIM, now=now, tags=tags)

    def mark_sent(
        self, post_id: int, *, now: datetime, message_id: int | None, tags: Sequence[str] = ()
    ) -> bool:
        """``sending → sent``, with the message id Telegram gave it and the tags it went out with.

        The tags enter the chat's tag history in the same transaction (see :meth:`tag_uses`).
        """
        return self.transition(post_id, PostEvent.MARK_SENT, now=now, message_id=message_id, tags=tags)

    def mark_previewed(self, post_id: int, *, now: datetime, note: str) -> bool:
        """``sending → skipped``: it went to a preview (dry run) and will not be published."""
        return self.transition(post_id, PostEvent.MARK_PREVIEWED, now=now, note=note)

    def preview(self, post_id: int, *, now: datetime) -> bool:
        """``queued → queued``, stamped ``previewed``: a dry run showed it; a restart does not again."""
        return self.transition(post_id, PostEvent.PREVIEW, now=now)

    def requeue(self, post_id: int, *, now: datetime, error: str | None) -> bool:
        """``sending → queued``: not delivered, tried again later; `error` says why."""
        return self.transition(post_id, PostEvent.REQUEUE, now=now, note=error)

    def mark_uncertain(
        self, post_id: int, *, now: datetime, error: str, tags: Sequence[str] | None = None
    ) -> bool:
        """``sending → uncertain``: it may or may not have reached the chat, with `tags` (its
        ``sending_tags``, when the send's last rendering changed them since the claim)."""
        return self.transition(post_id, PostEvent.MARK_UNCERTAIN, now=now, note=error, tags=tags)

    def mark_failed(self, post_id: int, *, now: datetime, error: str) -> bool:
        """``sending → failed``: refused for good, or out of attempts."""
        return self.transition(post_id, PostEvent.MARK_FAILED, now=now, note=error)

    def reject(self, post_id: int, *, now: datetime, error: str) -> bool:
        """``queued | awaiting → failed``: it cannot be rendered, so nothing is sent."""
        return self.transition(post_id, PostEvent.REJECT, now=now, note=error)

    def edit_tags(self, post_id: int, tags: Sequence[str], *, now: datetime) -> bool:
        """Make `tags` exactly the post's hashtags, while it awaits approval (False if it does not).

        An admin's choice is the chat's vocabulary already: the tags enter its tag history, and a
        later send replaces them there with the tags it went out with, so the post counts once.
        """
        return self.transition(post_id, PostEvent.EDIT_TAGS, now=now, tags=tags)

    def decide(
        self,
        post_id: int,
        decision: PostEvent,
        *,
        now: datetime,
        note: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> bool:
        """An admin's decision (one of :data:`DECISIONS`); of two decisions on a post, one wins.

        ``confirm_sent`` ([Mark sent]) takes the `tags` the post is in the chat with: they enter
        its tag history as a sent post's do (:meth:`mark_sent`), in the same transaction.
        """
        if decision not in DECISIONS:
            raise ValueError(f"{decision} is not an admin's decision")
        return self.transition(post_id, decision, now=now, note=note, tags=tags)

    def schedule(self, post_id: int, when: datetime, *, now: datetime, note: str) -> bool:
        """``awaiting → queued`` as a one-off post at `when`: an admin's [Schedule…] (False if decided)."""
        return self.transition(post_id, PostEvent.SCHEDULE, now=now, note=note, scheduled=when)

    def post(self, post_id: int) -> QueuedPost | None: ...

    def post_with_keys(self, chat: str, keys: Collection[str]) -> QueuedPost | None:
        """The newest post of `chat` that has one of the dedup `keys`: the chat has that article."""
        ...

    def count_posts(self) -> dict[PostState, int]: ...

    def sent_times(self, since: datetime) -> list[datetime]:
        """When the posts sent since `since` went out, oldest first (for the hourly and daily caps)."""
        ...

    def mark_sending_uncertain(self, *, now: datetime) -> list[QueuedPost]:
        """At start-up: posts left in ``sending`` by a crash become ``uncertain``; returns them.

        The ``mark_uncertain`` event, applied to every post in ``sending`` in one transaction.
        """
        ...

    # Questions put to admins about posts (approval previews, uncertain posts)
    def save_desk_messages(self, messages: Sequence[DeskMessage]) -> None:
        """Remember the messages (one per admin) that ask about a post; a newer one replaces the older."""
        ...

    def desk_messages(self, desk: str, post_id: int) -> list[DeskMessage]: ...

    def forget_desk_messages(self, desk: str, post_id: int) -> None: ...

    def take_desk_messages(self, desk: str, post_id: int) -> list[DeskMessage]:
        """Forget the question's messages and return them, in one transaction.

        The claim of a decision no lifecycle event guards ([Post again]): of two clicks, in one
        process or two, one gets the messages and acts; the other gets none.
        """
        ...

    # What each admin was asked and the bot awaits as their next message
    def save_admin_request(self, request: AdminRequest) -> None:
        """Remember a question put to an admin, replacing any earlier one of theirs."""
        ...

    def admin_request(self, admin_id: int) -> AdminRequest | None: ...

    def forget_admin_request(self, admin_id: int) -> None: ...

    # Flags that survive restarts (global, not per admin)
    def flag(self, name: str) -> str | None: ...

    def set_flag(self, name: str, value: str | None) -> None:
        """Set a flag, or clear it with None."""
        ...

    # The publishing pause: the store is its one owner, so every process (the bot's /status,
    # `hashbot status`, the run loop) reads the same answer.
    def paused(self) -> str | None:
        """Why publishing is paused; None when it is not."""
        return self.flag(_PAUSED)

    def pause(self, reason: str) -> None:
        """Pause publishing (for every process on this database) until :meth:`resume`."""
        self.set_flag(_PAUSED, reason)

    def resume(self) -> str | None:
        """Resume publishing; returns why it was paused, None if it was not."""
        was = self.paused()
        self.set_flag(_PAUSED, None)
        return was

    # Dry run (`/dryrun`), owned by the store like the pause: it holds across restarts.
    def dry_run(self) -> str | None:
        """Who turned dry run on (``turned on by Ada``); None when the bot publishes."""
        return self.flag(_DRY_RUN)

    def set_dry_run(self, reason: str | None) -> None:
        """Turn dry run on (`reason` says who did) or off (None).

        Turned on anew, a dry run shows every queued post again, the ones an earlier dry run showed
        too; kept on (a restart), it shows none twice.
        """
        if reason is not None and self.dry_run() is None:
            self.forget_previews()
        self.set_flag(_DRY_RUN, reason)

    def forget_previews(self) -> None:
        """No queued post counts as shown by a dry run any more (see :meth:`preview`)."""
        ...

    # Mastodon statuses: their own state beside each post's
    def queue_status(self, post_id: int, *, now: datetime) -> None:
        """The post (sent to the channel) is to be a Mastodon status too; once per post."""
        ...

    def due_statuses(self, now: datetime, *, limit: int) -> list[MastodonStatus]:
        """Queued statuses whose next try has come, the most overdue first."""
        ...

    def statuses(self) -> list[MastodonStatus]: ...

    def status_sent(self, post_id: int, url: str) -> None: ...

    def status_failed(self, post_id: int, error: str, *, retry_at: datetime | None) -> None:
        """A try failed: try again at `retry_at`, or give up (``failed``) when it is None."""
        ...

    def count_statuses(self) -> dict[StatusState, int]: ...

    # Digests: a digest feed's items wait aside until its digest time
    def digest_items(self, feed_id: int) -> list[DigestItem]:
        """The feed's items waiting for its next digest, oldest first."""
        ...

    def collect_digest(
        self, feed_id: int, items: Sequence[int], posts: Sequence[NewPost], *, now: datetime
    ) -> list[int]:
        """Queue the digest `posts` made of `items` and forget those items, in one transaction;
        the feed's last digest is now. Returns the queued posts' ids."""
        ...

    # Edits: feed items that came back changed
    def feed_posts(self, feed_id: int, guids: Collection[str], *, sent_since: datetime) -> list[QueuedPost]:
        """The feed's posts of the items with these guids: waiting ones, and those sent since `sent_since`."""
        ...

    def posts_to_edit(self) -> list[QueuedPost]:
        """Sent posts whose article changed since: their channel messages wait to be edited."""
        ...

    def edit_done(self, post_id: int) -> None:
        """The post's message was edited (or can no longer be): it no longer waits."""
        ...

    # Long reads (Telegraph pages), by the article's key
    def long_read(self, key: str) -> str | None:
        """The page made for the article with this key, if one was."""
        ...

    def save_long_read(self, key: str, url: str, *, now: datetime) -> None: ...

    # Housekeeping
    def prune_seen(self, *, older_than: timedelta, now: datetime, keep_per_feed: int) -> int:
        """Forget seen items older than `older_than`, but never a feed's newest `keep_per_feed`.

        The newest are kept whatever their age, so a feed that stopped changing still carries
        only items it remembers, and pruning can never make it queue old items again.
        """
        ...

    def vacuum(self) -> None: ...

    # Notices for admins
    def claim_notices(self) -> list[Notice]:
        """Unread notices, marked read in the same transaction: two callers never get the same one."""
        ...

    def release_notices(self, ids: Sequence[int]) -> None:
        """Mark claimed notices unread again, when they could not be delivered to anyone."""
        ...

    # The channel vocabulary: tag history, admins' rules, reactions, statistics
    def tag_uses(
        self,
        *,
        chat: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
        prefix: str = "",
        sent_only: bool = False,
    ) -> list[TagUse]:
        """Tags in the history (of `chat`, or all chats; since `since`), by posts, most first.

        Each tag is counted by comparison key and named by its latest spelling; `prefix` keeps
        the tags whose key starts with that of `prefix`.
        """
        ...

    def tags_since(
        self, *, chat: str, since: datetime, posts: Collection[int] = (), window: datetime | None = None
    ) -> list[str]:
        """Every tag `chat`'s history holds from `since` on (each post's, sent or decided), and
        before it those of `posts` from `window` on, oldest first.

        What changed since a vocabulary read at `since`: the tags written since, and the present
        tags of the posts whose tags could still be rewritten then (:meth:`unsettled_posts`).
        """
        ...

    def unsettled_posts(self, *, chat: str, since: datetime) -> list[int]:
        """`chat`'s posts with tags in its history from `since` on that a send or an admin's choice
        may still rewrite (their rows are replaced then, see :meth:`edit_tags`), by id."""
        ...

    def tag_rules(self) -> list[TagRule]:
        """The admins' aliases (by tag), then their blocked tags."""
        ...

    def set_tag_rule(self, rule: TagRule, *, now: datetime) -> None:
        """Save a rule; it replaces any rule on the same tag (an alias becomes a block or back)."""
        ...

    def remove_tag_rule(self, tag: str, *, blocked: bool) -> TagRule | None:
        """Drop the block (`blocked`) or the alias on `tag`: the rule dropped, None if there was none."""
        ...

    def record_reactions(self, reactions: MessageReactions) -> int | None:
        """Save a message's reaction counts (the latest replace the earlier); the post id it matched."""
        ...

    def published_counts(
        self, *, bounds: Sequence[datetime], chat: str | None = None, top: int = 10
    ) -> PublishedCounts:
        """The figures `hashbot stats` shows: posts sent from the first of `bounds` to the last,
        counted in each interval between two bounds (the window's days), by feed and by tag."""
        ...

    def close(self) -> None: ...


def open_store(location: str | Path) -> Store:
    """Open (creating and migrating as needed) the store at `location`: a SQLite file's path, or a
    ``postgresql://`` URL."""
    if is_database_url(location):
        from bot.storage.postgres import open_postgres

        return open_postgres(str(location))
    from bot.storage.sqlite import open_sqlite

    return open_sqlite(Path(location))


def open_store_copy(location: str | Path) -> Store:
    """An in-memory SQLite copy of the store at `location`, for dry runs: nothing done to it
    reaches the database it was copied from."""
    if is_database_url(location):
        from bot.storage.postgres import open_postgres_copy

        return open_postgres_copy(str(location))
    from bot.storage.sqlite import open_sqlite_copy

    return open_sqlite_copy(Path(location))


def is_database_url(location: str | Path) -> bool:
    """Whether HASHBOT_DATABASE names a PostgreSQL server rather than a SQLite file."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


__all__ = [
    "DECISIONS",
    "DEFAULT_INTERVAL",
    "TRANSITIONS",
    "AdminRequest",
    "DeskMessage",
    "DigestItem",
    "Feed",
    "FeedClaim",
    "FeedMedia",
    "Lease",
    "MastodonStatus",
    "MessageReactions",
    "NewFeed",
    "NewPost",
    "Notice",
    "PollFailure",
    "PollRecord",
    "PostEvent",
    "PostKind",
    "PostState",
    "PublishedCounts",
    "QueuedPost",
    "Revision",
    "StatusState",
    "Store",
    "TagEvent",
    "TagReactions",
    "TagRule",
    "is_database_url",
    "open_store",
    "open_store_copy",
]
