"""Polls under claims: workers sharing a store share its feeds, each polled by one at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from auxil.feedserver import FeedServer, Route, rss
from auxil.fetching import TEST_POLICY, with_fetcher

from bot.ingest.http import Fetched, Fetcher
from bot.ingest.poller import Outcome, Poller, PollPolicy, PollResult
from bot.storage import Feed, FeedClaim, NewFeed, PostState, Store

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
POLICY = PollPolicy(default_chat="@news", parallel=4)
#: Generous time limits: these tests are about who polls what, on a machine that may be loaded.
FETCH = replace(TEST_POLICY, concurrency=8, per_host=8, connect_timeout=30.0, total_timeout=30.0)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


def add_feeds(store: Store, server: FeedServer, count: int) -> list[Feed]:
    feeds = []
    for n in range(count):
        server.routes[f"/{n}.xml"] = Route(
            rss((f"{n}-2", f"Newest {n}", f"https://e.org/{n}/2"), (f"{n}-1", "Old", f"https://e.org/{n}/1"))
        )
        feeds.append(store.add_feed(NewFeed(url=server.url(f"/{n}.xml")), now=NOW))
    return feeds


def poller(store: Store, fetcher: Fetcher, worker: str, *, now: datetime = NOW) -> Poller:
    return Poller(store=store, fetcher=fetcher, policy=POLICY, clock=lambda: now, worker=worker)


def test_a_worker_polls_every_due_feed_once_claiming_as_polls_finish(
    store: Store, server: FeedServer
) -> None:
    add_feeds(store, server, 9)
    done: list[PollResult] = []
    results = with_fetcher(
        lambda fetcher: poller(store, fetcher, "a").poll_claimed(on_done=done.append), FETCH
    )
    assert sorted(r.feed.id or 0 for r in results) == list(range(1, 10)) and len(done) == 9
    assert {r.outcome for r in results} == {Outcome.UPDATED}
    assert all(len(server.hits(f"/{n}.xml")) == 1 for n in range(9))
    assert sorted(post.article.title or "" for post in store.posts()) == sorted(
        f"Newest {n}" for n in range(9)
    )
    # The claims ended with the polls: an hour on, every feed is due and free again.
    later = store.claim_feeds(
        FeedClaim(owner="b", now=NOW + timedelta(hours=1), lease=POLICY.lease, limit=99)
    )
    assert len(later) == 9


def test_a_feed_another_worker_holds_is_left_to_it(store: Store, server: FeedServer) -> None:
    held, free = add_feeds(store, server, 2)
    store.claim_feeds(FeedClaim(owner="b", now=NOW, lease=POLICY.lease, limit=1))
    claimed = store.feed(held.id or 0)
    assert claimed is not None and claimed.lease_owner == "b"
    results = with_fetcher(lambda fetcher: poller(store, fetcher, "a").poll_claimed(), FETCH)
    assert [r.feed.id for r in results] == [free.id]
    assert server.hits("/0.xml") == [] and store.feed(held.id or 0) == claimed


def test_two_workers_at_once_poll_each_feed_once_and_queue_each_item_once(
    store: Store, server: FeedServer
) -> None:
    add_feeds(store, server, 20)

    async def both(fetcher: Fetcher) -> list[list[PollResult]]:
        return list(await asyncio.gather(*(poller(store, fetcher, name).poll_claimed() for name in "ab")))

    first, second = with_fetcher(both, policy=FETCH)
    assert {r.outcome for r in first + second} == {Outcome.UPDATED}
    polled = [r.feed.id for r in first + second]
    assert sorted(polled) == list(range(1, 21))  # each once, by one of the two
    assert [len(server.hits(f"/{n}.xml")) for n in range(20)] == [1] * 20
    titles = [post.article.title for post in store.posts(states=[PostState.QUEUED])]
    assert sorted(titles) == sorted(f"Newest {n}" for n in range(20))


class TakenOverMidPoll:
    """Fetches as `real` does, but first lets worker ``b`` take every feed over, as if worker
    ``a`` had hung past its lease."""

    def __init__(self, real: Fetcher, store: Store) -> None:
        self._real = real
        self._store = store
        self.policy = real.policy

    async def fetch(self, url: str, **validators: str | None) -> Fetched:
        after = NOW + POLICY.lease
        self._store.claim_feeds(FeedClaim(owner="b", now=after, lease=POLICY.lease, limit=99))
        return await self._real.fetch(url, **validators)


def test_a_poll_whose_claim_was_taken_over_is_dropped_and_the_new_holder_queues_the_item(
    store: Store, server: FeedServer
) -> None:
    [feed] = add_feeds(store, server, 1)

    async def late(fetcher: Fetcher) -> list[PollResult]:
        hung = TakenOverMidPoll(fetcher, store)
        return await poller(store, hung, "a").poll_claimed()  # type: ignore[arg-type]

    [result] = with_fetcher(late, FETCH)
    assert result.outcome is Outcome.TAKEN_OVER and "taken over by another worker" in (result.error or "")
    assert store.posts() == [] and store.seen_keys(feed.id or 0, ["0-2"]) == set()
    again = with_fetcher(
        lambda fetcher: poller(store, fetcher, "b", now=NOW + POLICY.lease).poll(feed, owner="b"), FETCH
    )
    assert again.outcome is Outcome.UPDATED and len(store.posts()) == 1
