from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from auxil.notices import unread_notices

from bot.errors import StoreError
from bot.models import Article
from bot.storage import (
    Feed,
    FeedMedia,
    NewFeed,
    NewPost,
    PollFailure,
    PollRecord,
    PostEvent,
    PostState,
    Store,
    open_store,
)
from bot.storage.sqlite import MIGRATIONS

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _post(key: str, *, chat: str = "@news", feed_id: int | None = None) -> NewPost:
    article = Article(text=f"Text of {key}", title=key, url=f"https://example.org/{key}", id=key)
    return NewPost(article=article, chat=chat, keys=(f"l:{key}", f"h:{key}"), feed_id=feed_id)


def test_new_database_is_migrated_to_the_latest_version_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    open_store(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_keeps_data_and_does_not_migrate_twice(store_location: str) -> None:
    path = store_location
    first = open_store(path)
    first.add_feed(NewFeed(url="https://example.org/feed.xml", name="Example"), now=NOW)
    first.close()
    with closing(open_store(path)) as again:
        assert [feed.name for feed in again.feeds()] == ["Example"]


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    open_store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer than this hashbot understands"):
        open_store(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(StoreError, match="is not a usable hashbot database"):
        open_store(path)


def test_feed_round_trip_and_duplicate_url(store: Store) -> None:
    feed = NewFeed(
        url="https://example.org/feed.xml",
        name="Example",
        chat="-1001234567890",
        topic=42,
        template="short.html.j2",
        interval=600,
        tags=("World",),
        include=("ukraine", "/\\bEU\\b/"),
        exclude=("sport",),
        lang="fr",
        fetch_pages=True,
        silent=True,
        media=FeedMedia.FIRST,
        telegraph=True,
        edit_updates=True,
        digest_at=("08:00", "18:30"),
        mastodon=True,
    )
    saved = store.add_feed(feed, now=NOW)
    configured = {field.name: getattr(feed, field.name) for field in fields(NewFeed)}
    assert saved == Feed(**configured, id=saved.id, created=NOW)
    assert store.feed(saved.id) == saved == store.feed(feed.url)
    with pytest.raises(StoreError, match="already subscribed"):
        store.add_feed(NewFeed(url=feed.url), now=NOW)


def test_due_feeds_are_enabled_and_overdue_never_polled_first(store: Store) -> None:
    later = store.add_feed(NewFeed(url="https://a.example/feed"), now=NOW)
    never = store.add_feed(NewFeed(url="https://b.example/feed"), now=NOW)
    off = store.add_feed(NewFeed(url="https://c.example/feed"), now=NOW)
    assert later.id and never.id and off.id
    store.save_poll(PollRecord(feed_id=later.id, checked=NOW, next_check=NOW + timedelta(minutes=5)))
    store.set_feed_enabled(off.id, False)
    assert [f.id for f in store.due_feeds(NOW)] == [never.id]
    assert [f.id for f in store.due_feeds(NOW + timedelta(minutes=5))] == [never.id, later.id]


def test_save_poll_records_validators_seen_items_and_queues_posts(store: Store) -> None:
    feed = store.add_feed(NewFeed(url="https://example.org/feed.xml"), now=NOW)
    assert feed.id
    queued = store.save_poll(
        PollRecord(
            feed_id=feed.id,
            checked=NOW,
            next_check=NOW + timedelta(minutes=15),
            etag='"v1"',
            last_modified="Sun, 01 Mar 2026 11:00:00 GMT",
            seen_keys=("g:1", "g:2"),
            posts=(_post("one", feed_id=feed.id),),
        )
    )
    after = store.feed(feed.id)
    assert after is not None
    assert (after.etag, after.last_modified, after.last_checked) == (
        '"v1"',
        "Sun, 01 Mar 2026 11:00:00 GMT",
        NOW,
    )
    assert store.seen_keys(feed.id, ["g:1", "g:3", "g:2"]) == {"g:1", "g:2"}
    [post] = store.posts()
    assert post.id == queued[0] and post.state is PostState.QUEUED and post.feed_id == feed.id
    assert post.article.title == "one" and post.article.url == "https://example.org/one"


def test_a_hostile_feeds_nul_characters_are_stored_and_its_keys_still_match(store: Store) -> None:
    # PostgreSQL's text cannot hold NUL: it keeps U+FFFD instead, and lookups match it the same way.
    feed = store.add_feed(NewFeed(url="https://example.org/feed\x00.xml", name="Gazette\x00"), now=NOW)
    assert feed.id and feed.name in ("Gazette\x00", "Gazette\ufffd")
    post = _post("nul\x00")
    record = PollRecord(feed_id=feed.id, checked=NOW, next_check=NOW, seen_keys=("g:a\x00b",), posts=(post,))
    [post_id] = store.save_poll(record)
    assert store.seen_keys(feed.id, ["g:a\x00b", "g:a", "g:a\ufffdb\x00"]) == {"g:a\x00b"}
    assert store.enqueue(post, now=NOW) is None  # its keys are found again
    queued = store.post(post_id)
    assert queued is not None and queued.article.title == "nul\x00"  # the article is JSON: exact
    assert store.feed(feed.url) == store.feed(feed.id)


def test_same_article_is_queued_once_per_chat(store: Store) -> None:
    first = store.enqueue(_post("same"), now=NOW)
    again = store.enqueue(_post("same"), now=NOW)
    other_chat = store.enqueue(_post("same", chat="@other"), now=NOW)
    assert first is not None and again is None and other_chat is not None
    assert store.count_posts()[PostState.QUEUED] == 2


def test_failures_count_up_disable_and_leave_a_notice_and_success_resets(store: Store) -> None:
    feed = store.add_feed(NewFeed(url="https://example.org/feed.xml"), now=NOW)
    assert feed.id
    store.save_failure(PollFailure(feed_id=feed.id, checked=NOW, next_check=NOW, error="HTTP 500"))
    store.save_failure(
        PollFailure(
            feed_id=feed.id, checked=NOW, next_check=NOW, error="HTTP 503", disable=True, notice="off"
        )
    )
    broken = store.feed(feed.id)
    assert broken is not None
    assert (broken.error_count, broken.last_error, broken.enabled) == (2, "HTTP 503", False)
    [notice] = unread_notices(store)
    assert notice.message == "off" and notice.feed_id == feed.id
    assert store.claim_notices() == [replace(notice, read=True)]
    assert unread_notices(store) == []
    store.set_feed_enabled(feed.id, True)
    store.save_poll(PollRecord(feed_id=feed.id, checked=NOW, next_check=NOW))
    healthy = store.feed(feed.id)
    assert healthy is not None
    assert (healthy.error_count, healthy.last_error, healthy.enabled) == (0, None, True)


def test_removing_a_feed_keeps_its_queued_posts(store: Store) -> None:
    feed = store.add_feed(NewFeed(url="https://example.org/feed.xml"), now=NOW)
    assert feed.id
    store.save_poll(
        PollRecord(feed_id=feed.id, checked=NOW, next_check=NOW, posts=(_post("kept", feed_id=feed.id),))
    )
    store.remove_feed(feed.id)
    assert store.feeds() == []
    [post] = store.posts()
    assert post.article.title == "kept" and post.feed_id is None


def test_post_states_move_and_unknown_post_is_an_error(store: Store) -> None:
    post_id = store.enqueue(_post("p"), now=NOW)
    assert post_id
    assert store.claim(post_id, now=NOW)
    assert store.mark_sent(post_id, now=NOW + timedelta(seconds=3), message_id=77)
    [post] = store.posts(states=[PostState.SENT])
    assert (post.message_id, post.sent, post.attempts) == (77, NOW + timedelta(seconds=3), 1)
    assert store.posts(states=[PostState.QUEUED]) == []
    with pytest.raises(StoreError, match="post 999 does not exist"):
        store.decide(999, PostEvent.CANCEL, now=NOW)


def test_renamed_feed_url_is_not_taken_from_another_feed(store: Store) -> None:
    a = store.add_feed(NewFeed(url="https://example.org/"), now=NOW)
    b = store.add_feed(NewFeed(url="https://example.org/feed.xml"), now=NOW)
    assert a.id and b.id
    store.save_poll(PollRecord(feed_id=a.id, checked=NOW, next_check=NOW, url="https://example.org/feed.xml"))
    assert store.feed(a.id) == replace(a, last_checked=NOW, last_success=NOW, next_check=NOW)


def test_a_guarded_state_change_happens_only_from_the_states_named(store: Store) -> None:
    post_id = store.enqueue(_post("g"), now=NOW)
    assert post_id
    assert store.claim(post_id, now=NOW)
    # Cancelling after the scheduler claimed it: refused, and the post is left as it was.
    assert not store.decide(post_id, PostEvent.CANCEL, now=NOW)
    post = store.post(post_id)
    assert post is not None and post.state is PostState.SENDING
    assert store.post(999) is None
    with pytest.raises(StoreError, match="post 999 does not exist"):
        store.decide(999, PostEvent.CANCEL, now=NOW)


def _notify(store: Store, *messages: str) -> None:
    feed = store.add_feed(NewFeed(url=f"https://example.org/{len(store.feeds())}.xml"), now=NOW)
    assert feed.id
    for message in messages:
        store.save_failure(
            PollFailure(feed_id=feed.id, checked=NOW, next_check=NOW, error="x", notice=message)
        )


def test_notices_are_claimed_once_and_can_be_released(store: Store) -> None:
    _notify(store, "first", "second")
    claimed = store.claim_notices()
    assert [(n.message, n.read) for n in claimed] == [("first", True), ("second", True)]
    assert store.claim_notices() == [] and unread_notices(store) == []
    store.release_notices([claimed[1].id])
    assert [n.message for n in store.claim_notices()] == ["second"]


def test_two_connections_claiming_at_once_never_share_a_notice(store_location: str) -> None:
    path = store_location
    with closing(open_store(path)) as writer:
        _notify(writer, *(f"notice {n}" for n in range(200)))
    start = threading.Barrier(4)

    def claim(_: int) -> list[int]:
        with closing(open_store(path)) as store:  # one connection per thread, as two processes
            start.wait()
            return [notice.id for _ in range(20) for notice in store.claim_notices()]

    with ThreadPoolExecutor(4) as pool:
        claims = list(pool.map(claim, range(4)))
    everything = [notice_id for ids in claims for notice_id in ids]
    assert sorted(everything) == sorted(set(everything)) and len(everything) == 200


def test_an_articles_media_survive_the_queue(store: Store) -> None:
    images = ("https://img.example/1.jpg", "https://img.example/2.jpg")
    article = Article(
        text="t", title="Gallery", image=images[0], images=images, video="https://v.example/a.mp4"
    )
    post_id = store.enqueue(NewPost(article=article, chat="@news", keys=("k",)), now=NOW)
    assert post_id is not None
    stored = store.post(post_id)
    assert stored is not None and stored.article == article
