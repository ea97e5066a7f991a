"""/alias, /unalias, /block, /unblock, /vocab and /stats, through the real bot and the fake Bot API."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from auxil.cli import CliRunner
from auxil.fake_bot_api import FakeMessage, FakeSession, RecordedSleep, reply_after
from auxil.history import fill_history
from auxil.run_loop import Clock, Loop, paris, run_loop

from bot.app import open_state
from bot.clock import utcnow
from bot.config import Settings
from bot.models import Article
from bot.storage import NewPost, PublishedCounts, Store, TagRule
from bot.telegram import RetryPolicy
from bot.telegram.auth import REFUSAL

pytestmark = pytest.mark.anyio

NOON = "2026-11-24 12:00"
ARTICLE = Article(
    title="UK and France ready to send troops",
    text=(
        "The UK and France said on Monday they were ready to send troops to Ukraine after a ceasefire. "
        "The UK would lead the mission, London said."
    ),
    lang="en",
)


def _hashtags(text: str) -> list[str]:
    return re.findall(r"#\w+", text)


async def _publish_one(loop: Loop, key: str) -> list[str]:
    """Queue the article under a new key, publish it, and return the new channel post's hashtags."""
    before = len(loop.world.channel_posts())
    post = NewPost(article=ARTICLE, chat=f"@{loop.world.channel_username}", keys=(key,))
    assert loop.store.enqueue(post, now=loop.clock()) is not None
    report = await loop.runner.publish()
    assert len(report.sent) == 1
    assert len(loop.world.channel_posts()) == before + 1
    return _hashtags(loop.world.channel_posts()[-1].text or "")


async def ask(world: FakeSession, text: str, user: int | None = None) -> str:
    [answer] = await reply_after(world, world.admin_id if user is None else user, text)
    return answer


async def _ask_photo(world: FakeSession, text: str) -> FakeMessage:
    """The admin's command, and the bot's next message to them (drawn on a thread: it may take a while)."""
    before = len(world.replies_to(world.admin_id))
    world.api.push_message(world.admin_id, text)
    await world.api.until(lambda: len(world.replies_to(world.admin_id)) == before + 1)
    return world.replies_to(world.admin_id)[-1]


async def test_an_admins_alias_changes_the_next_posts_tags_without_a_restart(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep
) -> None:
    async with run_loop(settings, world, Clock(paris(NOON)), retry, sleep) as loop:
        assert "#UK" in await _publish_one(loop, "first")
        answer = await ask(world, "/alias UK GrandeBretagne")
        assert answer == "#UK is now written #GrandeBretagne, from the next post on."
        tags = await _publish_one(loop, "second")
        assert "#GrandeBretagne" in tags and "#UK" not in tags
        assert await ask(world, "/block France") == (
            "#France is blocked: no new post gets it. /unblock France allows it again."
        )
        assert "#France" not in await _publish_one(loop, "third")
        assert await ask(world, "/unblock france") == "#France is allowed again."
        assert await ask(world, "/unalias uk") == "#UK has no alias any more."
        assert await ask(world, "/unalias uk") == "#Uk had no alias. /vocab lists the rules."
        tags = await _publish_one(loop, "fourth")
        assert "#France" in tags and "#GrandeBretagne" not in tags


async def test_a_strangers_alias_is_refused_and_changes_nothing(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep
) -> None:
    async with run_loop(settings, world, Clock(paris(NOON)), retry, sleep) as loop:
        assert await ask(world, "/alias UK GrandeBretagne", user=world.stranger_id) == REFUSAL
        assert await ask(world, "/block UK", user=world.stranger_id) == REFUSAL
        assert loop.store.tag_rules() == []
        assert "#UK" in await _publish_one(loop, "first")


async def test_bad_arguments_get_the_usage_line(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep
) -> None:
    async with run_loop(settings, world, Clock(paris(NOON)), retry, sleep) as loop:
        assert (await ask(world, "/alias UK")).startswith("Usage: /alias <from> <to>")
        assert (await ask(world, "/block !!!")).startswith("Usage: /block <tag>")
        assert (await ask(world, "/stats ²")).startswith("Usage: /stats [days]")
        assert loop.store.tag_rules() == []


async def test_vocab_lists_the_channels_tags_by_use_and_the_rules(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep
) -> None:
    async with run_loop(settings, world, Clock(paris(NOON)), retry, sleep) as loop:
        assert await ask(world, "/vocab") == f"No tags in @{world.channel_username}'s posts yet."
        published = await _publish_one(loop, "first")
        await _publish_one(loop, "second")
        loop.store.set_tag_rule(TagRule("UK", "GrandeBretagne"), now=loop.clock())
        loop.store.set_tag_rule(TagRule("Des"), now=loop.clock())
        listing = (await ask(world, "/vocab")).splitlines()
        assert listing[0] == f"Tags of @{world.channel_username}, by posts ({len(published)}):"
        assert set(listing[1 : len(published) + 1]) == {f"2 {tag}" for tag in published}
        assert listing[-3:] == ["Aliases: #UK → #GrandeBretagne", "", "Blocked: #Des"]
        narrowed = (await ask(world, "/vocab #fra")).splitlines()
        assert narrowed[:2] == [
            f"Tags of @{world.channel_username} starting with fra, by posts (1):",
            "2 #France",
        ]


