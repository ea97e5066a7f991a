"""A publish pass tags each post in its chat's vocabulary and records what it published."""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from auxil.history import send

from bot.app import build_planner
from bot.config import load_settings
from bot.models import Article, Post, Receipt, TagUse
from bot.planner import PublishSchedule
from bot.runner import Runner, RunnerConfig
from bot.storage import NewPost, Store, TagRule, open_store

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
MACRON = Article(
    title="Macron veut relancer l'Europe",
    text=(
        "Le président Macron a déclaré lundi à Paris que l'Europe devait agir. Macron a rencontré "
        "les dirigeants du Royaume-Uni et de l'OTAN. Selon Macron, l'Europe doit se renforcer."
    ),
    lang="fr",
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Channel:
    """Accepts every post, numbering the messages."""

    def __init__(self) -> None:
        self.posts: list[Post] = []

    async def publish(self, post: Post) -> Receipt:
        self.posts.append(post)
        return Receipt(post=post, destination="-100123", message_id=len(self.posts), sent_at=NOW)

    def tags(self) -> list[list[str]]:
        return [[tag.name for tag in post.tags] for post in self.posts]


def _runner(store: Store, channel: Channel, *, days: int = 180) -> Runner:
    return Runner(
        store=store,
        planner=build_planner(load_settings(None)),
        publisher=channel,
        config=RunnerConfig(
            schedule=PublishSchedule(tz=UTC, per_slot=10), channel="@news", vocabulary_days=days
        ),
        clock=lambda: NOW,
    )


def _queue(store: Store, article: Article, key: str, chat: str = "@news") -> None:
    store.enqueue(NewPost(article=article, chat=chat, keys=(key,)), now=NOW - timedelta(minutes=5))


async def test_a_chat_that_used_the_full_name_gets_it_for_an_article_saying_macron(tmp_path: Path) -> None:
    store = open_store(tmp_path / "hashbot.sqlite3")
    send(store, "earlier", ["EmmanuelMacron"], at=NOW - timedelta(days=3), chat="@news")
    _queue(store, MACRON, "fr")
    _queue(store, MACRON, "fr", chat="@elsewhere")  # another chat has its own vocabulary
    channel = Channel()
    await _runner(store, channel).publish()
    [here, elsewhere] = channel.tags()
    assert "EmmanuelMacron" in here and "Macron" not in here
    assert "Macron" in elsewhere and "EmmanuelMacron" not in elsewhere


async def test_the_vocabulary_is_off_with_zero_days(tmp_path: Path) -> None:
    store = open_store(tmp_path / "hashbot.sqlite3")
    send(store, "earlier", ["EmmanuelMacron"], at=NOW, chat="@news")
    _queue(store, MACRON, "fr")
    channel = Channel()
    await _runner(store, channel, days=0).publish()
    assert "Macron" in channel.tags()[0]


async def test_an_admins_alias_and_block_change_the_next_post(tmp_path: Path) -> None:
    store = open_store(tmp_path / "hashbot.sqlite3")
    _queue(store, MACRON, "one")
    channel = Channel()
    runner = _runner(store, channel)
    await runner.publish()
    assert {"Macron", "OTAN"} <= set(channel.tags()[0])
    store.set_tag_rule(TagRule("Macron", "EmmanuelMacron"), now=NOW)
    store.set_tag_rule(TagRule("OTAN"), now=NOW)
    _queue(store, MACRON, "two")
    await runner.publish()
    assert "EmmanuelMacron" in channel.tags()[1]
    assert not {"Macron", "OTAN"} & set(channel.tags()[1])


async def test_vocabulary_and_history_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "hashbot.sqlite3"
    with closing(open_store(path)) as store:
        store.set_tag_rule(TagRule("Macron", "EmmanuelMacron"), now=NOW)
        _queue(store, MACRON, "first")
        first = Channel()
        await _runner(store, first).publish()
    published = first.tags()[0]
    assert "EmmanuelMacron" in published
    with closing(open_store(path)) as store:
        uses = store.tag_uses(chat="@news", sent_only=True)
        assert sorted(use.name for use in uses) == sorted(published)
        assert all(use == TagUse(use.name, 1) for use in uses)
        assert store.tag_rules() == [TagRule("Macron", "EmmanuelMacron")]
        # Without the alias, the history alone keeps the chat's spelling for the next post.
        assert store.remove_tag_rule("Macron", blocked=False) is not None
        _queue(store, MACRON, "second")
        second = Channel()
        await _runner(store, second).publish()
    assert "EmmanuelMacron" in second.tags()[0]
    assert "Macron" not in second.tags()[0]
