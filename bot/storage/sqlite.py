"""The SQLite backend of :class:`bot.storage.Store`: every SQL statement hashbot runs is in this file.

Durability: WAL journal, so a process killed mid-write leaves the database readable with every
committed transaction; ``synchronous=NORMAL``, which in WAL mode loses nothing on a process crash
(only an operating-system crash can roll back the last commits, and a poll redone is harmless
because seen items and queued posts commit together). Schema changes are numbered migrations
tracked in ``PRAGMA user_version``; each runs in its own transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.errors import StoreError
from bot.hashtags.normalize import tag_key
from bot.models import TagUse
from bot.storage import Store
from bot.storage.lifecycle import PostEvent, PostKind, PostState, plan
from bot.storage.records import (
    AdminRequest,
    DeskMessage,
    DigestItem,
    Feed,
    FeedMedia,
    MastodonStatus,
    MessageReactions,
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

#: The post states each schema allows. Literal, so a shipped migration never changes; a new
#: state needs a migration that rebuilds the posts table (SQLite cannot alter a CHECK).
_STATES_V1 = "'queued', 'sending', 'sent', 'failed', 'skipped', 'uncertain'"
_STATES_V3 = f"{_STATES_V1}, 'awaiting'"
_KINDS_V5 = "'feed', 'one_off', 'manual', 'digest'"

#: Migration n (1-based) brings the schema from version n-1 to n. Append; never edit a shipped one.
MIGRATIONS: tuple[str, ...] = (
    f"""
    CREATE TABLE feeds (
        id            INTEGER PRIMARY KEY,
        url           TEXT NOT NULL UNIQUE,
        name          TEXT,
        chat          TEXT,
        topic         INTEGER,
        template      TEXT,
        interval      INTEGER NOT NULL,
        tags          TEXT NOT NULL DEFAULT '[]',
        include       TEXT NOT NULL DEFAULT '[]',
        exclude       TEXT NOT NULL DEFAULT '[]',
        lang          TEXT,
        fetch_pages   INTEGER NOT NULL DEFAULT 0,
        enabled       INTEGER NOT NULL DEFAULT 1,
        etag          TEXT,
        last_modified TEXT,
        last_checked  TEXT,
        last_success  TEXT,
        next_check    TEXT,
        error_count   INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT,
        created       TEXT NOT NULL
    );
    CREATE TABLE seen (
        feed_id    INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        key        TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (feed_id, key)
    ) WITHOUT ROWID;
    -- AUTOINCREMENT: post ids are shown to admins (/cancel 12) and must never be reused.
    CREATE TABLE posts (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        feed_id    INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
        chat       TEXT NOT NULL,
        topic      INTEGER,
        template   TEXT,
        tags       TEXT NOT NULL DEFAULT '[]',
        article    TEXT NOT NULL,
        state      TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ({_STATES_V1})),
        created    TEXT NOT NULL,
        scheduled  TEXT,
        sent       TEXT,
        message_id INTEGER,
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    CREATE INDEX posts_by_state ON posts (state, scheduled, id);
    -- One row per dedup key (normalized link, content hash) of each post, so an article
    -- arriving from two feeds is queued once per chat.
    CREATE TABLE post_keys (
        chat    TEXT NOT NULL,
        key     TEXT NOT NULL,
        post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        PRIMARY KEY (chat, key)
    ) WITHOUT ROWID;
    CREATE TABLE notices (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        created TEXT NOT NULL,
        feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
        message TEXT NOT NULL,
        read    INTEGER NOT NULL DEFAULT 0
    );
    """,
    # 2: the run loop. Flags survive restarts (paused); caps count recent sends; housekeeping
    # prunes old seen items per feed, oldest first.
    """
    CREATE TABLE flags (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX posts_by_sent ON posts (sent) WHERE state = 'sent';
    CREATE INDEX seen_by_age ON seen (feed_id, first_seen);
    """,
    # 3: the approval flow. The posts table is rebuilt for the 'awaiting' state (a CHECK cannot be
    # altered) and learns whether an admin approved the post and chose its tags; the questions put
    # to admins are kept so every admin's copy can be edited after a decision, also after a restart.
    # Foreign keys are off while migrations run (see _migrate), so dropping posts cascades nothing.
    f"""
    CREATE TABLE posts_v3 (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        feed_id     INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
        chat        TEXT NOT NULL,
        topic       INTEGER,
        template    TEXT,
        tags        TEXT NOT NULL DEFAULT '[]',
        article     TEXT NOT NULL,
        state       TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ({_STATES_V3})),
        created     TEXT NOT NULL,
        scheduled   TEXT,
        sent        TEXT,
        message_id  INTEGER,
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT,
        approved    INTEGER NOT NULL DEFAULT 0,
        tags_edited INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO posts_v3 (id, feed_id, chat, topic, template, tags, article, state, created,
                          scheduled, sent, message_id, attempts, last_error)
        SELECT id, feed_id, chat, topic, template, tags, article, state, created,
               scheduled, sent, message_id, attempts, last_error FROM posts;
    -- Ids are never reused: the old table's counter (never below its highest id) carries over.
    DELETE FROM sqlite_sequence WHERE name = 'posts_v3';
    UPDATE sqlite_sequence SET name = 'posts_v3' WHERE name = 'posts';
    DROP TABLE posts;
    ALTER TABLE posts_v3 RENAME TO posts;
    CREATE INDEX posts_by_state ON posts (state, scheduled, id);
    CREATE INDEX posts_by_sent ON posts (sent) WHERE state = 'sent';
    CREATE TABLE desk_messages (
        desk       TEXT NOT NULL,
        post_id    INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        chat_id    INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        text       TEXT NOT NULL,
        html       INTEGER NOT NULL,
        PRIMARY KEY (desk, post_id, chat_id)
    ) WITHOUT ROWID;
    """,
    # 4: silent feeds; each post keeps its feed's choice, so it holds after the feed is removed.
    """
    ALTER TABLE feeds ADD COLUMN silent INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE posts ADD COLUMN silent INTEGER NOT NULL DEFAULT 0;
    """,
    # 5: the post lifecycle made explicit. A post's kind was inferred from `scheduled IS NOT NULL`
    # (one-off) and is now stored; a resent uncertain post records when it was asked for instead
    # of pretending to be scheduled (one resent before this migration stays a one-off).
    f"""
    ALTER TABLE posts ADD COLUMN kind TEXT NOT NULL DEFAULT 'feed'
        CHECK (kind IN ({_KINDS_V5}));
    UPDATE posts SET kind = 'one_off' WHERE scheduled IS NOT NULL;
    ALTER TABLE posts ADD COLUMN resend_requested TEXT;
    """,
    # 6: what the bot awaits from each admin gets its own table; it was a flag per admin
    # ('approve:edit-tags:<user id>' = post id) in the global flags table. A post's questions go
    # with it.
    """
    CREATE TABLE admin_requests (
        admin_id INTEGER PRIMARY KEY,
        kind     TEXT NOT NULL,
        post_id  INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE
    );
    INSERT INTO admin_requests (admin_id, kind, post_id)
        SELECT CAST(substr(name, 19) AS INTEGER), 'tags', CAST(value AS INTEGER) FROM flags
        WHERE name LIKE 'approve:edit-tags:%' AND CAST(value AS INTEGER) IN (SELECT id FROM posts);
    DELETE FROM flags WHERE name LIKE 'approve:edit-tags:%';
    """,
    # 7: the channel vocabulary. Every tag of every post sent or decided by an admin, per chat and
    # time (a post's rows are replaced when its tags are decided again); the aliases and blocks
    # admins set at runtime; the reactions Telegram counts on each published message.
    """
    CREATE TABLE tag_history (
        post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,
        chat    TEXT NOT NULL,
        tag     TEXT NOT NULL,
        key     TEXT NOT NULL,
        at      TEXT NOT NULL,
        event   TEXT NOT NULL CHECK (event IN ('sent', 'decided'))
    );
    -- Covering: the vocabulary and the statistics read a chat's recent tags from the index alone.
    CREATE INDEX tag_history_by_chat ON tag_history (chat, at, key, tag, event);
    CREATE INDEX tag_history_by_post ON tag_history (post_id);
    -- One rule per tag (by comparison key): write `alias` instead, or never use it (alias NULL).
    CREATE TABLE tag_rules (
        key     TEXT PRIMARY KEY,
        tag     TEXT NOT NULL,
        alias   TEXT,
        author  TEXT,
        created TEXT NOT NULL
    ) WITHOUT ROWID;
    -- `chat` as Telegram names it in the update (the numeric id); post_id when a post matches.
    CREATE TABLE reactions (
        chat       TEXT NOT NULL,
        message_id INTEGER NOT NULL,
        post_id    INTEGER REFERENCES posts(id) ON DELETE SET NULL,
        total      INTEGER NOT NULL,
        counts     TEXT NOT NULL,
        updated    TEXT NOT NULL,
        PRIMARY KEY (chat, message_id)
    ) WITHOUT ROWID;
    CREATE INDEX reactions_by_post ON reactions (post_id);
    CREATE INDEX posts_by_message ON posts (message_id) WHERE message_id IS NOT NULL;
    CREATE INDEX posts_by_chat_sent ON posts (chat, sent) WHERE state = 'sent';
    """,
    # 8: which of an item's media a feed's posts carry.
    """
    ALTER TABLE feeds ADD COLUMN media TEXT NOT NULL DEFAULT 'all' CHECK (media IN ('none', 'first', 'all'));
    """,
    # 9: long reads on Telegraph. A feed (and each post it queues) may ask for them; each page is
    # remembered by the article's key, so a post tried again links the same page, never a second.
    """
    ALTER TABLE feeds ADD COLUMN telegraph INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE posts ADD COLUMN telegraph INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE long_reads (
        key     TEXT PRIMARY KEY,
        url     TEXT NOT NULL,
        created TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 10: edits. A feed may follow its items' corrections; a sent post whose article changed waits
    # with edit_pending until its channel message is edited.
    """
    ALTER TABLE feeds ADD COLUMN edit_updates INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE posts ADD COLUMN edit_pending INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX posts_to_edit ON posts (id) WHERE edit_pending;
    """,
    # 11: digests. A digest feed's items wait in digest_items until its next digest time, when
    # they become one post of kind 'digest' (or several) holding their articles, in one transaction.
    """
    ALTER TABLE feeds ADD COLUMN digest_at TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE feeds ADD COLUMN last_digest TEXT;
    ALTER TABLE posts ADD COLUMN articles TEXT;
    CREATE TABLE digest_items (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        article TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE INDEX digest_items_by_feed ON digest_items (feed_id, id);
    """,
    # 12: cross-posting to Mastodon. Each post sent to the channel that goes to Mastodon too gets a
    # row of its own (queued → sent | failed) with its attempts and next try: the Telegram post's
    # state never depends on Mastodon.
    """
    ALTER TABLE feeds ADD COLUMN mastodon INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE posts ADD COLUMN mastodon INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE mastodon_statuses (
        post_id    INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
        state      TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
        attempts   INTEGER NOT NULL DEFAULT 0,
        next_try   TEXT NOT NULL,
        url        TEXT,
        last_error TEXT,
        created    TEXT NOT NULL
    );
    CREATE INDEX mastodon_due ON mastodon_statuses (next_try) WHERE state = 'queued';
    """,
)

_FEED_COLUMNS = (
    "url, name, chat, topic, template, interval, tags, include, exclude, lang, fetch_pages, silent, media,"
    " telegraph, edit_updates, digest_at, mastodon, enabled"
)
_MAX_PARAMS = 500
#: A tag ranks by reactions per post once this many of its posts are counted: one lucky post is no trend.
REACTION_MIN_POSTS = 3


def _is_rowid(number: int) -> bool:
    """Whether SQLite can store `number` as an id: an admin may type any number, sqlite3 overflows."""
    return -(2**63) <= number < 2**63


def _time(value: datetime | None) -> str | None:
    """UTC ISO 8601 with a fixed width, so text order is time order in SQL comparisons."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _strings(value: str) -> tuple[str, ...]:
    return tuple(json.loads(value))


class SqliteStore(Store):
    """:class:`bot.storage.Store` on one SQLite connection, used from one thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    @classmethod
    def open_copy(cls, path: Path) -> SqliteStore:
        """An in-memory copy of the database at `path` (or a new, empty one if there is none).

        What a dry run works on: it may poll, queue and "send" as the real run would, and the file
        a real run reads is never written. The copy is taken with SQLite's online backup API,
        which reads a consistent snapshot even while a running bot writes to the file.
        """
        memory = sqlite3.connect(":memory:", isolation_level=None)
        memory.row_factory = sqlite3.Row
        if path.exists():
            try:
                with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10.0)) as source:
                    source.backup(memory)
            except sqlite3.DatabaseError as exc:
                memory.close()
                raise StoreError(f"{path}: is not a usable hashbot database: {exc}") from exc
        try:
            memory.execute("PRAGMA foreign_keys = ON")
            _migrate(memory, path)
        except (sqlite3.DatabaseError, StoreError) as exc:
            memory.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"{path}: is not a usable hashbot database: {exc}") from exc
        return cls(memory)

    @classmethod
    def open(cls, path: Path) -> SqliteStore:
        """Open or create the database at `path` and bring its schema up to date."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, isolation_level=None, timeout=10.0)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{path}: cannot open the database: {exc}") from exc
        connection.row_factory = sqlite3.Row
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA foreign_keys = ON")
            _migrate(connection, path)
        except sqlite3.DatabaseError as exc:
            connection.close()
            raise StoreError(f"{path}: is not a usable hashbot database: {exc}") from exc
        except StoreError:
            connection.close()
            raise
        return cls(connection)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # Feeds

    def add_feed(self, feed: Feed) -> Feed:
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
                cursor = db.execute(
                    f"INSERT INTO feeds ({_FEED_COLUMNS}, created) VALUES ({', '.join('?' * 19)})",
                    (*values, _time(datetime.now(UTC))),
                )
        except sqlite3.IntegrityError:
            raise StoreError(f"{feed.url}: this feed is already subscribed") from None
        added = self.feed(int(cursor.lastrowid or 0))
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
            "SELECT * FROM feeds WHERE enabled AND (next_check IS NULL OR next_check <= ?)"
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
            found.update(row["key"] for row in rows)
        return found

    def save_poll(self, record: PollRecord) -> list[int]:
        checked = _time(record.checked)
        queued: list[int] = []
        with self._transaction() as db:
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
                "INSERT OR IGNORE INTO seen (feed_id, key, first_seen) VALUES (?, ?, ?)",
                [(record.feed_id, key, checked) for key in record.seen_keys],
            )
            db.executemany(
                "UPDATE posts SET article = ?, edit_pending = edit_pending OR ? WHERE id = ?",
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
            db.execute(
                "UPDATE feeds SET last_checked = ?, next_check = ?, error_count = error_count + 1,"
                " last_error = ?, enabled = enabled AND NOT ? WHERE id = ?",
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
            f"SELECT * FROM posts {where} ORDER BY scheduled IS NOT NULL, scheduled, id LIMIT ?",
            (*(state.value for state in states), -1 if limit is None else limit),
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
    ) -> bool:
        with self._transaction() as db:
            found = db.execute("SELECT * FROM posts WHERE id = ?", (post_id,)) if _is_rowid(post_id) else None
            row = found.fetchone() if found else None
            if row is None:
                raise StoreError(f"post {post_id} does not exist")
            before = _post(row)
            after = plan(before, event, now=now, message_id=message_id, note=note, tags=tags)
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
                "INSERT OR REPLACE INTO desk_messages (desk, post_id, chat_id, message_id, text, html)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(m.desk, m.post_id, m.chat_id, m.message_id, m.text, int(m.html)) for m in messages],
            )

    def desk_messages(self, desk: str, post_id: int) -> list[DeskMessage]:
        rows = self._db.execute(
            "SELECT * FROM desk_messages WHERE desk = ? AND post_id = ? ORDER BY chat_id", (desk, post_id)
        )
        return [
            DeskMessage(
                desk=row["desk"],
                post_id=row["post_id"],
                chat_id=row["chat_id"],
                message_id=row["message_id"],
                text=row["text"],
                html=bool(row["html"]),
            )
            for row in rows
        ]

    def forget_desk_messages(self, desk: str, post_id: int) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM desk_messages WHERE desk = ? AND post_id = ?", (desk, post_id))

    # What each admin was asked

    def save_admin_request(self, request: AdminRequest) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO admin_requests (admin_id, kind, post_id) VALUES (?, ?, ?)",
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
                "INSERT OR IGNORE INTO mastodon_statuses (post_id, next_try, created) VALUES (?, ?, ?)",
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
                "UPDATE mastodon_statuses SET attempts = attempts + 1, last_error = ?,"
                " state = CASE WHEN ? IS NULL THEN 'failed' ELSE 'queued' END,"
                " next_try = COALESCE(?, next_try) WHERE post_id = ? AND state = 'queued'",
                (error, _time(retry_at), _time(retry_at), post_id),
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
        found: list[QueuedPost] = []
        for start in range(0, len(wanted), _MAX_PARAMS):
            chunk = wanted[start : start + _MAX_PARAMS]
            rows = self._db.execute(
                "SELECT * FROM posts WHERE feed_id = ?"
                f" AND json_extract(article, '$.id') IN ({', '.join('?' * len(chunk))})"
                " AND kind != 'digest'"
                " AND (state IN ('queued', 'awaiting') OR (state = 'sent' AND sent >= ?)) ORDER BY id",
                (feed_id, *chunk, _time(sent_since)),
            )
            found.extend(_post(row) for row in rows)
        return found

    def posts_to_edit(self) -> list[QueuedPost]:
        rows = self._db.execute("SELECT * FROM posts WHERE edit_pending AND state = 'sent' ORDER BY id")
        return [_post(row) for row in rows]

    def edit_done(self, post_id: int) -> None:
        with self._transaction() as db:
            db.execute("UPDATE posts SET edit_pending = 0 WHERE id = ?", (post_id,))

    # Long reads

    def long_read(self, key: str) -> str | None:
        row = self._db.execute("SELECT url FROM long_reads WHERE key = ?", (key,)).fetchone()
        return str(row["url"]) if row else None

    def save_long_read(self, key: str, url: str, *, now: datetime) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO long_reads (key, url, created) VALUES (?, ?, ?)",
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
                "  FROM seen)"
                " WHERE newer > ? AND first_seen < ?)",
                (keep_per_feed, _time(now - older_than)),
            )
            return cursor.rowcount

    def vacuum(self) -> None:
        # VACUUM cannot run inside a transaction; the checkpoint first folds the WAL back in.
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.execute("VACUUM")

    def count_posts(self) -> dict[PostState, int]:
        rows = self._db.execute("SELECT state, COUNT(*) AS n FROM posts GROUP BY state")
        counts = dict.fromkeys(PostState, 0)
        counts.update({PostState(row["state"]): row["n"] for row in rows})
        return counts

    # Notices

    def claim_notices(self) -> list[Notice]:
        # IMMEDIATE holds the write lock from the SELECT to the UPDATE, so a notice is claimed once.
        with self._transaction() as db:
            rows = db.execute("SELECT * FROM notices WHERE NOT read ORDER BY id").fetchall()
            db.execute("UPDATE notices SET read = 1 WHERE NOT read")
        return [replace(_notice(row), read=True) for row in rows]

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
        where, params = _history_filter(chat=chat, since=since, sent_only=sent_only)
        if prefix:
            # The key is lowercase ASCII letters and digits: no LIKE wildcard can be in it.
            where += " AND key LIKE ?"
            params.append(f"{tag_key(prefix)}%")
        rows = self._db.execute(
            f"SELECT tag, MAX(at) AS latest, COUNT(*) AS uses FROM tag_history WHERE {where}"
            " GROUP BY key ORDER BY uses DESC, key LIMIT ?",
            (*params, -1 if limit is None else limit),
        )
        return [TagUse(row["tag"], row["uses"]) for row in rows]

    def tag_rules(self) -> list[TagRule]:
        rows = self._db.execute("SELECT * FROM tag_rules ORDER BY alias IS NULL, key")
        return [TagRule(row["tag"], row["alias"], row["author"]) for row in rows]

    def set_tag_rule(self, rule: TagRule, *, now: datetime) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO tag_rules (key, tag, alias, author, created) VALUES (?, ?, ?, ?, ?)",
                (tag_key(rule.tag), rule.tag, rule.alias, rule.author, _time(now)),
            )

    def remove_tag_rule(self, tag: str, *, blocked: bool) -> TagRule | None:
        kind = "alias IS NULL" if blocked else "alias IS NOT NULL"
        with self._transaction() as db:
            row = db.execute(
                f"DELETE FROM tag_rules WHERE key = ? AND {kind} RETURNING tag, alias, author",
                (tag_key(tag),),
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
                "INSERT OR REPLACE INTO reactions (chat, message_id, post_id, total, counts, updated)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    names[0],
                    reactions.message_id,
                    post_id,
                    reactions.total,
                    json.dumps(reactions.counts, ensure_ascii=False),
                    _time(reactions.at),
                ),
            )
        return post_id

    def published_counts(self, *, since: datetime, chat: str | None = None, top: int = 10) -> PublishedCounts:
        posts_where = "p.state = 'sent' AND p.sent >= ?" + (" AND p.chat = ?" if chat is not None else "")
        posts_params = [_time(since), *([chat] if chat is not None else [])]
        sent = self._db.execute(
            "SELECT printf('%s%02d', substr(p.sent, 1, 14), CAST(substr(p.sent, 15, 2) AS INTEGER) / 15 * 15)"
            f" AS quarter, COUNT(*) AS n FROM posts p WHERE {posts_where} GROUP BY quarter ORDER BY quarter",
            posts_params,
        )
        feeds = self._db.execute(
            "SELECT COALESCE(f.name, f.url) AS label, COUNT(*) AS n FROM posts p"
            f" LEFT JOIN feeds f ON f.id = p.feed_id WHERE {posts_where}"
            " GROUP BY p.feed_id ORDER BY n DESC, label",
            posts_params,
        )
        reacted = self._db.execute(
            "SELECT COUNT(*) AS n, COALESCE(SUM(r.total), 0) AS total FROM reactions r"
            f" JOIN posts p ON p.id = r.post_id WHERE {posts_where} AND r.total > 0",
            posts_params,
        ).fetchone()
        where, params = _history_filter(chat=chat, since=since, sent_only=True, table="h")
        by_tag = (
            self._db.execute(
                "SELECT h.tag, MAX(h.at) AS latest, COUNT(*) AS posts, COALESCE(SUM(r.total), 0) AS reactions"
                f" FROM tag_history h LEFT JOIN reactions r ON r.post_id = h.post_id WHERE {where}"
                " GROUP BY h.key HAVING posts >= ? AND reactions > 0"
                " ORDER BY CAST(reactions AS REAL) / posts DESC, reactions DESC, h.key LIMIT ?",
                (*params, REACTION_MIN_POSTS, top),
            )
            if reacted["n"]
            else ()
        )
        return PublishedCounts(
            sent=tuple((datetime.fromisoformat(f"{row['quarter']}+00:00"), row["n"]) for row in sent),
            feeds=tuple((row["label"], row["n"]) for row in feeds),
            tags=tuple(self.tag_uses(chat=chat, since=since, limit=top, sent_only=True)),
            reactions=tuple(TagReactions(row["tag"], row["posts"], row["reactions"]) for row in by_tag),
            reacted_posts=reacted["n"],
            reactions_total=reacted["total"],
        )


def _history_filter(
    *, chat: str | None, since: datetime | None, sent_only: bool, table: str = "tag_history"
) -> tuple[str, list[object]]:
    """The WHERE clause (and its parameters) that picks a chat's tag history since a moment."""
    clauses, params = ["1"], list[object]()
    if chat is not None:
        clauses.append(f"{table}.chat = ?")
        params.append(chat)
    if since is not None:
        clauses.append(f"{table}.at >= ?")
        params.append(_time(since))
    if sent_only:
        clauses.append(f"{table}.event = 'sent'")
    return " AND ".join(clauses), params


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > len(MIGRATIONS):
        raise StoreError(
            f"{path}: the database has schema version {version}, newer than this hashbot "
            f"understands ({len(MIGRATIONS)}); upgrade hashbot"
        )
    if version == len(MIGRATIONS):
        return
    # Off while tables are rebuilt (the pragma is a no-op inside a transaction): dropping a table
    # would otherwise cascade to the rows that reference it. Checked before it is switched back on.
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits first, so BEGIN … COMMIT inside makes each migration atomic.
            db.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise StoreError(f"{path}: the migrated database has {len(broken)} dangling references")
    finally:
        db.execute("PRAGMA foreign_keys = ON")


