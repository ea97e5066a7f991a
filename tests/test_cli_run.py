"""`hashbot run --dry-run`, `hashbot status` and `hashbot schedule` through the real entry point."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from auxil.cli import CliRunner
from auxil.feedserver import FeedServer, Route
from auxil.paths import REPO
from auxil.run_loop import rss, story_title

from bot.clock import utcnow
from bot.models import Article
from bot.runner import queue_one_off
from bot.storage import FeedClaim, NewFeed, PostState, open_store

DATABASE = Path("hashbot.sqlite3")  # tests run in an empty temporary folder


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def test_dry_run_once_without_feeds_reads_the_bundled_example_and_writes_nothing(run_cli: CliRunner) -> None:
    result = run_cli("run", "--dry-run", "--once")
    assert result.code == 0, result.err
    assert "examples/feed.xml" in result.out and "<b>" in result.out and "#" in result.out
    assert "3 items queued" in result.err and "2 still queued" in result.err
    assert not DATABASE.exists()


def test_dry_run_polls_configured_feeds_and_leaves_the_database_as_it_was(
    run_cli: CliRunner, feeds: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HASHBOT_FEED_FIRST_ITEMS", "3")
    monkeypatch.setenv("HASHBOT_PUBLISH_PER_SLOT", "2")
    feeds.routes["/harbour.xml"] = Route(body=rss(range(1, 4)))
    with closing(open_store(DATABASE)) as store:
        store.add_feed(NewFeed(url=feeds.url("/harbour.xml")), now=utcnow())
    before = _digest(DATABASE)

    for _ in range(2):  # the second dry run sees exactly what the first saw: nothing was recorded
        result = run_cli("run", "--dry-run", "--once")
        assert result.code == 0, result.err
        assert story_title(1) in result.out and story_title(2) in result.out
        assert story_title(3) not in result.out  # two per slot, oldest first
        assert _digest(DATABASE) == before
    with closing(open_store(DATABASE)) as store:
        assert store.posts() == [] and store.feeds()[0].last_checked is None


def test_status_shows_pause_slot_queue_and_feeds(run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HASHBOT_PUBLISH_EVERY", "0")
    monkeypatch.setenv("HASHBOT_PUBLISH_AT", "09:00")
    monkeypatch.setenv("HASHBOT_TIMEZONE", "Europe/Paris")
    with closing(open_store(DATABASE)) as store:
        store.add_feed(NewFeed(url="https://news.example.org/feed.xml", name="Harbour News"), now=utcnow())
        store.pause("paused by Ada")
    result = run_cli("status")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Publishing: paused (paused by Ada)"
    assert lines[1] == "Mode: live"
    assert lines[2].startswith("Next publishing slot: ") and lines[2].endswith(" 09:00 Europe/Paris")
    assert "Queue: 0 queued, 0 sending, 0 sent" in result.out
    assert "1 Harbour News: last poll never, next " in result.out


def test_status_names_the_sender_and_the_workers_polling_feeds(run_cli: CliRunner) -> None:
    """An operator running several workers sees who sends and who polls what, and a dead poller."""
    now = utcnow()
    with closing(open_store(DATABASE)) as store:
        for name in ("Harbour News", "Ferry Times", "Quiet Feed"):
            store.add_feed(NewFeed(url=f"https://news.example.org/{name.split()[0]}.xml", name=name), now=now)
        before = now - timedelta(hours=1)
        store.claim_feeds(FeedClaim(owner="box:11:aa", now=before, lease=timedelta(minutes=10), limit=1))
        store.claim_feeds(
            FeedClaim(owner="box:22:bb", now=now, lease=timedelta(minutes=10), limit=1, feed_ids=(2,))
        )
        store.take_lease("sender", owner="box:22:bb", now=now, expires=now + timedelta(minutes=3))
    lines = run_cli("status").out.splitlines()
    [sender] = [line for line in lines if line.startswith("Sender: ")]
    assert sender.startswith("Sender: worker box:22:bb, its lease until ")
    under = {
        line.split(":")[0].strip(): lines[n + 1] for n, line in enumerate(lines[:-1]) if line[2:3].isdigit()
    }
    assert under["1 Harbour News"].startswith("    worker box:11:aa stopped mid-poll (its claim ran out ")
    assert under["2 Ferry Times"].startswith("    being polled by worker box:22:bb (its claim until ")
    assert "Quiet Feed" in lines[-1]  # no claim: no line under it

    with closing(open_store(DATABASE)) as store:
        store.release_lease("sender", owner="box:22:bb", expires=now - timedelta(seconds=1))
    assert not any(line.startswith("Sender") for line in run_cli("status").out.splitlines())


def test_schedule_queues_a_one_off_post_in_local_time(
    run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = tmp_path / "ferry.txt"
    article.write_text("Night ferry timetable\n\nThe night ferry now leaves at midnight.\n")
    monkeypatch.setenv("HASHBOT_TIMEZONE", "Europe/Paris")
    monkeypatch.setenv("HASHBOT_CHANNEL", "@harbour")
    result = run_cli("schedule", "2099-12-01 09:00", str(article))
    assert result.code == 0, result.err
    assert "scheduled as post 1 for 2099-12-01 09:00 Europe/Paris" in result.out
    with closing(open_store(DATABASE)) as store:
        [post] = store.posts()
    assert post.scheduled == datetime(2099, 12, 1, 8, 0, tzinfo=UTC) and post.chat == "@harbour"

    again = run_cli("schedule", "2099-12-02 09:00", str(article))
    assert again.code == 1 and "already queued or published" in again.err
    past = run_cli("schedule", "2001-01-01 09:00", str(article))
    assert past.code == 2 and "in the past" in past.err


def test_dry_run_loop_without_a_token_runs_the_jobs_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    with closing(open_store(tmp_path / DATABASE)) as store:
        article = Article(text="The night ferry now leaves at midnight.", title="Night ferry timetable")
        queue_one_off(store, article, when=now - timedelta(seconds=1), chat="@harbour", now=now)
    before = _digest(tmp_path / DATABASE)
    env = {key: value for key, value in os.environ.items() if not key.startswith("HASHBOT_")}
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--dry-run"],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        printed = [child.stdout.readline(), child.stdout.readline()]  # the scheduled post's job ran
        child.send_signal(signal.SIGTERM)
        _, log = child.communicate(timeout=30)
    assert "Night ferry timetable" in "".join(printed), log
    assert child.returncode == 0, log
    assert "stopped cleanly" in log
    with closing(open_store(tmp_path / DATABASE)) as store:
        assert [post.state for post in store.posts()] == [PostState.QUEUED]
    assert _digest(tmp_path / DATABASE) == before
