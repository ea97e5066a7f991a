"""How a publish pass records each outcome of a send, with a scripted publisher and a fixed clock."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import build_planner
from bot.config import load_settings
from bot.errors import PublishError, PublishRefused, PublishUncertain
from bot.logs import configure_logging
from bot.models import Article, Post, Receipt
from bot.planner import PublishSchedule
from bot.runner import MAX_SEND_ATTEMPTS, PublishReport, Runner, RunnerConfig, RunWatcher
from bot.storage import NewPost, PostKind, PostState, QueuedPost, Store, open_store

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class ScriptedPublisher:
    """Answers each publish with the next scripted outcome: a destination, or an error to raise."""

    def __init__(self, *outcomes: str | PublishError) -> None:
        self.outcomes = list(outcomes)
        self.seen: list[Post] = []

    async def publish(self, post: Post) -> Receipt:
        self.seen.append(post)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, PublishError):
            raise outcome
        return Receipt(
            post=post, destination=outcome, message_id=len(self.seen), preview=outcome == "preview"
        )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "hashbot.sqlite3")
    article = Article(text="The night ferry now leaves at midnight.", title="Ferry")
    store.enqueue(NewPost(article=article, chat="@news", keys=("k",)), now=NOW - timedelta(minutes=5))
    return store


def _runner(
    store: Store, publisher: ScriptedPublisher, *, approval: bool = False, watcher: RunWatcher | None = None
) -> Runner:
    runner = Runner(
        store=store,
        planner=build_planner(load_settings(None)),
        publisher=publisher,
        config=RunnerConfig(schedule=PublishSchedule(tz=UTC), channel="@news", approval=approval),
        clock=lambda: NOW,
    )
    if watcher is not None:
        runner.watch(watcher)
    return runner


@pytest.mark.parametrize(
    ("outcome", "state"),
    [
        ("-100123", PostState.SENT),
        ("preview", PostState.SKIPPED),
        (PublishRefused("@news: Telegram refused the post: chat not found"), PostState.FAILED),
        (PublishUncertain("@news: the connection failed after the post was sent"), PostState.UNCERTAIN),
        (PublishError("@news: Telegram could not be reached after 6 attempts"), PostState.QUEUED),
    ],
)
async def test_each_outcome_of_a_send_is_recorded(
    store: Store, outcome: str | PublishError, state: PostState
) -> None:
    await _runner(store, ScriptedPublisher(outcome)).publish()
    [post] = store.posts()
    assert post.state is state and post.attempts == 1
    assert (post.message_id == 1) is (state is PostState.SENT)


async def test_an_undeliverable_post_is_retried_at_each_slot_then_failed(store: Store) -> None:
    unreachable = PublishError("@news: Telegram could not be reached after 6 attempts")
    publisher = ScriptedPublisher(*[unreachable] * MAX_SEND_ATTEMPTS)
    runner = _runner(store, publisher)
    for _ in range(MAX_SEND_ATTEMPTS):
        await runner.publish()
    [post] = store.posts()
    assert post.state is PostState.FAILED and post.attempts == MAX_SEND_ATTEMPTS
    assert len(publisher.seen) == MAX_SEND_ATTEMPTS
    await runner.publish()  # a failed post is never tried again
    assert len(publisher.seen) == MAX_SEND_ATTEMPTS


async def test_a_stopping_runner_sends_nothing_more(store: Store) -> None:
    publisher = ScriptedPublisher("-100123")
    runner = _runner(store, publisher)
    await runner.stop()
    await runner.publish()
    assert publisher.seen == [] and store.posts()[0].state is PostState.QUEUED


class Admins:
    """Stands in for the bot's desks: records the posts awaiting approval it was handed."""

    def __init__(self) -> None:
        self.asked: list[list[int]] = []
        self.uncertain: list[list[int]] = []

    async def on_awaiting(self, posts: Sequence[QueuedPost]) -> None:
        self.asked.append([post.id for post in posts])

    async def on_uncertain(self, posts: Sequence[QueuedPost]) -> None:
        self.uncertain.append([post.id for post in posts])


async def test_with_approval_a_feed_post_waits_and_is_published_once_on_publish(store: Store) -> None:
    publisher, admins = ScriptedPublisher("-100123"), Admins()
    runner = _runner(store, publisher, approval=True, watcher=admins)
    report = await runner.publish()
    [post] = store.posts()
    assert report.held == [post.id] and admins.asked == [[post.id]]
    assert post.state is PostState.AWAITING and publisher.seen == []
    assert await runner.publish() == type(report)()  # nothing left to hold or send

    first, second = await runner.publish_approved(post.id), await runner.publish_approved(post.id)
    assert first.sent == [post.id] and not second.done
    [post] = store.posts()
    assert post.state is PostState.SENT and post.approved and len(publisher.seen) == 1


async def test_an_approved_post_that_cannot_go_now_waits_in_the_queue_and_is_not_asked_again(
    store: Store,
) -> None:
    unreachable = PublishError("@news: Telegram could not be reached after 6 attempts")
    publisher, admins = ScriptedPublisher(unreachable, "-100123"), Admins()
    runner = _runner(store, publisher, approval=True, watcher=admins)
    await runner.publish()
    [post] = store.posts()
    assert (await runner.publish_approved(post.id)).retry == [post.id]
    assert store.posts()[0].state is PostState.QUEUED
    assert (await runner.publish()).sent == [post.id]
    assert admins.asked == [[post.id]]


async def test_paused_publish_claims_nothing_and_one_off_posts_never_wait(store: Store) -> None:
    publisher, admins = ScriptedPublisher("-100123"), Admins()
    runner = _runner(store, publisher, approval=True, watcher=admins)
    await runner.publish()
    [held] = store.posts()
    store.pause("paused by Ada")
    report = await runner.publish_approved(held.id)
    assert report.paused == "paused by Ada" and not report.done
    assert store.post(held.id).state is PostState.AWAITING  # type: ignore[union-attr]
    assert store.resume() == "paused by Ada"

    one_off = store.enqueue(
        NewPost(
            article=Article(text="At noon.", title="Noon"),
            chat="@news",
            keys=("n",),
            kind=PostKind.ONE_OFF,
            scheduled=NOW,
        ),
        now=NOW,
    )
    assert (await runner.publish(regular=False)).sent == [one_off]
    assert admins.asked == [[held.id]]


async def test_recovery_hands_posts_still_awaiting_to_the_admins_again(store: Store) -> None:
    admins = Admins()
    await _runner(store, ScriptedPublisher(), approval=True).publish()
    [post] = store.posts()
    await _runner(store, ScriptedPublisher(), watcher=admins).recover()
    assert admins.asked == [[post.id]]


async def test_listeners_get_each_report_and_a_send_logs_with_its_post_id(store: Store) -> None:
    runner = _runner(store, ScriptedPublisher(PublishRefused("@news: chat not found")))
    reports: list[PublishReport] = []
    runner.on_report(reports.append)
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging(level="INFO", fmt="json", stream=stream)
    try:
        await runner.publish()
    finally:
        root.handlers[:], root.level = handlers, level
    [report] = reports
    assert report.failed == [1] and len(report.send_seconds) == 1
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    [failed] = [line for line in lines if line["message"].startswith("post 1 failed")]
    assert failed["post_id"] == 1
    assert all("post_id" not in line for line in lines if line["message"].startswith("publish pass"))
