"""`/dryrun` keeps its word: kept across restarts, told to the admins, and nothing of it is lost.

While it is on, a slot shows the admins the posts it would publish and leaves them queued, so
turning it off publishes exactly those, in feed order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from auxil.cli import CliRunner
from auxil.fake_bot_api import FakeSession, RecordedSleep, reply_after
from auxil.feedserver import FeedServer, Route
from auxil.run_loop import Clock, paris, rss, run_loop, story_title

from bot.config import Settings
from bot.storage import PostState, open_store
from bot.telegram import RetryPolicy

pytestmark = pytest.mark.anyio

PREVIEW = "Preview (dry run): not published"


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.routes["/harbour.xml"] = Route(body=rss(range(1, 4)))
        yield server


def previews(world: FakeSession, admin: int) -> list[str]:
    return [text.split("\n")[2] for text in world.texts_to(admin) if text.startswith(PREVIEW)]


async def test_dry_run_survives_a_restart_publishes_nothing_then_everything_after_dryrun_off(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, feeds: FeedServer
) -> None:
    clock = Clock(paris("2026-11-24 12:00"))
    titles = [story_title(n) for n in range(1, 4)]
    async with run_loop(settings, world, clock, retry, sleep, publish_per_slot=3) as loop:
        await loop.subscribe_and_poll(feeds.url("/harbour.xml"))
        [on] = await reply_after(world, world.admin_id, "/dryrun on")
        first = await loop.runner.publish()
        clock.set(paris("2026-11-24 13:00"))
        second = await loop.runner.publish()  # the same posts would go: they are not shown again
        assert loop.store.dry_run() == "turned on by Ada"
    assert on.startswith("🧪 Dry run is on")
    assert len(first.previewed) == 3 and second.previewed == [] and first.sent == second.sent == []
    assert previews(world, world.second_admin_id) == titles
    assert world.channel_posts() == []

    before = len(world.replies_to(world.second_admin_id))
    async with run_loop(settings, world, clock, retry, sleep, publish_per_slot=3) as loop:
        await world.api.until(lambda: len(world.replies_to(world.second_admin_id)) > before)
        [announced] = list(world.texts_to(world.second_admin_id))[before:]
        [status] = await reply_after(world, world.admin_id, "/status")
        clock.set(paris("2026-11-24 14:00"))
        again = await loop.runner.publish()  # after the restart too, what was shown is not shown again
        assert world.channel_posts() == []
        assert [(post.state, post.previewed) for post in loop.store.posts()] == [
            (PostState.QUEUED, paris("2026-11-24 12:00"))
        ] * 3
        assert again.previewed == [] and previews(world, world.second_admin_id) == titles

        [off] = await reply_after(world, world.admin_id, "/dryrun off")
        clock.set(paris("2026-11-24 15:00"))
        published = await loop.runner.publish()
        assert [post.state for post in loop.store.posts()] == [PostState.SENT] * 3
    assert announced.startswith("🧪 Dry run is on (turned on by Ada)")
    assert "Mode: dry run (posts go to the admins as previews and stay queued; turned on by Ada)" in status
    assert off.startswith("Dry run is off")
    assert len(published.sent) == 3 and loop.titles() == titles


def test_hashbot_status_says_dry_run(run_cli: CliRunner) -> None:
    assert "Mode: live" in run_cli("status").out
    with closing(open_store(Path("hashbot.sqlite3"))) as store:  # the default, in the test's folder
        store.set_dry_run("turned on by Ada")
    result = run_cli("status")
    assert (
        "Mode: dry run (posts go to the admins as previews and stay queued; turned on by Ada)" in result.out
    )
