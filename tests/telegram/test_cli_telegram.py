"""`hashbot post` and `hashbot run` through the real entry point."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from auxil.cli import CliRunner
from auxil.fake_bot_api import FakeSession
from auxil.fake_mastodon import FakeMastodon
from auxil.fake_telegraph import FakeTelegraph
from auxil.paths import SEED


@pytest.fixture
def telegram_env(monkeypatch: pytest.MonkeyPatch, world: FakeSession, token: str) -> None:
    monkeypatch.setenv("HASHBOT_BOT_TOKEN", token)
    monkeypatch.setenv("HASHBOT_CHANNEL", f"@{world.channel_username}")
    monkeypatch.setenv("HASHBOT_BOT_API_URL", world.api.base_url)


def test_post_publishes_each_article_once(run_cli: CliRunner, world: FakeSession, telegram_env: None) -> None:
    result = run_cli("post", str(SEED))
    assert result.code == 0, result.err
    [message] = world.channel_posts()
    assert "#Ukraine" in (message.text or "")
    assert result.out == f"{SEED}: published to @{world.channel_username} as message {message.message_id}\n"


def test_post_of_an_article_the_channel_has_needs_again(
    run_cli: CliRunner, world: FakeSession, telegram_env: None
) -> None:
    first = run_cli("post", str(SEED))
    refused = run_cli("post", str(SEED))
    again = run_cli("post", "--again", str(SEED))
    assert first.code == 0 and again.code == 0, (first.err, again.err)
    [original, copy] = world.channel_posts()
    assert refused.code == 1 and refused.out == ""
    assert f"{SEED}: already posted as message {original.message_id} on " in refused.err
    assert refused.err.rstrip().endswith("UTC; --again posts it again")
    assert again.out == f"{SEED}: published to @{world.channel_username} as message {copy.message_id}\n"


def test_post_of_a_long_article_with_telegraph_on_links_its_page_once(
    run_cli: CliRunner, world: FakeSession, telegram_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeTelegraph() as telegraph:
        monkeypatch.setenv("HASHBOT_TELEGRAPH", "true")
        monkeypatch.setenv("HASHBOT_TELEGRAPH_API_URL", telegraph.url)
        first = run_cli("post", str(SEED))
        again = run_cli("post", "--again", str(SEED))
    assert first.code == 0 and again.code == 0, (first.err, again.err)
    [page] = telegraph.pages  # the copy links the page made for the first post
    assert len(telegraph.calls_of("createPage")) == 1
    assert all(f'<a href="{page.url}">' in (message.sent or "") for message in world.channel_posts())
    assert len(world.channel_posts()) == 2


def test_post_with_mastodon_on_cross_posts_its_status_at_once(
    run_cli: CliRunner, world: FakeSession, telegram_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeMastodon() as mastodon:
        monkeypatch.setenv("HASHBOT_MASTODON_URL", mastodon.url)
        monkeypatch.setenv("HASHBOT_MASTODON_TOKEN", mastodon.token)
        result = run_cli("post", str(SEED))
        status = run_cli("status").out
    assert result.code == 0, result.err
    assert len(world.channel_posts()) == 1
    [text] = mastodon.statuses
    assert "#Ukraine" in text
    assert "Mastodon: 0 queued, 1 sent, 0 failed" in status


@pytest.mark.parametrize("how", ["flag", "setting"])
def test_post_dry_run_prints_and_sends_nothing(
    run_cli: CliRunner, world: FakeSession, telegram_env: None, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "setting":
        monkeypatch.setenv("HASHBOT_DRY_RUN", "true")
    result = run_cli("post", *(["--dry-run"] if how == "flag" else []), str(SEED))
    assert result.code == 0, result.err
    assert f"──── {SEED} ────" in result.out and "#Ukraine" in result.out
    assert world.api.calls == []


def _dump(database: Path) -> list[str]:
    """Every row of the database, as SQL."""
    with closing(sqlite3.connect(database)) as connection:
        return list(connection.iterdump())


def test_post_dry_run_shows_what_post_sends_with_the_channels_rules_and_refusals_and_writes_nothing(
    run_cli: CliRunner, world: FakeSession, telegram_env: None
) -> None:
    assert run_cli("vocab", "alias", "Macron", "EmmanuelMacron").code == 0
    assert run_cli("vocab", "block", "Witkoff").code == 0
    database = Path("hashbot.sqlite3")
    before = _dump(database)

    dry = run_cli("post", "--dry-run", str(SEED))
    assert dry.code == 0, dry.err
    assert _dump(database) == before  # the dry run worked on a copy
    assert world.api.calls == []
    posted = run_cli("post", str(SEED))
    assert posted.code == 0, posted.err
    [message] = world.channel_posts()
    tags = re.findall(r"#\w+", message.text or "")
    assert "#EmmanuelMacron" in tags and "#Macron" not in tags and "#Witkoff" not in tags
    assert re.findall(r"#\w+", dry.out.split("\n", 1)[1]) == tags  # the same post, tag for tag

    # The channel has it now: the dry run refuses as the real command does.
    refused = run_cli("post", "--dry-run", str(SEED))
    assert refused.code == 1 and refused.out == ""
    assert f"{SEED}: already posted as message {message.message_id} on " in refused.err
    assert len(world.channel_posts()) == 1


def test_post_dry_run_needs_no_token(run_cli: CliRunner) -> None:
    result = run_cli("post", "--dry-run", str(SEED))
    assert result.code == 0 and "#Ukraine" in result.out


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("HASHBOT_BOT_TOKEN", "hashbot: error: HASHBOT_BOT_TOKEN: is not set; create a bot with @BotFather"),
        ("HASHBOT_CHANNEL", "hashbot: error: HASHBOT_CHANNEL: is not set; give the channel's @username"),
    ],
)
def test_post_without_token_or_channel_exits_2(
    run_cli: CliRunner, telegram_env: None, monkeypatch: pytest.MonkeyPatch, missing: str, message: str
) -> None:
    monkeypatch.delenv(missing)
    result = run_cli("post", str(SEED))
    assert result.code == 2
    assert result.err.startswith(message)
    assert result.out == ""


def test_post_with_a_refused_token_exits_2(
    run_cli: CliRunner, telegram_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HASHBOT_BOT_TOKEN", "999999999:AAHsomeoneElsesTokenXXXXXXXXXXXXXX")
    result = run_cli("post", str(SEED))
    assert result.code == 2
    assert "HASHBOT_BOT_TOKEN: Telegram refused the token" in result.err
    assert "AAHsomeoneElses" not in result.err


def test_post_when_the_bot_was_removed_exits_1(
    run_cli: CliRunner, world: FakeSession, telegram_env: None
) -> None:
    world.api.remove_bot(world.channel_id)
    result = run_cli("post", str(SEED))
    assert result.code == 1
    # The line names the article, then the chat that refused it.
    assert f"hashbot: error: {SEED}: @hashbot_news: Forbidden: bot is not a member of the channel chat" in (
        result.err
    )


def test_run_refuses_to_start_without_admins(run_cli: CliRunner, telegram_env: None) -> None:
    result = run_cli("run")
    assert result.code == 2
    assert "HASHBOT_ADMIN_IDS: is empty; nobody could command the bot" in result.err


def test_run_answers_commands_until_interrupted(world: FakeSession, token: str) -> None:
    """`hashbot run` as operators run it: a real process, polling, stopped by SIGINT."""
    env = os.environ | {
        "HASHBOT_BOT_TOKEN": token,
        "HASHBOT_CHANNEL": f"@{world.channel_username}",
        "HASHBOT_ADMIN_IDS": str(world.admin_id),
        "HASHBOT_BOT_API_URL": world.api.base_url,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        world.api.wait_until(lambda: bool(world.api.commands), timeout=30)
        world.api.push_message(world.admin_id, "/status")
        world.api.wait_until(lambda: bool(world.replies_to(world.admin_id)), timeout=30)
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert next(world.texts_to(world.admin_id)).startswith("Channel: @hashbot_news\nPublishing: active")
    assert "bot @hashbot_test_bot is listening" in err
    assert token not in err