#: The events whose tags enter the chat's tag history: those it went out with, those an admin chose.
_HISTORY_EVENTS = {PostEvent.MARK_SENT: TagEvent.SENT, PostEvent.EDIT_TAGS: TagEvent.DECIDED}


def _write_tag_history(
    db: sqlite3.Connection, post: QueuedPost, tags: Sequence[str], *, at: datetime, event: TagEvent
) -> None:
    """Make `tags` the post's entry in its chat's history: decided, then sent, it counts once."""
    db.execute("DELETE FROM tag_history WHERE post_id = ?", (post.id,))
    unique = {tag_key(tag): tag for tag in reversed(tags)}  # the first spelling of a key wins
    db.executemany(
        "INSERT INTO tag_history (post_id, chat, tag, key, at, event) VALUES (?, ?, ?, ?, ?, ?)",
        [(post.id, post.chat, tag, key, _time(at), event.value) for key, tag in reversed(unique.items())],
    )


def _write_lifecycle(db: sqlite3.Connection, before: QueuedPost, after: QueuedPost) -> None:
    """Write what a lifecycle event may change of a post (see lifecycle.plan), nothing else.

    Guarded by the state it was planned from; the caller holds the write lock since the read.
    """
    db.execute(
        "UPDATE posts SET state = ?, last_error = ?, message_id = ?, sent = ?, attempts = ?,"
        " approved = ?, resend_requested = ?, tags = ?, tags_edited = ? WHERE id = ? AND state = ?",
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
            before.id,
            before.state.value,
        ),
    )


