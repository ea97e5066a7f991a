"""Store methods of the approval flow: the awaiting state, decisions as compare-and-set, edited
tags, the questions kept per admin, and migrating a database made before them."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from auxil.notices import unread_notices

from bot.errors import StoreError
from bot.models import Article
from bot.storage import AdminRequest, DeskMessage, NewPost, PostEvent, PostState, Store, open_store
from bot.storage.sqlite import MIGRATIONS

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _queue(store: Store, key: str, *, tags: tuple[str, ...] = ()) -> int:
    article = Article(text=f"Text of {key}", title=key, url=f"https://example.org/{key}")
    post_id = store.enqueue(NewPost(article=article, chat="@news", keys=(f"l:{key}",), tags=tags), now=NOW)
    assert post_id is not None
    return post_id


def test_a_decision_on_an_awaiting_post_is_taken_once(store: Store) -> None:
    post_id = _queue(store, "a")
    assert store.hold(post_id, now=NOW)
    assert store.decide(post_id, PostEvent.APPROVE, now=NOW)
    assert not store.decide(post_id, PostEvent.SKIP, now=NOW)
    post = store.post(post_id)
    assert post is not None and post.state is PostState.QUEUED and post.approved
    # Approval sticks through later moves that do not mention it.
    assert store.claim(post_id, now=NOW)
    assert store.requeue(post_id, now=NOW, error="timeout")
    assert store.post(post_id).approved  # type: ignore[union-attr]


def test_edited_tags_replace_the_feed_tags_only_while_awaiting(store: Store) -> None:
    post_id = _queue(store, "a", tags=("Local",))
    assert store.post(post_id).tags == ("Local",)  # type: ignore[union-attr]
    assert not store.post(post_id).tags_edited  # type: ignore[union-attr]
    assert not store.edit_tags(post_id, ["Ukraine"], now=NOW)
    assert store.hold(post_id, now=NOW)
    assert store.edit_tags(post_id, ["Ukraine", "KeirStarmer"], now=NOW)
    post = store.post(post_id)
    assert post is not None and post.tags == ("Ukraine", "KeirStarmer") and post.tags_edited
    with pytest.raises(StoreError, match="post 99 does not exist"):
        store.edit_tags(99, [], now=NOW)


def test_desk_messages_are_kept_per_desk_post_and_admin(store: Store) -> None:
    first, second = _queue(store, "a"), _queue(store, "b")
    store.save_desk_messages(
        [
            DeskMessage("approval", first, 1002, 7, "<b>a</b>"),
            DeskMessage("approval", first, 1001, 5, "<b>a</b>"),
            DeskMessage("uncertain", first, 1001, 9, "a?", html=False),
            DeskMessage("approval", second, 1001, 6, "b"),
        ]
    )
    assert [(m.chat_id, m.message_id) for m in store.desk_messages("approval", first)] == [
        (1001, 5),
        (1002, 7),
    ]
    store.save_desk_messages([DeskMessage("approval", first, 1001, 8, "<b>a, again</b>")])
    assert [m.message_id for m in store.desk_messages("approval", first)] == [8, 7]
    assert store.desk_messages("uncertain", first) == [DeskMessage("uncertain", first, 1001, 9, "a?", False)]
    store.forget_desk_messages("approval", first)
    assert store.desk_messages("approval", first) == []
    assert len(store.desk_messages("approval", second)) == 1


def _version_2_database(path: Path) -> None:
    """A database exactly as hashbot left it before the approval flow, with posts and their keys."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        for number, script in enumerate(MIGRATIONS[:2], start=1):
            db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        db.execute("PRAGMA foreign_keys = ON")
        for n in (1, 2, 3):
            db.execute(
                "INSERT INTO posts (chat, article, state, created, tags) VALUES ('@news', ?, ?, ?, ?)",
                (f'{{"text": "story {n}"}}', "sent" if n == 1 else "queued", NOW.isoformat(), '["Local"]'),
            )
            db.execute("INSERT INTO post_keys (chat, key, post_id) VALUES ('@news', ?, ?)", (f"k{n}", n))
        db.execute("DELETE FROM posts WHERE id = 3")  # the highest id must still never come back
        db.execute("INSERT INTO notices (created, message) VALUES (?, 'hello')", (NOW.isoformat(),))