async def test_stats_sends_the_chart_with_the_figures_in_its_caption(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep
) -> None:
    clock = Clock(paris(NOON))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        assert (await ask(world, "/stats")).startswith("No posts were sent to all chats in the last 30 days")
        total = fill_history(loop.store, days=6, now=clock())
        photo = await _ask_photo(world, "/stats 7")
    assert photo.photo is not None and photo.photo.startswith("upload:")
    assert (photo.caption or "").startswith(f"{total} posts to all chats in the last 7 days")
    assert "Top tags: #" in (photo.caption or "")


class HeldReads:
    """Opens the test's database again for /stats, and holds each read until the test lets it go."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.reading = threading.Event()
        self.released = threading.Event()
        #: For each read: whether the test let it go (False: it waited in vain), and on which thread.
        self.reads: list[tuple[bool, int]] = []

    def open(self) -> Store:
        store = open_state(self._settings)
        counts = store.published_counts

        def held(**options: Any) -> PublishedCounts:
            self.reading.set()
            # Were the read on the event loop, the loop would stop here and never let it go.
            self.reads.append((self.released.wait(timeout=20), threading.get_ident()))
            return counts(**options)

        store.published_counts = held  # type: ignore[method-assign]
        return store


async def test_the_bot_answers_other_updates_while_stats_reads_the_store(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep
) -> None:
    clock = Clock(paris(NOON))
    reads = HeldReads(settings)
    async with run_loop(settings, world, clock, retry, sleep, open_reader=reads.open) as loop:
        total = fill_history(loop.store, days=6, now=clock())
        before = len(world.replies_to(world.admin_id))
        world.api.push_message(world.admin_id, "/stats 7")
        await world.api.until(reads.reading.is_set)
        assert (await ask(world, "/vocab")).startswith("Tags of ")  # answered while /stats reads
        reads.released.set()
        await world.api.until(lambda: len(world.replies_to(world.admin_id)) == before + 2)
        photo = world.replies_to(world.admin_id)[-1]
    assert [released for released, _ in reads.reads] == [True]
    assert reads.reads[0][1] != threading.get_ident()  # on a worker thread, its own connection
    assert (photo.caption or "").startswith(f"{total} posts to all chats in the last 7 days")


def _section(lines: list[str], title: str) -> list[str]:
    """The indented lines under `title` in `hashbot stats`'s report, stripped."""
    start = lines.index(title) + 1
    end = next((n for n in range(start, len(lines)) if not lines[n].startswith("  ")), len(lines))
    return [line.strip() for line in lines[start:end]]


def _report_figures(out: str) -> dict[str, object]:
    """The figures `hashbot stats` prints, read back off its text."""
    lines = out.splitlines()
    reactions = next(line for line in lines if line.startswith("Reactions: "))
    per_post = [line.split() for line in lines[lines.index(reactions) + 1 :] if line.startswith("  ")]
    return {
        "summary": lines[0],
        "feeds": [tuple(line.split("  ", 1)[::-1]) for line in _section(lines, "Posts per feed:")][:5],
        "tags": [tuple(line.split()[::-1]) for line in _section(lines, "Top tags:")],
        "reactions": reactions.removesuffix("; per post, by tag:"),
        "per post": [(tag, figure) for figure, tag, *_ in per_post][:5],
    }


def _caption_figures(caption: str) -> dict[str, object]:
    """The figures of /stats's caption, read back off its text."""
    summary, feeds, tags, reactions = caption.splitlines()
    reactions, best = reactions.split("; most per post: ")
    tag_words, best_words = tags.removeprefix("Top tags: ").split(), best.split()
    return {
        "summary": summary,
        "feeds": [tuple(item.rsplit(" ", 1)) for item in feeds.removeprefix("Feeds: ").split(", ")],
        "tags": list(zip(tag_words[::2], tag_words[1::2], strict=True)),
        "reactions": reactions,
        "per post": list(zip(best_words[::2], best_words[1::2], strict=True)),
    }


async def test_the_stats_caption_carries_the_figures_hashbot_stats_prints_for_the_same_database(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    run_cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # The command reads the real clock: the bot's is set to it, and the history ends a day before,
    # so both windows hold all of it even across a midnight between the two.
    clock = Clock(utcnow())
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        total = fill_history(loop.store, days=20, now=clock() - timedelta(days=1))
        photo = await _ask_photo(world, "/stats")
    monkeypatch.setenv("HASHBOT_DATABASE", str(settings.database))
    monkeypatch.setenv("HASHBOT_TIMEZONE", "Europe/Paris")  # the loop's, as `hashbot run` would have it
    chart = tmp_path / "stats.png"
    result = run_cli("stats", "--png", str(chart))
    assert result.code == 0, result.err
    printed, captioned = _report_figures(result.out), _caption_figures(photo.caption or "")
    assert captioned == printed
    assert str(printed["summary"]).startswith(f"{total} posts to all chats in the last 30 days")
    assert len(printed["feeds"]) == 4 and len(printed["tags"]) == 10 and len(printed["per post"]) == 5  # type: ignore[arg-type]
    assert photo.photo == f"upload:{chart.stat().st_size} bytes"  # the same chart, byte for byte long
