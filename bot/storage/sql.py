"""The SQL store: every statement hashbot runs, in the SQL that SQLite and PostgreSQL both accept.

:class:`SqlStore` implements :class:`bot.storage.Store` on a :class:`~bot.storage.database.Database`
(:mod:`bot.storage.sqlite` or :mod:`bot.storage.postgres`), which runs it on its driver. Writes
are transactions of one writer at a time on both, so what a transaction read is still true when
it writes (a post's state, a duplicate key), as SQLite's ``BEGIN IMMEDIATE`` always promised.
Flags are integers 0/1 and are compared as such (PostgreSQL wants a boolean after ``WHERE``);
a boolean parameter only ever feeds a ``CASE WHEN``.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from bot.errors import LeaseLost, StoreError
from bot.models import TagUse
from bot.storage import Store
from bot.storage.database import Database, Spelling
from bot.storage.lifecycle import TRANSITIONS, PostEvent, PostKind, PostState, plan
from bot.storage.records import (
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
    StatusState,
    TagEvent,
    TagReactions,
    TagRule,
    article_from_dict,
    article_to_dict,
)

_FEED_COLUMNS = (
    "url, name, chat, topic, template, interval, tags, include, exclude, lang, fetch_pages, silent, media,"
    " telegraph, edit_updates, digest_at, mastodon, enabled"
)
_MAX_PARAMS = 500
#: A tag ranks by reactions per post once this many of its posts are counted: one lucky post is no trend.
REACTION_MIN_POSTS = 3


def _is_rowid(number: int) -> bool:
    """Whether `number` fits an id column (64 bits on both): an admin may type any number."""
    return -(2**63) <= number < 2**63


def _time(value: datetime | None) -> str | None:
    """UTC ISO 8601 with a fixed width, so text order is time order in SQL comparisons."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="microseconds")


#: The width of every time :func:`_time` writes: text order is time order, and a time leads a
#: string it is joined to by a known number of characters.
TIME_WIDTH = len(_time(datetime(2000, 1, 1, tzinfo=UTC)) or "")


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _strings(value: str) -> tuple[str, ...]:
    return tuple(json.loads(value))


