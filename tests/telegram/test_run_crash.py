"""`hashbot run` killed with SIGKILL in the middle of a burst of 50 posts, then restarted.

A real subprocess publishes to the fake Bot API running in this test process, which records what
reached the channel. After the restart every post must be in the channel exactly once, or be
`uncertain` and put to the admins: none lost, none twice. The second run is stopped with SIGTERM
and must exit 0.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from auxil.fake_bot_api import FakeSession
from auxil.paths import REPO
from auxil.run_loop import story_title

from bot.models import Article
from bot.runner import queue_one_off
from bot.storage import PostState, open_store

BURST = 50


@pytest.fixture
def child_env(world: FakeSession, token: str, tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HASHBOT_")}
    return env | {
        "HASHBOT_BOT_TOKEN": token,
        "HASHBOT_CHANNEL": f"@{world.channel_username}",
        "HASHBOT_ADMIN_IDS": f"{world.admin_id},{world.second_admin_id}",
        "HASHBOT_BOT_API_URL": world.api.base_url,
        "HASHBOT_DATABASE": str(tmp_path / "hashbot.sqlite3"),
        "HASHBOT_RATE_LIMIT_PER_CHAT": "0",  # 50 posts at Telegram's 20 a minute would take minutes
        "PTB_TIMEDELTA": "1",
    }


def _start(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=cwd,
        env=env | {"PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _lines_until(child: subprocess.Popen[str], marker: str) -> Iterator[str]:
    assert child.stderr is not None
    for line in child.stderr:
        yield line
        if marker in line:
            return
    raise AssertionError(f"hashbot run ended (status {child.wait()}) before logging {marker!r}")


def test_kill_9_mid_burst_then_restart_loses_nothing_and_doubles_nothing(
    world: FakeSession, child_env: dict[str, str], tmp_path: Path
) -> None:
    database = Path(child_env["HASHBOT_DATABASE"])
    due = datetime.now(UTC) - timedelta(minutes=1)
    with closing(open_store(database)) as store:
        for number in range(1, BURST + 1):
            article = Article(
                text=f"The harbour council met for the {number}th time.",
                title=story_title(number),
                url=f"https://news.example.org/story/{number}",
            )
            assert queue_one_off(store, article, when=due, chat=child_env["HASHBOT_CHANNEL"], now=due)
    # Each send is carried out at once and answered a little late: the kill lands mid-answer.
    world.api.delay("sendMessage", 0.02, times=BURST * 2)

    first = _start(child_env, tmp_path)
    try:
        world.api.wait_until(lambda: len(world.channel_posts()) >= 20, timeout=60)
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.communicate()
    assert first.returncode == -signal.SIGKILL
    before_restart = len(world.channel_posts())
    assert 20 <= before_restart < BURST

    second = _start(child_env, tmp_path)
    try:
        log = "".join(_lines_until(second, "; 0 queued"))
    finally:
        second.send_signal(signal.SIGTERM)
        _, rest = second.communicate(timeout=30)
    assert second.returncode == 0, log + rest
    assert "stopped cleanly" in rest

    titles = Counter((message.text or "").split("\n")[0] for message in world.channel_posts())
    assert max(titles.values()) == 1, "a post reached the channel twice"
    questions = [text for admin in (world.admin_id, world.second_admin_id) for text in world.texts_to(admin)]
    with closing(open_store(database)) as store:
        posts = store.posts()
        assert len(posts) == BURST
        for post in posts:
            if post.state is PostState.SENT:
                assert titles[post.article.title or ""] == 1, post
            else:
                assert post.state is PostState.UNCERTAIN, post
                assert sum(f"Post {post.id} may or may not be" in text for text in questions) == 2
    uncertain = [post for post in posts if post.state is PostState.UNCERTAIN]
    assert len(uncertain) <= 1  # only the send in flight when the process died
    assert len(titles) + sum(titles[p.article.title or ""] == 0 for p in uncertain) == BURST


def test_sigterm_during_a_pacing_wait_stops_at_once_and_leaves_the_rest_queued(
    world: FakeSession, child_env: dict[str, str], tmp_path: Path
) -> None:
    """Two posts a minute: the third waits most of a minute for its turn when SIGTERM comes.

    The run must not wait it out (the timeout below is far shorter than the wait), and the posts
    not sent stay queued for the next run, which sends each once.
    """
    database = Path(child_env["HASHBOT_DATABASE"])
    due = datetime.now(UTC) - timedelta(minutes=1)
    with closing(open_store(database)) as store:
        for number in range(1, 6):
            article = Article(text="The harbour council met.", title=story_title(number))
            assert queue_one_off(store, article, when=due, chat=child_env["HASHBOT_CHANNEL"], now=due)
    paced = child_env | {"HASHBOT_RATE_LIMIT_PER_CHAT": "2"}

    child = _start(paced, tmp_path)
    try:
        log = "".join(_lines_until(child, "the next one waits"))
    finally:
        child.send_signal(signal.SIGTERM)
        _, rest = child.communicate(timeout=30)
    assert child.returncode == 0, log + rest
    assert "stopped cleanly" in rest
    assert [(m.text or "").split("\n")[0] for m in world.channel_posts()] == [story_title(1), story_title(2)]
    with closing(open_store(database)) as store:
        states = [post.state for post in store.posts()]
    assert states.count(PostState.SENT) == 2 and states.count(PostState.QUEUED) == 3, states
