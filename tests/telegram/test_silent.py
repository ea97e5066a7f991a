"""Silent posts: a ``--silent`` feed and ``HASHBOT_SILENT_HOURS`` send with ``disable_notification``."""

from __future__ import annotations

import pytest
from auxil.cli import CliRunner
from auxil.fake_bot_api import FakeSession, RecordedSleep
from auxil.feedserver import FeedServer, Route
from auxil.run_loop import Clock, paris, rss, run_loop

from bot.app import build_application, build_channel_publisher
from bot.config import Settings
from bot.models import Article, ParseMode, Post
from bot.telegram import RetryPolicy

pytestmark = pytest.mark.anyio


def _post(**changes: object) -> Post:
    article = Article(text="The night ferry leaves at midnight.", title="Night ferry", source="ferry.txt")
    return Post(
        article=article,
        tags=(),
        body="<b>Night ferry</b>",
        parse_mode=ParseMode.HTML,
        template="t",
        **changes,
    )  # type: ignore[arg-type]


async def test_a_silent_feed_posts_without_a_sound_and_a_loud_one_with(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    web.routes["/quiet.xml"] = Route(body=rss(range(1, 2)))
    web.routes["/loud.xml"] = Route(body=rss(range(5, 6)))
    clock = Clock(paris("2026-11-24 12:00"))
    async with run_loop(settings, world, clock, retry, sleep) as loop:
        await loop.subscribe_and_poll(web.url("/quiet.xml"), silent=True)
        await loop.subscribe_and_poll(web.url("/loud.xml"))
        report = await loop.runner.publish()
    assert len(report.sent) == 2
    silent = {(message.text or "")[:9]: message.silent for message in world.channel_posts()}
    assert silent == {"Story 001": True, "Story 005": False}
    assert [call.params.get("disable_notification") for call in world.api.calls_of("sendMessage")] == [
        "true",
        None,
    ]


@pytest.mark.parametrize(
    ("local_time", "silent"),
    [("2026-11-24 23:30", True), ("2026-11-25 06:59", True), ("2026-11-25 07:00", False), ("12:00", False)],
)
async def test_posts_sent_in_silent_hours_make_no_sound(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    local_time: str,
    silent: bool,
) -> None:
    moment = paris(local_time if " " in local_time else f"2026-11-24 {local_time}")
    settings = settings.model_copy(update={"timezone": "Europe/Paris", "silent_hours": "23:00-07:00"})
    async with build_application(settings) as application:
        publisher = build_channel_publisher(
            settings, application.bot, retry=retry, sleep=sleep, clock=lambda: moment
        )
        await publisher.publish(_post())
        await publisher.publish(_post(photo="https://img.example/ferry.jpg"))
    assert [message.silent for message in world.channel_posts()] == [silent, silent]


def test_feeds_add_silent_is_kept_and_listed(run_cli: CliRunner) -> None:
    assert run_cli("feeds", "add", "--silent", "https://example.org/feed.xml").code == 0
    listing = run_cli("feeds", "list")
    assert "silent" in listing.out
    assert '"silent": true' in run_cli("feeds", "list", "--json").out


def test_silent_hours_are_checked_like_quiet_hours(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HASHBOT_SILENT_HOURS", "23:00")
    result = run_cli("status")
    assert result.code == 2 and "HASHBOT_SILENT_HOURS" in result.err and "HH:MM-HH:MM" in result.err