def test_a_question_is_taken_by_one_of_two_connections_and_only_its_own_messages(store_location: str) -> None:
    """What [Post again] claims: two processes on one database, one gets the question."""
    with closing(open_store(store_location)) as one, closing(open_store(store_location)) as other:
        first, second = _queue(one, "a"), _queue(one, "b")
        asked = [
            DeskMessage("again", first, 1002, 7, "again?", False),
            DeskMessage("again", first, 1001, 5, "again?", False),
        ]
        one.save_desk_messages([*asked, DeskMessage("again", second, 1001, 6, "b?", False)])
        one.save_desk_messages([DeskMessage("approval", first, 1001, 8, "a")])
        taken = other.take_desk_messages("again", first)
        assert taken == sorted(asked, key=lambda message: message.chat_id)
        assert one.take_desk_messages("again", first) == []
        assert len(one.desk_messages("again", second)) == 1 and len(one.desk_messages("approval", first)) == 1


def test_a_version_2_database_is_migrated_without_losing_posts_keys_or_ids(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _version_2_database(path)
    with closing(open_store(path)) as store:  # type: ignore[type-var]
        assert [(post.id, post.state, post.tags) for post in store.posts()] == [
            (1, PostState.SENT, ("Local",)),
            (2, PostState.QUEUED, ("Local",)),
        ]
        assert not any(post.approved or post.tags_edited for post in store.posts())
        # The dedup keys survived the rebuild: the same article is still refused for that chat.
        article = Article(text="story 1")
        assert store.enqueue(NewPost(article=article, chat="@news", keys=("k1",)), now=NOW) is None
        assert store.enqueue(NewPost(article=article, chat="@news", keys=("k9",)), now=NOW) == 4
        assert store.hold(2, now=NOW)
        assert len(unread_notices(store)) == 1
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 0  # a new connection's default
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"posts_by_state", "posts_by_sent"} <= indexes


def test_foreign_keys_are_on_again_after_migrating(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _version_2_database(path)
    with closing(open_store(path)) as store:  # type: ignore[type-var]
        store.save_desk_messages([DeskMessage("approval", 2, 1001, 5, "x")])
        with pytest.raises(sqlite3.IntegrityError):
            store.save_desk_messages([DeskMessage("approval", 42, 1001, 5, "x")])


def test_each_admin_has_one_request_which_goes_with_its_post(store: Store) -> None:
    first, second = _queue(store, "a"), _queue(store, "b")
    assert store.admin_request(1001) is None
    store.save_admin_request(AdminRequest(1001, "tags", first))
    store.save_admin_request(AdminRequest(1002, "tags", first))
    store.save_admin_request(AdminRequest(1001, "tags", second))  # asked again: replaces the first
    assert store.admin_request(1001) == AdminRequest(1001, "tags", second)
    store.forget_admin_request(1001)
    assert store.admin_request(1001) is None
    assert store.admin_request(10**30) is None  # any number an update may carry
    assert store.flag("approve:edit-tags:1002") is None  # not a global flag any more


def test_a_pending_tag_edit_flag_becomes_an_admin_request_when_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        for number, script in enumerate(MIGRATIONS[:5], start=1):
            db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        db.execute(
            "INSERT INTO posts (chat, article, created) VALUES ('@news', '{\"text\": \"a\"}', ?)",
            (NOW.isoformat(),),
        )
        db.executemany(
            "INSERT INTO flags (name, value) VALUES (?, ?)",
            [("approve:edit-tags:1001", "1"), ("approve:edit-tags:1002", "7"), ("paused", "paused by Ada")],
        )
    with closing(open_store(path)) as store:  # type: ignore[type-var]
        assert store.admin_request(1001) == AdminRequest(1001, "tags", 1)
        assert store.admin_request(1002) is None  # its post is gone: nothing to answer
        assert store.flag("approve:edit-tags:1001") is None
        assert store.paused() == "paused by Ada"
