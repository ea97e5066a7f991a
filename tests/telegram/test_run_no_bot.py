"""`hashbot run --no-bot`: a worker that publishes through the Bot API and never asks it for updates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from auxil.fake_bot_api import FakeSession
from auxil.paths import REPO

from bot.models import Article
from bot.runner import queue_one_off
from bot.storage import PostState, open_store


def test_a_worker_without_the_bot_publishes_and_answers_nothing(
    world: FakeSession, token: str, tmp_path: Path
) -> None:
    database = tmp_path / "hashbot.sqlite3"
    now = datetime.now(UTC)
    with closing(open_store(database)) as store:
        article = Article(text="The night ferry now leaves at midnight.", title="Night ferry timetable")
        queue_one_off(
            store, article, when=now - timedelta(seconds=1), chat=f"@{world.channel_username}", now=now
        )
    world.api.push_message(world.admin_id, "/status")  # a command nobody takes from the worker
    env = {key: value for key, value in os.environ.items() if not key.startswith("HASHBOT_")} | {
        "PYTHONPATH": str(REPO),
        "HASHBOT_BOT_TOKEN": token,
        "HASHBOT_CHANNEL": f"@{world.channel_username}",
        "HASHBOT_ADMIN_IDS": str(world.admin_id),
        "HASHBOT_BOT_API_URL": world.api.base_url,
        "HASHBOT_DATABASE": str(database),
    }
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--no-bot"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            world.api.wait_until(lambda: len(world.channel_posts()) == 1, timeout=60)
        finally:
            child.send_signal(signal.SIGTERM)
            _, log = child.communicate(timeout=30)
    assert child.returncode == 0, log
    assert "(no bot: commands are answered by another process)" in log and "stopped cleanly" in log
    assert "Night ferry timetable" in (world.channel_posts()[0].text or "")
    assert world.api.calls_of("getUpdates") == [] and world.api.sent_by_bot(world.admin_id) == []
    with closing(open_store(database)) as store:
        assert [post.state for post in store.posts()] == [PostState.SENT]