class SqlStore(Store):
    """:class:`bot.storage.Store` on one database connection, used from one thread."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @property
    def database(self) -> Database:
        """The connection beneath, for whole-database work (:mod:`bot.storage.transfer`)."""
        return self._db

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[Database]:
        with self._db.transaction():
            yield self._db

    # Feeds

    def add_feed(self, feed: NewFeed, *, now: datetime) -> Feed:
        values = (
            feed.url,
            feed.name,
            feed.chat,
            feed.topic,
            feed.template,
            feed.interval,
            json.dumps(feed.tags),
            json.dumps(feed.include),
            json.dumps(feed.exclude),
            feed.lang,
            int(feed.fetch_pages),
            int(feed.silent),
            feed.media.value,
            int(feed.telegraph),
            int(feed.edit_updates),
            json.dumps(feed.digest_at),
            int(feed.mastodon),
            int(feed.enabled),
        )
        try:
            with self._transaction() as db:
                row = db.execute(
                    f"INSERT INTO feeds ({_FEED_COLUMNS}, created)"
                    f" VALUES ({', '.join('?' * 19)}) RETURNING id",
                    (*values, _time(now)),
                ).fetchone()
        except self._db.integrity_error:
            raise StoreError(f"{feed.url}: this feed is already subscribed") from None
        added = self.feed(int(row["id"]))
        assert added is not None
        return added

    def feed(self, ref: int | str) -> Feed | None:
        if isinstance(ref, int) and not _is_rowid(ref):
            return None
        column = "id" if isinstance(ref, int) else "url"
        row = self._db.execute(f"SELECT * FROM feeds WHERE {column} = ?", (ref,)).fetchone()
        return _feed(row) if row else None

    def feeds(self) -> list[Feed]:
        return [_feed(row) for row in self._db.execute("SELECT * FROM feeds ORDER BY id")]

    def due_feeds(self, now: datetime) -> list[Feed]:
        rows = self._db.execute(
            "SELECT * FROM feeds WHERE enabled = 1 AND (next_check IS NULL OR next_check <= ?)"
            " ORDER BY next_check IS NOT NULL, next_check, id",
            (_time(now),),
        )
        return [_feed(row) for row in rows]

    def remove_feed(self, feed_id: int) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def set_feed_enabled(self, feed_id: int, enabled: bool) -> None:
        with self._transaction() as db:
            if enabled:
                db.execute(
                    "UPDATE feeds SET enabled = 1, error_count = 0, next_check = NULL WHERE id = ?",
                    (feed_id,),
                )
            else:
                db.execute("UPDATE feeds SET enabled = 0 WHERE id = ?", (feed_id,))

    # Workers

    def claim_feeds(self, claim: FeedClaim) -> list[Feed]:
        now = _time(claim.now)
        where, params = ["enabled = 1", "(lease_expires IS NULL OR lease_expires <= ?)"], list[object]([now])
        if claim.unchecked_since is None:
            where.append("(next_check IS NULL OR next_check <= ?)")
            params.append(now)
        else:
            where.append("(last_checked IS NULL OR last_checked < ?)")
            params.append(_time(claim.unchecked_since))
        if claim.feed_ids is not None:
            wanted = [feed_id for feed_id in claim.feed_ids if _is_rowid(feed_id)][:_MAX_PARAMS]
            where.append(f"id IN ({', '.join('?' * len(wanted)) or 'NULL'})")
            params.extend(wanted)
        with self._transaction() as db:
            # MATERIALIZED: the feeds are picked once. As a plain subquery PostgreSQL may run the
            # LIMIT … SKIP LOCKED again for each row it updates, and claim more than the limit.
            rows = db.execute(
                "WITH picked AS MATERIALIZED ("
                f" SELECT id FROM feeds WHERE {' AND '.join(where)}"
                f" ORDER BY next_check IS NOT NULL, next_check, id LIMIT ?{db.spelling.skip_locked})"
                " UPDATE feeds SET lease_owner = ?, lease_expires = ? WHERE id IN (SELECT id FROM picked)"
                " RETURNING *",
                (*params, claim.limit, claim.owner, _time(claim.now + claim.lease)),
            ).fetchall()
        # RETURNING keeps no order: the most overdue first again.
        feeds = [_feed(row) for row in rows]
        return sorted(
            feeds, key=lambda feed: (feed.next_check is not None, feed.next_check or claim.now, feed.id)
        )

    def release_feeds(self, owner: str) -> int:
        with self._transaction() as db:
            return db.execute(
                "UPDATE feeds SET lease_owner = NULL, lease_expires = NULL WHERE lease_owner = ?", (owner,)
            ).rowcount

    def take_lease(self, name: str, *, owner: str, now: datetime, expires: datetime) -> str:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO leases (name, owner, expires) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE"
                " SET owner = excluded.owner, expires = excluded.expires"
                " WHERE leases.owner = excluded.owner OR leases.expires <= ?",
                (name, owner, _time(expires), _time(now)),
            )
            row = db.execute("SELECT owner FROM leases WHERE name = ?", (name,)).fetchone()
        return str(row["owner"])

    def release_lease(self, name: str, *, owner: str, expires: datetime) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE leases SET expires = ? WHERE name = ? AND owner = ? AND expires > ?",
                (_time(expires), name, owner, _time(expires)),
            )

    def leases(self) -> list[Lease]:
        rows = self._db.execute("SELECT name, owner, expires FROM leases ORDER BY name").fetchall()
        return [Lease(row["name"], row["owner"], datetime.fromisoformat(row["expires"])) for row in rows]

    # Polling

    def seen_keys(self, feed_id: int, keys: Collection[str]) -> set[str]:
        found: set[str] = set()
        wanted = list(keys)
        for start in range(0, len(wanted), _MAX_PARAMS):
            chunk = wanted[start : start + _MAX_PARAMS]
            rows = self._db.execute(
                f"SELECT key FROM seen WHERE feed_id = ? AND key IN ({', '.join('?' * len(chunk))})",
                (feed_id, *chunk),
            )
            stored = {row["key"] for row in rows}
            found.update(key for key in chunk if self._db.stored(key) in stored)
        return found

    def save_poll(self, record: PollRecord) -> list[int]:
        checked = _time(record.checked)
        queued: list[int] = []
        with self._transaction() as db:
            _end_claim(db, record.feed_id, record.owner)
            db.execute(
                "UPDATE feeds SET etag = ?, last_modified = ?, last_checked = ?, last_success = ?,"
                " next_check = ?, error_count = 0, last_error = NULL WHERE id = ?",
                (
                    record.etag,
                    record.last_modified,
                    checked,
                    checked,
                    _time(record.next_check),
                    record.feed_id,
                ),
            )
            if record.url:
                db.execute(
                    "UPDATE feeds SET url = ? WHERE id = ?"
                    " AND NOT EXISTS (SELECT 1 FROM feeds WHERE url = ?)",
                    (record.url, record.feed_id, record.url),
                )
            db.executemany(
                "INSERT INTO seen (feed_id, key, first_seen) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [(record.feed_id, key, checked) for key in record.seen_keys],
            )
            db.executemany(
                "UPDATE posts SET article = ?, edit_pending = CASE WHEN ? THEN 1 ELSE edit_pending END"
                " WHERE id = ?",
                [
                    (json.dumps(article_to_dict(rev.article), ensure_ascii=False), rev.edit, rev.post_id)
                    for rev in record.revisions
                ],
            )
            db.executemany(
                "INSERT INTO digest_items (feed_id, article, created) VALUES (?, ?, ?)",
                [
                    (record.feed_id, json.dumps(article_to_dict(item.article), ensure_ascii=False), checked)
                    for item in record.digest_items
                ],
            )
            for post in record.posts:
                post_id = _insert_post(db, post, created=checked)
                if post_id is not None:
                    queued.append(post_id)
            for message in record.notices:
                _insert_notice(db, message, feed_id=record.feed_id, created=checked)
        return queued

    def save_failure(self, failure: PollFailure) -> None:
        with self._transaction() as db:
            _end_claim(db, failure.feed_id, failure.owner)
            db.execute(
                "UPDATE feeds SET last_checked = ?, next_check = ?, error_count = error_count + 1,"
                " last_error = ?, enabled = CASE WHEN ? THEN 0 ELSE enabled END WHERE id = ?",
                (
                    _time(failure.checked),
                    _time(failure.next_check),
                    failure.error,
                    failure.disable,
                    failure.feed_id,
                ),
            )
            if failure.notice:
                _insert_notice(db, failure.notice, feed_id=failure.feed_id, created=_time(failure.checked))

    # Queue

    def enqueue(self, post: NewPost, *, now: datetime) -> int | None:
        with self._transaction() as db:
            return _insert_post(db, post, created=_time(now))

    def posts(self, *, states: Collection[PostState] = (), limit: int | None = None) -> list[QueuedPost]:
        where = f"WHERE state IN ({', '.join('?' * len(states))})" if states else ""
        rows = self._db.execute(
            f"SELECT * FROM posts {where} ORDER BY scheduled IS NOT NULL, scheduled, id{_limit(limit)}",
            [state.value for state in states],
        )
        return [_post(row) for row in rows]

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
        with self._transaction() as db:
            found = db.execute("SELECT * FROM posts WHERE id = ?", (post_id,)) if _is_rowid(post_id) else None
            row = found.fetchone() if found else None
            if row is None:
                raise StoreError(f"post {post_id} does not exist")
            before = _post(row)
            after = plan(
                before, event, now=now, message_id=message_id, note=note, tags=tags, scheduled=scheduled
            )
            if after is None:
                return False
            _write_lifecycle(db, before, after)
            history = _HISTORY_EVENTS.get(event)
            if history is not None and tags is not None:
                _write_tag_history(db, before, tags, at=now, event=history)
            return True

    def post(self, post_id: int) -> QueuedPost | None:
        if not _is_rowid(post_id):
            return None
        row = self._db.execute("SELECT * FROM posts WHERE id = ?", (post_id,)).fetchone()
        return _post(row) if row else None

    def post_with_keys(self, chat: str, keys: Collection[str]) -> QueuedPost | None:
        if not keys:
            return None
        placeholders = ", ".join("?" * len(keys))
        row = self._db.execute(
            "SELECT posts.* FROM post_keys JOIN posts ON posts.id = post_keys.post_id"
            f" WHERE post_keys.chat = ? AND post_keys.key IN ({placeholders}) ORDER BY posts.id DESC LIMIT 1",
            (chat, *keys),
        ).fetchone()
        return _post(row) if row else None

    def sent_times(self, since: datetime) -> list[datetime]:
        rows = self._db.execute(
            "SELECT sent FROM posts WHERE state = 'sent' AND sent >= ? ORDER BY sent", (_time(since),)
        )
        return [datetime.fromisoformat(row["sent"]) for row in rows]

    def mark_sending_uncertain(self, *, now: datetime) -> list[QueuedPost]:
        note = f"found in sending at start-up ({_time(now)}): the send may or may not have happened"
        stuck: list[QueuedPost] = []
        with self._transaction() as db:
            for row in db.execute("SELECT * FROM posts WHERE state = 'sending' ORDER BY id").fetchall():
                before = _post(row)
                after = plan(before, PostEvent.MARK_UNCERTAIN, now=now, note=note)
                assert after is not None  # the table lets every sending post become uncertain
                _write_lifecycle(db, before, after)
                stuck.append(after)
        return stuck

    # Questions put to admins

    def save_desk_messages(self, messages: Sequence[DeskMessage]) -> None:
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO desk_messages (desk, post_id, chat_id, message_id, text, html)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (desk, post_id, chat_id)"
                " DO UPDATE SET message_id = excluded.message_id, text = excluded.text, html = excluded.html",
                [(m.desk, m.post_id, m.chat_id, m.message_id, m.text, int(m.html)) for m in messages],
            )

    def desk_messages(self, desk: str, post_id: int) -> list[DeskMessage]:
        rows = self._db.execute(
            "SELECT * FROM desk_messages WHERE desk = ? AND post_id = ? ORDER BY chat_id", (desk, post_id)
        )
        return [_desk_message(row) for row in rows]

    def take_desk_messages(self, desk: str, post_id: int) -> list[DeskMessage]:
        with self._transaction() as db:
            rows = db.execute(
                "DELETE FROM desk_messages WHERE desk = ? AND post_id = ? RETURNING *", (desk, post_id)
            ).fetchall()
        return sorted(map(_desk_message, rows), key=lambda message: message.chat_id)

    def forget_desk_messages(self, desk: str, post_id: int) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM desk_messages WHERE desk = ? AND post_id = ?", (desk, post_id))

    # What each admin was asked

    def save_admin_request(self, request: AdminRequest) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO admin_requests (admin_id, kind, post_id) VALUES (?, ?, ?) ON CONFLICT (admin_id)"
                " DO UPDATE SET kind = excluded.kind, post_id = excluded.post_id",
                (request.admin_id, request.kind, request.post_id),
            )

    def admin_request(self, admin_id: int) -> AdminRequest | None:
        if not _is_rowid(admin_id):
            return None
        row = self._db.execute("SELECT * FROM admin_requests WHERE admin_id = ?", (admin_id,)).fetchone()
        return AdminRequest(row["admin_id"], row["kind"], row["post_id"]) if row else None

    def forget_admin_request(self, admin_id: int) -> None:
        if _is_rowid(admin_id):
            with self._transaction() as db:
                db.execute("DELETE FROM admin_requests WHERE admin_id = ?", (admin_id,))

    # Flags

    def flag(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM flags WHERE name = ?", (name,)).fetchone()
        return str(row["value"]) if row else None

    def set_flag(self, name: str, value: str | None) -> None:
        with self._transaction() as db:
            if value is None:
                db.execute("DELETE FROM flags WHERE name = ?", (name,))
            else:
                db.execute(
                    "INSERT INTO flags (name, value) VALUES (?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    (name, value),
                )

    # Mastodon statuses

    def queue_status(self, post_id: int, *, now: datetime) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO mastodon_statuses (post_id, next_try, created) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (post_id, _time(now), _time(now)),
            )

    def due_statuses(self, now: datetime, *, limit: int) -> list[MastodonStatus]:
        rows = self._db.execute(
            "SELECT * FROM mastodon_statuses WHERE state = 'queued' AND next_try <= ?"
            " ORDER BY next_try, post_id LIMIT ?",
            (_time(now), limit),
        )
        return [_status(row) for row in rows]

    def statuses(self) -> list[MastodonStatus]:
        return [_status(row) for row in self._db.execute("SELECT * FROM mastodon_statuses ORDER BY post_id")]

    def status_sent(self, post_id: int, url: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE mastodon_statuses SET state = 'sent', url = ?, attempts = attempts + 1,"
                " last_error = NULL WHERE post_id = ? AND state = 'queued'",
                (url, post_id),
            )

    def status_failed(self, post_id: int, error: str, *, retry_at: datetime | None) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE mastodon_statuses SET attempts = attempts + 1, last_error = ?, state = ?,"
                " next_try = COALESCE(?, next_try) WHERE post_id = ? AND state = 'queued'",
                (error, "failed" if retry_at is None else "queued", _time(retry_at), post_id),
            )

    def count_statuses(self) -> dict[StatusState, int]:
        rows = self._db.execute("SELECT state, COUNT(*) AS n FROM mastodon_statuses GROUP BY state")
        counts = dict.fromkeys(StatusState, 0)
        counts.update({StatusState(row["state"]): row["n"] for row in rows})
        return counts

    # Digests

    def digest_items(self, feed_id: int) -> list[DigestItem]:
        rows = self._db.execute("SELECT * FROM digest_items WHERE feed_id = ? ORDER BY id", (feed_id,))
        return [
            DigestItem(
                id=row["id"],
                feed_id=row["feed_id"],
                article=article_from_dict(json.loads(row["article"])),
                created=datetime.fromisoformat(row["created"]),
            )
            for row in rows
        ]

    def collect_digest(
        self, feed_id: int, items: Sequence[int], posts: Sequence[NewPost], *, now: datetime
    ) -> list[int]:
        with self._transaction() as db:
            queued = [post_id for post in posts if (post_id := _insert_post(db, post, created=_time(now)))]
            db.executemany("DELETE FROM digest_items WHERE id = ?", [(item,) for item in items])
            db.execute("UPDATE feeds SET last_digest = ? WHERE id = ?", (_time(now), feed_id))
        return queued

    # Edits

    def feed_posts(self, feed_id: int, guids: Collection[str], *, sent_since: datetime) -> list[QueuedPost]:
        wanted = list(guids)
        guid = self._db.spelling.json_field.format(column="article", field="id")
        found: list[QueuedPost] = []
        for start in range(0, len(wanted), _MAX_PARAMS):
            chunk = wanted[start : start + _MAX_PARAMS]
            rows = self._db.execute(
                "SELECT * FROM posts WHERE feed_id = ?"
                f" AND {guid} IN ({', '.join('?' * len(chunk))})"
                " AND kind != 'digest'"
                " AND (state IN ('queued', 'awaiting') OR (state = 'sent' AND sent >= ?)) ORDER BY id",
                (feed_id, *chunk, _time(sent_since)),
            )
            found.extend(_post(row) for row in rows)
        return found

    def posts_to_edit(self) -> list[QueuedPost]:
        rows = self._db.execute("SELECT * FROM posts WHERE edit_pending = 1 AND state = 'sent' ORDER BY id")
        return [_post(row) for row in rows]

    def edit_done(self, post_id: int) -> None:
        with self._transaction() as db:
            db.execute("UPDATE posts SET edit_pending = 0 WHERE id = ?", (post_id,))

    def forget_previews(self) -> None:
        with self._transaction() as db:
            db.execute("UPDATE posts SET previewed = NULL WHERE previewed IS NOT NULL")

    # Long reads

    def long_read(self, key: str) -> str | None:
        row = self._db.execute("SELECT url FROM long_reads WHERE key = ?", (key,)).fetchone()
        return str(row["url"]) if row else None

    def save_long_read(self, key: str, url: str, *, now: datetime) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO long_reads (key, url, created) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET url = excluded.url, created = excluded.created",
                (key, url, _time(now)),
            )

    # Housekeeping

    def prune_seen(self, *, older_than: timedelta, now: datetime, keep_per_feed: int) -> int:
        with self._transaction() as db:
            cursor = db.execute(
                "DELETE FROM seen WHERE (feed_id, key) IN ("
                " SELECT feed_id, key FROM ("
                "  SELECT feed_id, key, first_seen,"
                "   ROW_NUMBER() OVER (PARTITION BY feed_id ORDER BY first_seen DESC, key) AS newer"
                "  FROM seen) AS ranked"
                " WHERE newer > ? AND first_seen < ?)",
                (keep_per_feed, _time(now - older_than)),
            )
            return cursor.rowcount

    def vacuum(self) -> None:
        self._db.vacuum()

    def count_posts(self) -> dict[PostState, int]:
        rows = self._db.execute("SELECT state, COUNT(*) AS n FROM posts GROUP BY state")
        counts = dict.fromkeys(PostState, 0)
        counts.update({PostState(row["state"]): row["n"] for row in rows})
        return counts

    # Notices

    def claim_notices(self) -> list[Notice]:
        # One statement reads and marks them, so a notice is claimed once.
        with self._transaction() as db:
            rows = db.execute("UPDATE notices SET read = 1 WHERE read = 0 RETURNING *").fetchall()
        return sorted((_notice(row) for row in rows), key=lambda notice: notice.id)

    def release_notices(self, ids: Sequence[int]) -> None:
        with self._transaction() as db:
            db.executemany("UPDATE notices SET read = 0 WHERE id = ?", [(id_,) for id_ in ids])

    # Tag history, vocabulary rules, reactions

    def tag_uses(
        self,
        *,
        chat: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
        prefix: str = "",
        sent_only: bool = False,
    ) -> list[TagUse]:
        where, params = _history_filter(chat=chat, since=since, sent_only=sent_only, table="h")
        if prefix:
            # The key is lowercase ASCII letters and digits: no LIKE wildcard can be in it.
            where += " AND h.key LIKE ?"
            params.append(f"{_tag_key(prefix)}%")
        rows = self._db.execute(
            f"SELECT tag, posts FROM ({_tag_counts_sql(where, self._db.spelling)}) k"
            f" ORDER BY posts DESC, key{_limit(limit)}",
            params,
        )
        return [TagUse(row["tag"], int(row["posts"])) for row in rows]

    def tags_since(
        self, *, chat: str, since: datetime, posts: Collection[int] = (), window: datetime | None = None
    ) -> list[str]:
        earlier = []
        if posts:
            # By post: an index range each (tag_history_by_post), however long the chat's history.
            earlier = self._db.execute(
                f"SELECT tag FROM tag_history WHERE post_id IN ({', '.join('?' * len(posts))})"
                " AND chat = ? AND at >= ? AND at < ? ORDER BY at, post_id, key",
                [*posts, chat, _time(window or since), _time(since)],
            ).fetchall()
        rows = self._db.execute(
            "SELECT tag FROM tag_history WHERE chat = ? AND at >= ? ORDER BY at, post_id, key",
            (chat, _time(since)),
        ).fetchall()
        return [row["tag"] for row in (*earlier, *rows)]

    def unsettled_posts(self, *, chat: str, since: datetime) -> list[int]:
        # From the posts by state (posts_by_sent), the few not settled yet, to their history rows.
        rows = self._db.execute(
            f"SELECT p.id FROM posts p WHERE p.state IN ({', '.join('?' * len(_RETAGGABLE))})"
            " AND p.chat = ? AND EXISTS (SELECT 1 FROM tag_history h WHERE h.post_id = p.id AND h.at >= ?)"
            " ORDER BY p.id",
            [*sorted(state.value for state in _RETAGGABLE), chat, _time(since)],
        )
        return [int(row["id"]) for row in rows]

    def tag_rules(self) -> list[TagRule]:
        rows = self._db.execute("SELECT * FROM tag_rules ORDER BY alias IS NULL, key")
        return [TagRule(row["tag"], row["alias"], row["author"]) for row in rows]

    def set_tag_rule(self, rule: TagRule, *, now: datetime) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO tag_rules (key, tag, alias, author, created) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET tag = excluded.tag, alias = excluded.alias,"
                " author = excluded.author, created = excluded.created",
                (_tag_key(rule.tag), rule.tag, rule.alias, rule.author, _time(now)),
            )

    def remove_tag_rule(self, tag: str, *, blocked: bool) -> TagRule | None:
        kind = "alias IS NULL" if blocked else "alias IS NOT NULL"
        with self._transaction() as db:
            row = db.execute(
                f"DELETE FROM tag_rules WHERE key = ? AND {kind} RETURNING tag, alias, author",
                (_tag_key(tag),),
            ).fetchone()
        return TagRule(row["tag"], row["alias"], row["author"]) if row else None

    def record_reactions(self, reactions: MessageReactions) -> int | None:
        names = [str(reactions.chat_id)]
        if reactions.chat_username:
            names.append(f"@{reactions.chat_username}")
        with self._transaction() as db:
            row = db.execute(
                "SELECT id FROM posts WHERE message_id = ?"
                f" AND chat IN ({', '.join('?' * len(names))}) ORDER BY id DESC LIMIT 1",
                (reactions.message_id, *names),
            ).fetchone()
            post_id = int(row["id"]) if row else None
            db.execute(
                "INSERT INTO reactions (chat, message_id, post_id, total, counts, updated)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat, message_id) DO UPDATE SET"
                " post_id = excluded.post_id, total = excluded.total, counts = excluded.counts,"
                " updated = excluded.updated",
                (
                    names[0],
                    reactions.message_id,
                    post_id,
                    reactions.total,
                    json.dumps(reactions.counts, ensure_ascii=False),
                    _time(reactions.at),
                ),
            )
            if post_id is not None:  # the statistics read a post's reactions with its tags
                db.execute(
                    "UPDATE tag_history SET reactions = ? WHERE post_id = ?", (reactions.total, post_id)
                )
        return post_id

    def published_counts(
        self, *, bounds: Sequence[datetime], chat: str | None = None, top: int = 10
    ) -> PublishedCounts:
        # Each figure reads a covering index (migration 13), never the posts' rows.
        in_chat, chat_params = (" AND p.chat = ?", [chat]) if chat is not None else ("", [])
        window = f"p.state = 'sent' AND p.sent >= ? AND p.sent < ?{in_chat}"
        window_params = [_time(bounds[0]), _time(bounds[-1]), *chat_params]
        days = ", ".join(["(?, ?)"] * (len(bounds) - 1))
        sent = self._db.execute(
            f"WITH days (day_start, day_end) AS (VALUES {days})"
            " SELECT day_start, (SELECT COUNT(*) FROM posts p WHERE p.state = 'sent'"
            f" AND p.sent >= day_start AND p.sent < day_end{in_chat}) AS n FROM days ORDER BY day_start",
            [*(_time(bound) for pair in pairwise(bounds) for bound in pair), *chat_params],
        )
        feeds = self._db.execute(
            "SELECT COALESCE(f.name, f.url) AS label, c.n FROM"
            f" (SELECT p.feed_id, COUNT(*) AS n FROM posts p WHERE {window} GROUP BY p.feed_id) c"
            " LEFT JOIN feeds f ON f.id = c.feed_id ORDER BY c.n DESC, label",
            window_params,
        )
        # CROSS JOIN: SQLite keeps this order, from the reactions (fewer rows than the posts).
        reacted = self._db.execute(
            "SELECT COUNT(*) AS n, COALESCE(SUM(r.total), 0) AS total FROM reactions r CROSS JOIN posts p"
            f" WHERE p.id = r.post_id AND r.total > 0 AND {window}",
            window_params,
        ).fetchone()
        tags, reactions = self._tag_figures(bounds[0], bounds[-1], chat=chat, top=top)
        return PublishedCounts(
            sent=tuple((datetime.fromisoformat(row["day_start"]), int(row["n"])) for row in sent),
            feeds=tuple((row["label"], int(row["n"])) for row in feeds),
            tags=tags,
            reactions=reactions,
            reacted_posts=int(reacted["n"]),
            reactions_total=int(reacted["total"]),
        )

    def _tag_figures(
        self, since: datetime, until: datetime, *, chat: str | None, top: int
    ) -> tuple[tuple[TagUse, ...], tuple[TagReactions, ...]]:
        """The `top` tags by posts, and by reactions per post, ranked in one statement.

        Every key is counted (per chat and key in index order, then across chats), but only the
        keys shown are spelled, each by its latest row (read from the index of its chats and key):
        spelling every key would compare the time of every row, half of the statement's time.
        """
        where, params = _history_filter(chat=chat, since=since, sent_only=True, table="h")
        where += " AND h.at < ?"
        params.append(_time(until))
        latest, latest_params = _history_filter(chat=chat, since=since, sent_only=True, table="t")
        latest += " AND t.at < ?"
        latest_params.append(_time(until))
        tag = self._db.spelling.latest.format(value="t.tag", by="t.at")
        eligible = "posts >= ? AND reactions > 0"
        rows = self._db.execute(
            "WITH per_chat AS (SELECT h.chat, h.key, COUNT(*) AS posts, SUM(h.reactions) AS reactions"
            f" FROM tag_history h WHERE {where} GROUP BY h.chat, h.key),"
            f" ranked AS (SELECT key, posts, reactions, {eligible} AS eligible,"
            " ROW_NUMBER() OVER (ORDER BY posts DESC, key) AS by_posts,"
            f" ROW_NUMBER() OVER (ORDER BY CASE WHEN {eligible} THEN 0 ELSE 1 END,"
            " CAST(reactions AS REAL) / posts DESC, reactions DESC, key) AS by_reactions"
            " FROM (SELECT key, SUM(posts) AS posts, SUM(reactions) AS reactions FROM per_chat"
            " GROUP BY key) counted)"
            f" SELECT ranked.*, (SELECT spelled.tag FROM (SELECT {tag} AS tag, MAX(t.at) AS at"
            " FROM per_chat pc JOIN tag_history t ON t.chat = pc.chat AND t.key = pc.key"
            f" WHERE pc.key = ranked.key AND {latest}) spelled) AS tag"
            " FROM ranked WHERE by_posts <= ? OR (eligible AND by_reactions <= ?)",
            [*params, REACTION_MIN_POSTS, REACTION_MIN_POSTS, *latest_params, top, top],
        ).fetchall()
        by_posts = sorted((row for row in rows if row["by_posts"] <= top), key=lambda row: row["by_posts"])
        by_reactions = sorted(
            (row for row in rows if row["eligible"] and row["by_reactions"] <= top),
            key=lambda row: row["by_reactions"],
        )
        return (
            tuple(TagUse(row["tag"], int(row["posts"])) for row in by_posts),
            tuple(TagReactions(row["tag"], int(row["posts"]), int(row["reactions"])) for row in by_reactions),
        )


def _tag_counts_sql(where: str, spelling: Spelling) -> str:
    """Per comparison key: its latest spelling, how many posts had it under `where`, and the
    reactions those posts drew (each history row carries its post's, see migration 16).

    In two steps, each in index order: per chat and key first, as migration 16's index holds them
    (no sort of every row), then per key across the chats (a few rows per key).
    """
    tag = spelling.latest.format(value="h.tag", by="h.at")
    latest_tag = spelling.latest.format(value="tag", by="latest")
    return (
        f"SELECT key, {latest_tag} AS tag, MAX(latest) AS latest, SUM(posts) AS posts,"
        " SUM(reactions) AS reactions FROM"
        f" (SELECT h.chat, h.key, {tag} AS tag, MAX(h.at) AS latest, COUNT(*) AS posts,"
        " SUM(h.reactions) AS reactions"
        f" FROM tag_history h WHERE {where} GROUP BY h.chat, h.key) per_chat GROUP BY key"
    )


def _limit(limit: int | None) -> str:
    """A LIMIT clause, or none: SQLite's `LIMIT -1` means no limit, PostgreSQL refuses it."""
    return "" if limit is None else f" LIMIT {int(limit)}"


def _history_filter(
    *, chat: str | None, since: datetime | None, sent_only: bool, table: str = "tag_history"
) -> tuple[str, list[object]]:
    """The WHERE clause (and its parameters) that picks a chat's tag history since a moment."""
    clauses, params = ["1 = 1"], list[object]()
    if chat is not None:
        clauses.append(f"{table}.chat = ?")
        params.append(chat)
    if since is not None:
        clauses.append(f"{table}.at >= ?")
        params.append(_time(since))
    if sent_only:
        clauses.append(f"{table}.event = 'sent'")
    return " AND ".join(clauses), params


#: The events whose tags enter the chat's tag history: those it went out with, those an admin chose.
_HISTORY_EVENTS = {
    PostEvent.MARK_SENT: TagEvent.SENT,
    PostEvent.CONFIRM_SENT: TagEvent.SENT,  # an admin found the uncertain post in the chat
    PostEvent.EDIT_TAGS: TagEvent.DECIDED,
}


def _states_before(events: Collection[PostEvent]) -> frozenset[PostState]:
    """The states from which some run of events leads to one of `events`, read off the rule book."""
    found = {state for event in events for state in TRANSITIONS[event]}
    while (
        more := {start for moves in TRANSITIONS.values() for start, end in moves.items() if end in found}
        - found
    ):
        found |= more
    return frozenset(found)


#: A post in these states may still have its history rows rewritten; the others' rows are final.
_RETAGGABLE = _states_before(_HISTORY_EVENTS)


def _write_tag_history(
    db: Database, post: QueuedPost, tags: Sequence[str], *, at: datetime, event: TagEvent
) -> None:
    """Make `tags` the post's entry in its chat's history: decided, then sent, it counts once."""
    db.execute("DELETE FROM tag_history WHERE post_id = ?", (post.id,))
    unique = {_tag_key(tag): tag for tag in reversed(tags)}  # the first spelling of a key wins
    reacted = db.execute("SELECT MAX(total) AS total FROM reactions WHERE post_id = ?", (post.id,)).fetchone()
    reactions = int(reacted["total"] or 0) if reacted else 0
    db.executemany(
        "INSERT INTO tag_history (post_id, chat, tag, key, at, event, reactions)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (post.id, post.chat, tag, key, _time(at), event.value, reactions)
            for key, tag in reversed(unique.items())
        ],
    )


