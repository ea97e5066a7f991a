"""Reaction counts on channel posts: asked for in allowed_updates, pushed by the fake Bot API,
kept per post and shown by tag in the statistics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auxil.fake_bot_api import FakeSession, RecordedSleep, reply_after
from auxil.run_loop import Clock, paris, run_loop

from bot.config import Settings
from bot.models import Article
from bot.storage import NewPost
from bot.telegram import RetryPolicy
from bot.telegram.reactions import ALLOWED_UPDATES

pytestmark = pytest.mark.anyio

ARTICLE = Article(
    title="Harbour council votes on the night ferry",
    text="The harbour council of Porto Velho voted on the night ferry. The night ferry will run later.",
    lang="en",
)


def test_the_bot_asks_for_reaction_counts_and_keeps_telegrams_defaults() -> None:
    assert {"message", "callback_query", "message_reaction_count"} <= set(ALLOWED_UPDATES)
    assert "message_reaction" not in ALLOWED_UPDATES  # per-user reactions: not needed, not asked


async def test_reaction_counts_are_kept_per_post_and_shown_by_tag(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep
) -> None:
    clock = Clock(paris("2026-11-24 12:00"))
    channel = f"@{world.channel_username}"
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        await world.api.until(lambda: bool(world.api.calls_of("getUpdates")))
        assert "message_reaction_count" in world.api.allowed_updates
        for number in range(3):
            loop.store.enqueue(NewPost(ARTICLE, chat=channel, keys=(f"ferry-{number}",)), now=clock())
            await loop.runner.publish()
            clock.advance(timedelta(hours=1))
        posts = world.channel_posts()
        assert len(posts) == 3
        assert world.api.react(posts[0], {"👍": 5, "🔥": 2})
        assert world.api.react(posts[0], {"👍": 6, "🔥": 2})  # the counts now, not an increment
        assert world.api.react(posts[2], {"❤": 1})
        # Updates are handled in order: once /vocab is answered, the reactions are recorded.
        await reply_after(world, world.admin_id, "/vocab")
        counts = loop.store.published_counts(bounds=(clock() - timedelta(days=1), clock()), chat=channel)
    assert (counts.reacted_posts, counts.reactions_total) == (2, 9)
    tags = {use.name for use in counts.tags}
    assert {item.tag for item in counts.reactions} <= tags
    assert all(item.posts == 3 and item.reactions == 9 for item in counts.reactions)
    assert counts.reactions  # at least one tag is on all three posts


async def test_reaction_counts_come_only_for_channel_posts_and_when_asked_for(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep
) -> None:
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        loop.store.enqueue(NewPost(ARTICLE, chat=f"@{world.channel_username}", keys=("one",)), now=clock())
        await loop.runner.publish()
        [answer] = await reply_after(world, world.admin_id, "/help")
        assert answer
        assert not world.api.react(world.replies_to(world.admin_id)[-1], {"👍": 1})  # a private chat
    world.api.allowed_updates = ["message", "callback_query"]  # as a bot that never asked
    assert not world.api.react(world.channel_posts()[0], {"👍": 1})
