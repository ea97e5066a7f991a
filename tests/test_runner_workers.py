"""Two workers' runners on one store: one sender at a time, handed over when it stops or dies."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
from test_runner import ScriptedPublisher

from bot.app import build_planner
from bot.config import load_settings
from bot.models import Article
from bot.planner import PublishSchedule
from bot.runner import Runner, RunnerConfig
from bot.storage import NewPost, PostState, Store, open_store
from bot.workers import SENDER_HANDOVER, SENDER_LEASE

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(store_location: str) -> Iterator[Store]:
    with closing(open_store(store_location)) as opened:
        for n in range(3):
            article = Article(text=f"Story {n} of the harbour.", title=f"Story {n}")
            opened.enqueue(
                NewPost(article=article, chat="@news", keys=(f"k{n}",)), now=NOW - timedelta(hours=1)
            )
        yield opened


def worker(store: Store, name: str, clock: Clock, publisher: ScriptedPublisher) -> Runner:
    schedule = PublishSchedule(tz=UTC, per_slot=1)
    return Runner(
        store=store,
        planner=build_planner(load_settings(None)),
        publisher=publisher,
        config=RunnerConfig(schedule=schedule, channel="@news"),
        clock=clock,
        worker=name,
    )


async def test_only_the_sender_sends_and_the_other_worker_leaves_the_queue_to_it(
    store: Store, clock: Clock
) -> None:
    a_sends, b_sends = ScriptedPublisher("-1001", "-1001"), ScriptedPublisher("-1001")
    a, b = worker(store, "a", clock, a_sends), worker(store, "b", clock, b_sends)
    assert len((await a.publish()).sent) == 1
    refused = await b.publish()
    assert refused.sent == [] and refused.paused == "another worker (a) is sending" and b_sends.seen == []
    clock.now += SENDER_LEASE - timedelta(seconds=1)
    assert len((await a.publish()).sent) == 1  # renewed: a stays the sender
    clock.now += SENDER_LEASE - timedelta(seconds=1)
    assert (await b.publish()).paused is not None
    assert [post.state for post in store.posts()] == [PostState.SENT, PostState.SENT, PostState.QUEUED]


async def test_a_worker_that_stops_hands_over_a_pacing_window_after_its_last_send(
    store: Store, clock: Clock
) -> None:
    a, b = (
        worker(store, "a", clock, ScriptedPublisher("-1001")),
        worker(store, "b", clock, ScriptedPublisher("-1001")),
    )
    await a.publish()
    await a.stop()
    assert (await b.publish()).paused == "another worker (a) is sending"
    clock.now += SENDER_HANDOVER
    assert len((await b.publish()).sent) == 1


async def test_a_worker_that_stops_without_having_sent_hands_over_at_once(store: Store, clock: Clock) -> None:
    a, b = (
        worker(store, "a", clock, ScriptedPublisher()),
        worker(store, "b", clock, ScriptedPublisher("-1001")),
    )
    await a.recover()  # start-up makes it the sender
    await a.stop()
    assert len((await b.publish()).sent) == 1


async def test_a_new_worker_never_marks_the_senders_post_in_flight_uncertain(
    store: Store, clock: Clock
) -> None:
    a = worker(store, "a", clock, ScriptedPublisher())
    await a.recover()
    [first, *_] = store.posts()
    assert store.claim(first.id, now=clock.now)  # a is sending it, and then dies
    b = worker(store, "b", clock, ScriptedPublisher("-1001", "-1001"))
    assert await b.recover() == []
    assert store.post(first.id).state is PostState.SENDING  # type: ignore[union-attr]
    clock.now += SENDER_LEASE  # a's lease has run out: nobody is sending it now
    report = await b.publish()
    assert store.post(first.id).state is PostState.UNCERTAIN  # type: ignore[union-attr]
    assert len(report.sent) == 1


async def test_a_sender_whose_process_ended_on_this_host_is_taken_over_at_once(
    store: Store, clock: Clock
) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    holder = f"{socket.gethostname()}:{dead.pid}:abc123"
    store.take_lease("sender", owner=holder, now=NOW, expires=NOW + SENDER_LEASE)
    b = worker(store, "b", clock, ScriptedPublisher("-1001"))
    assert len((await b.publish()).sent) == 1