def _desk_message(row: Any) -> DeskMessage:
    return DeskMessage(
        desk=row["desk"],
        post_id=row["post_id"],
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        text=row["text"],
        html=bool(row["html"]),
    )


def _write_lifecycle(db: Database, before: QueuedPost, after: QueuedPost) -> None:
    """Write what a lifecycle event may change of a post (see lifecycle.plan), nothing else.

    Guarded by the state it was planned from; the caller holds the write lock since the read.
    """
    db.execute(
        "UPDATE posts SET state = ?, last_error = ?, message_id = ?, sent = ?, attempts = ?,"
        " approved = ?, resend_requested = ?, tags = ?, tags_edited = ?, kind = ?, scheduled = ?,"
        " previewed = ?, sending_tags = ? WHERE id = ? AND state = ?",
        (
            after.state.value,
            after.last_error,
            after.message_id,
            _time(after.sent),
            after.attempts,
            int(after.approved),
            _time(after.resend_requested),
            json.dumps(list(after.tags), ensure_ascii=False),
            int(after.tags_edited),
            after.kind.value,
            _time(after.scheduled),
            _time(after.previewed),
            None if after.sending_tags is None else json.dumps(list(after.sending_tags), ensure_ascii=False),
            before.id,
            before.state.value,
        ),
    )


