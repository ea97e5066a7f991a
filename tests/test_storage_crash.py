"""The store survives a process killed with SIGKILL in the middle of writing, losing no queued post."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from auxil.paths import REPO

from bot.storage import PostState, open_store

WRITER = REPO / "tests" / "auxil" / "store_writer.py"


def test_kill_9_mid_write_loses_no_committed_post(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite3"
    committed: list[int] = []
    with subprocess.Popen(
        [sys.executable, str(WRITER), str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        for line in child.stdout:
            committed.append(int(line))
            if len(committed) == 300:
                break
        # The writer is still going: the kill lands between, or in the middle of, its transactions.
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL, child.stderr.read()
    assert (tmp_path / "crash.sqlite3-wal").exists()

    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with closing(open_store(path)) as store:
        queued = {post.id for post in store.posts(states=[PostState.QUEUED])}
        assert set(committed) <= queued
        assert all(post.article.title == f"Post {post.id - 1}" for post in store.posts())
        # The reopened store takes writes again.
        assert store.count_posts()[PostState.QUEUED] == len(queued) >= 300