def _insert_post(db: sqlite3.Connection, post: NewPost, *, created: str | None) -> int | None:
    if post.keys:
        placeholders = ", ".join("?" * len(post.keys))
        duplicate = db.execute(
            f"SELECT 1 FROM post_keys WHERE chat = ? AND key IN ({placeholders}) LIMIT 1",
            (post.chat, *post.keys),
        ).fetchone()
        if duplicate:
            return None
    cursor = db.execute(
        "INSERT INTO posts"
        " (feed_id, chat, topic, template, tags, article, created, kind, scheduled, silent, telegraph,"
        " articles, mastodon) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    )
    post_id = int(cursor.lastrowid or 0)
    db.executemany(
        "INSERT OR IGNORE INTO post_keys (chat, key, post_id) VALUES (?, ?, ?)",
        [(post.chat, key, post_id) for key in post.keys],
    )
    return post_id


def _insert_notice(db: sqlite3.Connection, message: str, *, feed_id: int, created: str | None) -> None:
    db.execute(
        "INSERT INTO notices (created, feed_id, message) VALUES (?, ?, ?)", (created, feed_id, message)
    )


def _feed(row: sqlite3.Row) -> Feed:
    return Feed(
        id=row["id"],
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
    )


def _post(row: sqlite3.Row) -> QueuedPost:
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
    )


def _status(row: sqlite3.Row) -> MastodonStatus:
    return MastodonStatus(
        post_id=row["post_id"],
        state=StatusState(row["state"]),
        next_try=datetime.fromisoformat(row["next_try"]),
        attempts=row["attempts"],
        url=row["url"],
        last_error=row["last_error"],
    )


def _notice(row: sqlite3.Row) -> Notice:
    return Notice(
        id=row["id"],
        created=datetime.fromisoformat(row["created"]),
        message=row["message"],
        feed_id=row["feed_id"],
        read=bool(row["read"]),
    )