def _insert_post(db: Database, post: NewPost, *, created: str | None) -> int | None:
    if post.keys:
        placeholders = ", ".join("?" * len(post.keys))
        duplicate = db.execute(
            f"SELECT 1 FROM post_keys WHERE chat = ? AND key IN ({placeholders}) LIMIT 1",
            (post.chat, *post.keys),
        ).fetchone()
        if duplicate:
            return None
    row = db.execute(
        "INSERT INTO posts"
        " (feed_id, chat, topic, template, tags, article, created, kind, scheduled, silent, telegraph,"
        " articles, mastodon) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            post.feed_id,
            post.chat,
            post.topic,
            post.template,
            json.dumps(post.tags),
            json.dumps(article_to_dict(post.article), ensure_ascii=False),
            created,
            post.kind.value,
            _time(post.scheduled),
            int(post.silent),
            int(post.telegraph),
            json.dumps([article_to_dict(item) for item in post.articles], ensure_ascii=False)
            if post.articles
            else None,
            int(post.mastodon),
        ),
    ).fetchone()
    post_id = int(row["id"])
    db.executemany(
        "INSERT INTO post_keys (chat, key, post_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [(post.chat, key, post_id) for key in post.keys],
    )
    return post_id


def _end_claim(db: Database, feed_id: int, owner: str | None) -> None:
    """End a poll's claim on its feed; with `owner`, refuse (LeaseLost) unless it still holds it.

    The first write of the poll's transaction, so on PostgreSQL the feed's row is locked from
    here to the commit, and a late worker's save waits for the new holder's, then finds it gone.
    """
    guard, params = ("", (feed_id,)) if owner is None else (" AND lease_owner = ?", (feed_id, owner))
    ended = db.execute(
        f"UPDATE feeds SET lease_owner = NULL, lease_expires = NULL WHERE id = ?{guard}", params
    ).rowcount
    if owner is not None and not ended:
        raise LeaseLost(f"feed {feed_id}: its poll was taken over by another worker (or the feed removed)")


