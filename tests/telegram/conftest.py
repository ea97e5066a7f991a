"""Fixtures for the Telegram tests: one fake Bot API server per session, a fresh world per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from auxil.fake_bot_api import FakeBotApi, FakeSession, RecordedSleep
from auxil.feedserver import FeedServer

from bot.config import Settings, load_settings
from bot.telegram import RetryPolicy

#: Shaped like a real token, so the log redaction is tested on the real pattern.
TOKEN = "123456789:AAHfakeTokenForTests_0123456789abcdef"
#: Backoff waits are recorded, not slept: the tests assert what was asked, never how long it took.
RETRY = RetryPolicy(attempts=4, backoff=(0.5, 1.0, 2.0))


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB 23's `RetryAfter.retry_after` as a timedelta (the publisher reads both forms).

    Without it PTB 22 warns on every 429 it builds, and this suite turns warnings into errors.
    """
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture(scope="session")
def fake_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi(TOKEN).start()
    yield api
    api.close()


@pytest.fixture
def world(fake_api: FakeBotApi) -> Iterator[FakeSession]:
    """A channel, two admins and a stranger; the test fails if the fake itself broke."""
    fake_api.reset()
    yield FakeSession(fake_api).build()
    assert fake_api.server_errors == []


@pytest.fixture
def settings(world: FakeSession, tmp_path: Path) -> Settings:
    return load_settings(
        None,
        database=tmp_path / "hashbot.sqlite3",
        bot_token=TOKEN,
        channel=f"@{world.channel_username}",
        admin_ids=f"{world.admin_id},{world.second_admin_id}",
        bot_api_url=world.api.base_url,
    )


@pytest.fixture
def token() -> str:
    return TOKEN


@pytest.fixture
def retry() -> RetryPolicy:
    return RETRY


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def web() -> Iterator[FeedServer]:
    """A local web server for the feeds and pages the bot is asked to read."""
    with FeedServer() as server:
        yield server
