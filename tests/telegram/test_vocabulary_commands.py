"""/alias, /unalias, /block, /unblock, /vocab and /stats, through the real bot and the fake Bot API."""

from __future__ import annotations

import re

import pytest
from auxil.fake_bot_api import FakeSession, RecordedSleep, reply_after
from auxil.history import fill_history
from auxil.run_loop import Clock, Loop, paris, run_loop

from bot.config import Settings
from bot.models import Article
from bot.storage import NewPost, TagRule
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
        before = len(world.replies_to(world.admin_id))
        world.api.push_message(world.admin_id, "/stats 7")
        await world.api.until(lambda: len(world.replies_to(world.admin_id)) == before + 1)
    photo = world.replies_to(world.admin_id)[-1]
    assert photo.photo is not None and photo.photo.startswith("upload:")
    assert (photo.caption or "").startswith(f"{total} posts to all chats in the last 7 days")
    assert "Top tags: #" in (photo.caption or "")