def _insert_notice(db: Database, message: str, *, feed_id: int, created: str | None) -> None:
    db.execute(
        "INSERT INTO notices (created, feed_id, message) VALUES (?, ?, ?)", (created, feed_id, message)
    )


def _feed(row: Any) -> Feed:
    return Feed(
        id=row["id"],
        created=datetime.fromisoformat(row["created"]),
        url=row["url"],
        name=row["name"],
        chat=row["chat"],
        topic=row["topic"],
        template=row["template"],
        interval=row["interval"],
        tags=_strings(row["tags"]),
        include=_strings(row["include"]),
        exclude=_strings(row["exclude"]),
        lang=row["lang"],
        fetch_pages=bool(row["fetch_pages"]),
        silent=bool(row["silent"]),
        media=FeedMedia(row["media"]),
        telegraph=bool(row["telegraph"]),
        edit_updates=bool(row["edit_updates"]),
        digest_at=_strings(row["digest_at"]),
        last_digest=_parse_time(row["last_digest"]),
        mastodon=bool(row["mastodon"]),
        enabled=bool(row["enabled"]),
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_checked=_parse_time(row["last_checked"]),
        last_success=_parse_time(row["last_success"]),
        next_check=_parse_time(row["next_check"]),
        error_count=row["error_count"],
        last_error=row["last_error"],
        lease_owner=row["lease_owner"],
        lease_expires=_parse_time(row["lease_expires"]),
    )


