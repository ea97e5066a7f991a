"""Store methods of the run loop: claiming, recovery, flags, caps history, pruning and dry-run copies."""

from __future__ import annotations

import hashlib
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.models import Article
from bot.storage import NewFeed, NewPost, PollRecord, PostState, Store, open_store, open_store_copy

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _queue(store: Store, key: str) -> int:
    article = Article(text=f"Text of {key}", title=key, url=f"https://example.org/{key}")
    post_id = store.enqueue(NewPost(article=article, chat="@news", keys=(f"l:{key}",)), now=NOW)
    assert post_id is not None
    return post_id


def test_claiming_is_a_compare_and_set_committed_before_the_send(store: Store) -> None:
    post_id = _queue(store, "a")
    assert store.claim(post_id, now=NOW)
    assert not store.claim(post_id, now=NOW)
    post = store.post(post_id)
    assert post is not None and post.state is PostState.SENDING and post.attempts == 1


def test_posts_left_sending_become_uncertain_and_others_stay(store: Store) -> None:
    stuck, waiting = _queue(store, "stuck"), _queue(store, "waiting")
    assert store.claim(stuck, now=NOW)
    assert [post.id for post in store.mark_sending_uncertain(now=NOW)] == [stuck]
    assert store.count_posts()[PostState.UNCERTAIN] == 1
    assert store.posts(states=[PostState.QUEUED])[0].id == waiting
    assert store.mark_sending_uncertain(now=NOW) == []


def test_a_send_keeps_the_tags_it_goes_out_with_through_a_crash_and_its_record(store: Store) -> None:
    post_id = _queue(store, "ferry")
    assert store.post(post_id).sending_tags is None  # type: ignore[union-attr]
    assert store.claim(post_id, now=NOW, tags=["NightFerry", "Café"])
    store.mark_sending_uncertain(now=NOW)  # a crash mid-send: the claim's tags stay
    assert store.post(post_id).sending_tags == ("NightFerry", "Café")  # type: ignore[union-attr]
    lost = _queue(store, "harbour")
    assert store.claim(lost, now=NOW, tags=["Harbour"])
    assert store.mark_uncertain(lost, now=NOW, error="lost", tags=["Harbour", "PortoVelho"])
    assert store.post(lost).sending_tags == ("Harbour", "PortoVelho")  # type: ignore[union-attr]


def test_sent_times_are_the_recent_sends_only(store: Store) -> None:
    ids = [_queue(store, key) for key in "abc"]
    for post_id in ids:
        assert store.claim(post_id, now=NOW - timedelta(days=2))
    store.mark_sent(ids[0], now=NOW - timedelta(days=2), message_id=1)
    store.mark_sent(ids[1], now=NOW - timedelta(minutes=5), message_id=2)
    store.mark_failed(ids[2], now=NOW, error="refused")
    assert store.sent_times(NOW - timedelta(hours=25)) == [NOW - timedelta(minutes=5)]


def test_flags_persist_across_reopening(store_location: str) -> None:
    path = store_location
    first = open_store(path)
    first.set_flag("paused", "paused by Ada")
    first.close()
    with closing(open_store(path)) as again:
        assert again.flag("paused") == "paused by Ada"
        again.set_flag("paused", None)
        assert again.flag("paused") is None


def test_pruning_forgets_old_seen_items_but_keeps_each_feeds_newest(store: Store) -> None:
    feed = store.add_feed(NewFeed(url="https://example.org/feed.xml"), now=NOW)
    assert feed.id is not None
    for day in range(10):  # ten polls, ten days apart, three new items each
        checked = NOW - timedelta(days=100 - day * 10)
        keys = tuple(f"item-{day}-{n}" for n in range(3))
        store.save_poll(PollRecord(feed_id=feed.id, checked=checked, next_check=checked, seen_keys=keys))
    everything = [f"item-{day}-{n}" for day in range(10) for n in range(3)]
    pruned = store.prune_seen(older_than=timedelta(days=45), now=NOW, keep_per_feed=6)
    kept = store.seen_keys(feed.id, everything)
    # Older than 45 days: the polls of days 100..50 ago (18 items); the newest 6 are never pruned.
    assert pruned == 18
    assert kept == {f"item-{day}-{n}" for day in range(6, 10) for n in range(3)}
    assert store.prune_seen(older_than=timedelta(days=1), now=NOW, keep_per_feed=6) == 6
    assert store.seen_keys(feed.id, everything) == {f"item-{day}-{n}" for day in (8, 9) for n in range(3)}
    store.vacuum()
    assert store.seen_keys(feed.id, everything)


def test_a_dry_run_copy_never_writes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "real.sqlite3"
    real = open_store(path)
    _queue(real, "queued")
    real.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    copy = open_store_copy(path)
    [post] = copy.posts()
    assert copy.claim(post.id, now=NOW) and copy.mark_sent(post.id, now=NOW, message_id=1)
    _queue(copy, "another")
    copy.set_flag("paused", "in the copy")
    copy.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    reopened = open_store(path)
    assert [p.state for p in reopened.posts()] == [PostState.QUEUED]
    assert reopened.flag("paused") is None


def test_a_dry_run_copy_of_no_database_is_empty_and_creates_no_file(tmp_path: Path) -> None:
    copy = open_store_copy(tmp_path / "missing.sqlite3")
    assert copy.feeds() == [] and copy.posts() == []
    copy.close()
    assert not (tmp_path / "missing.sqlite3").exists()


def test_the_pause_is_the_stores_and_reads_the_flag_older_versions_wrote(store_location: str) -> None:
    path = store_location
    first = open_store(path)
    assert first.paused() is None and first.resume() is None
    first.set_flag("paused", "paused by Ada")  # as hashbot wrote it before Store.pause
    first.close()
    with closing(open_store(path)) as again:
        assert again.paused() == "paused by Ada"
        again.pause("Telegram refused the bot in @news: Forbidden")
        assert again.flag("paused") == "Telegram refused the bot in @news: Forbidden"
        assert again.resume() == "Telegram refused the bot in @news: Forbidden"
        assert again.paused() is None
