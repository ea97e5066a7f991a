"""Claims and leases: what lets several workers share one database (bot.workers), on both backends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import LeaseLost
from bot.models import Article
from bot.storage import FeedClaim, NewFeed, NewPost, PollFailure, PollRecord, Store, open_store

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)


def claim(store: Store, owner: str, *, now: datetime = NOW, limit: int = 100, **scope: object) -> list[int]:
    """The ids of the feeds `owner` claims."""
    feeds = store.claim_feeds(FeedClaim(owner=owner, now=now, lease=LEASE, limit=limit, **scope))  # type: ignore[arg-type]
    return [feed.id for feed in feeds if feed.id is not None]


def add_feeds(store: Store, count: int) -> list[int]:
    return [store.add_feed(NewFeed(url=f"https://example.org/{n}.xml"), now=NOW).id for n in range(count)]


def polled(feed_id: int, owner: str | None, *, now: datetime = NOW, key: str = "item") -> PollRecord:
    article = Article(text=f"Text of {key}", title=key, url=f"https://example.org/{key}", id=key)
    post = NewPost(article=article, chat="@news", keys=(f"l:{key}",), feed_id=feed_id)
    return PollRecord(
        feed_id=feed_id,
        checked=now,
        next_check=now + timedelta(hours=1),
        seen_keys=(key,),
        posts=(post,),
        owner=owner,
    )


def test_a_claim_takes_due_enabled_feeds_most_overdue_first_and_no_one_else_gets_them(store: Store) -> None:
    never, overdue, later, off = add_feeds(store, 4)
    store.save_poll(polled(overdue, None, now=NOW - timedelta(hours=2)))  # due an hour ago
    store.save_poll(polled(later, None, now=NOW, key="later"))  # due in an hour
    store.set_feed_enabled(off, False)
    assert claim(store, "a", limit=1) == [never]
    assert claim(store, "b") == [overdue]
    assert claim(store, "c") == []
    assert claim(store, "c", now=NOW + timedelta(hours=1)) == [never, overdue, later]  # the leases expired


def test_a_lease_that_expired_is_taken_over_and_the_late_save_writes_nothing(store: Store) -> None:
    [feed_id] = add_feeds(store, 1)
    assert claim(store, "a") == [feed_id]
    assert claim(store, "b", now=NOW + LEASE - timedelta(seconds=1)) == []
    assert claim(store, "b", now=NOW + LEASE) == [feed_id]  # a was killed mid-poll, say
    with pytest.raises(LeaseLost, match=f"feed {feed_id}"):
        store.save_poll(polled(feed_id, "a"))
    with pytest.raises(LeaseLost):
        store.save_failure(PollFailure(feed_id=feed_id, checked=NOW, next_check=NOW, error="late", owner="a"))
    feed = store.feed(feed_id)
    assert feed is not None and feed.last_checked is None and feed.error_count == 0
    assert store.seen_keys(feed_id, ["item"]) == set() and store.posts() == []
    assert len(store.save_poll(polled(feed_id, "b", now=NOW + LEASE))) == 1


def test_saving_a_poll_ends_its_claim(store: Store) -> None:
    [feed_id] = add_feeds(store, 1)
    claim(store, "a")
    store.save_failure(PollFailure(feed_id=feed_id, checked=NOW, next_check=NOW, error="HTTP 502", owner="a"))
    assert claim(store, "b") == [feed_id]  # due again at once, and no longer leased
    store.save_poll(polled(feed_id, "b"))
    assert claim(store, "c", now=NOW + timedelta(hours=1)) == [feed_id]


def test_a_claim_since_a_moment_takes_feeds_not_checked_since_whether_due_or_not(store: Store) -> None:
    before, after, never = add_feeds(store, 3)
    store.save_poll(polled(before, None, now=NOW - timedelta(minutes=1), key="before"))
    store.save_poll(polled(after, None, now=NOW, key="after"))
    assert sorted(claim(store, "a", unchecked_since=NOW)) == [before, never]


def test_a_claim_of_named_feeds_takes_only_those(store: Store) -> None:
    first, second, third = add_feeds(store, 3)
    assert sorted(claim(store, "a", feed_ids=(third, first, 2**70))) == [first, third]
    assert claim(store, "b", feed_ids=()) == []
    assert claim(store, "b") == [second]


def test_a_worker_stopping_gives_its_claims_back(store: Store) -> None:
    first, second = add_feeds(store, 2)
    claim(store, "a", feed_ids=(first,))
    claim(store, "b", feed_ids=(second,))
    assert store.release_feeds("a") == 1
    assert claim(store, "c") == [first]


def test_claims_from_two_connections_at_once_never_share_a_feed(store: Store, store_location: str) -> None:
    """Each worker claims one feed at a time until none is left, on its own connection."""
    feeds = add_feeds(store, 60)

    def work(owner: str) -> list[int]:
        mine: list[int] = []
        with closing(open_store(store_location)) as own:
            while got := claim(own, owner, limit=1):
                mine.extend(got)
        return mine

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(work, ["a", "b"])
    assert sorted(first + second) == feeds
    assert not set(first) & set(second)


def test_a_named_lease_has_one_holder_until_it_expires(store: Store) -> None:
    later = NOW + timedelta(minutes=3)
    assert store.take_lease("sender", owner="a", now=NOW, expires=later) == "a"
    assert store.take_lease("sender", owner="b", now=NOW, expires=later) == "a"
    assert store.take_lease("sender", owner="a", now=later, expires=later + timedelta(minutes=3)) == "a"
    assert store.take_lease("sender", owner="b", now=later, expires=later) == "a"  # renewed
    assert store.take_lease("other", owner="b", now=NOW, expires=later) == "b"
    gone = later + timedelta(minutes=3)
    assert store.take_lease("sender", owner="b", now=gone, expires=gone + timedelta(minutes=3)) == "b"


def test_releasing_a_lease_shortens_only_the_holders(store: Store) -> None:
    far = NOW + timedelta(hours=1)
    store.take_lease("sender", owner="a", now=NOW, expires=far)
    store.release_lease("sender", owner="b", expires=NOW)
    assert store.take_lease("sender", owner="b", now=NOW, expires=far) == "a"
    soon = NOW + timedelta(minutes=1)
    store.release_lease("sender", owner="a", expires=soon)
    assert store.take_lease("sender", owner="b", now=NOW, expires=far) == "a"
    assert store.take_lease("sender", owner="b", now=soon, expires=far) == "b"


def test_the_named_leases_read_back_as_held_expired_ones_too(store: Store) -> None:
    assert store.leases() == []
    store.take_lease("sender", owner="a", now=NOW, expires=NOW + timedelta(minutes=3))
    store.release_lease("sender", owner="a", expires=NOW + timedelta(minutes=1))
    [lease] = store.leases()
    assert (lease.name, lease.owner, lease.expires) == ("sender", "a", NOW + timedelta(minutes=1))


def test_a_feed_shows_who_claimed_it_until_its_poll_is_saved(store: Store) -> None:
    [feed_id] = add_feeds(store, 1)
    claim(store, "a")
    [feed] = store.feeds()
    assert (feed.lease_owner, feed.lease_expires) == ("a", NOW + LEASE)
    store.save_poll(polled(feed_id, "a"))
    [feed] = store.feeds()
    assert (feed.lease_owner, feed.lease_expires) == (None, None)