def _post(row: Any) -> QueuedPost:
    article: Any = json.loads(row["article"])
    return QueuedPost(
        id=row["id"],
        article=article_from_dict(article),
        chat=row["chat"],
        state=PostState(row["state"]),
        created=datetime.fromisoformat(row["created"]),
        feed_id=row["feed_id"],
        topic=row["topic"],
        template=row["template"],
        tags=_strings(row["tags"]),
        kind=PostKind(row["kind"]),
        scheduled=_parse_time(row["scheduled"]),
        sent=_parse_time(row["sent"]),
        message_id=row["message_id"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        approved=bool(row["approved"]),
        tags_edited=bool(row["tags_edited"]),
        silent=bool(row["silent"]),
        resend_requested=_parse_time(row["resend_requested"]),
        telegraph=bool(row["telegraph"]),
        edit_pending=bool(row["edit_pending"]),
        articles=tuple(article_from_dict(item) for item in json.loads(row["articles"] or "[]")),
        mastodon=bool(row["mastodon"]),
        previewed=_parse_time(row["previewed"]),
        sending_tags=None if row["sending_tags"] is None else _strings(row["sending_tags"]),
    )


def _status(row: Any) -> MastodonStatus:
    return MastodonStatus(
        post_id=row["post_id"],
        state=StatusState(row["state"]),
        next_try=datetime.fromisoformat(row["next_try"]),
        attempts=row["attempts"],
        url=row["url"],
        last_error=row["last_error"],
    )


def _notice(row: Any) -> Notice:
    return Notice(
        id=row["id"],
        created=datetime.fromisoformat(row["created"]),
        message=row["message"],
        feed_id=row["feed_id"],
        read=bool(row["read"]),
    )


def _tag_key(tag: str) -> str:
    """The comparison key tags are stored under; the tag engine loads with the first tag written or
    looked up, not with the store (`hashbot stats` and `feeds list` never need it)."""
    from bot.hashtags.normalize import tag_key

    return tag_key(tag)
