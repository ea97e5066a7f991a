"""A reader that goes away early (`| head -1`) ends a command quietly, through real pipes."""

from __future__ import annotations

import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from auxil.paths import SEED

from bot.clock import utcnow
from bot.storage import NewFeed, open_store

HASHBOT = [sys.executable, "-m", "bot"]


@pytest.fixture
def many_feeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database whose `feeds list` is far longer than a pipe's buffer (64 KiB on Linux)."""
    database = tmp_path / "hashbot.sqlite3"
    with closing(open_store(database)) as store:
        for number in range(1500):
            store.add_feed(
                NewFeed(url=f"https://news{number}.example/feed.xml", name=f"News {number}"), now=utcnow()
            )
    monkeypatch.setenv("HASHBOT_DATABASE", str(database))
    return database


def test_feeds_list_into_head_exits_quietly(many_feeds: Path) -> None:
    script = 'python -m bot feeds list | head -1; echo "hashbot exited ${PIPESTATUS[0]}" >&2'
    done = subprocess.run(
        ["bash", "-c", script.replace("python", sys.executable, 1)], capture_output=True, text=True
    )
    assert done.stdout == "   1  ok       News 0\n"
    assert done.stderr == "hashbot exited 141\n"  # no traceback, no "Exception ignored"


def test_a_pipe_closed_before_the_first_write(tmp_path: Path) -> None:
    """The reader is gone before the output is flushed, the case of a short output."""
    process = subprocess.Popen(
        [*HASHBOT, "tags", str(SEED)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    with process.stderr:
        error = process.stderr.read().decode()
    assert process.wait() == 141
    assert error == ""


def test_output_that_fits_is_written_whole(many_feeds: Path) -> None:
    done = subprocess.run([*HASHBOT, "feeds", "list"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.count(" ok ") == 1500
