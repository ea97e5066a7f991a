"""The command line on a PostgreSQL database (HASHBOT_DATABASE=postgresql://…), end to end.

Feeds added, polled and shown live in the server's tables; a dry run reads them and writes
nothing there; a database that cannot be used is one line and exit status 2.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from auxil.cli import CliRunner
from auxil.feedserver import FeedServer, Route
from auxil.postgres import PostgresServer
from auxil.run_loop import rss, story_title

from bot.storage import open_store


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.routes["/harbour.xml"] = Route(body=rss(range(1, 4)))
        server.routes["/ferry.xml"] = Route(body=rss(range(11, 13)))
        yield server


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    """What a run could change: every feed's poll state, every post, every seen item, the flags."""
    with psycopg.connect(url) as db:
        return {
            "feeds": db.execute(
                "SELECT id, url, last_checked, next_check, etag FROM feeds ORDER BY id"
            ).fetchall(),
            "posts": db.execute("SELECT id, state, attempts, sent FROM posts ORDER BY id").fetchall(),
            "seen": db.execute("SELECT feed_id, key FROM seen ORDER BY feed_id, key").fetchall(),
            "flags": db.execute("SELECT name, value FROM flags ORDER BY name").fetchall(),
        }


def test_feeds_add_poll_status_and_a_dry_run_work_on_postgresql(
    run_cli: CliRunner, feeds: FeedServer, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HASHBOT_DATABASE", postgres_url)
    monkeypatch.setenv("HASHBOT_CHANNEL", "@harbour")
    monkeypatch.setenv("HASHBOT_FEED_FIRST_ITEMS", "2")
    monkeypatch.setenv("HASHBOT_PUBLISH_PER_SLOT", "3")
    for path in ("/harbour.xml", "/ferry.xml"):
        added = run_cli("feeds", "add", feeds.url(path))
        assert added.code == 0, added.err
    assert [row[1] for row in _rows(postgres_url)["feeds"]] == [
        feeds.url("/harbour.xml"),
        feeds.url("/ferry.xml"),
    ]

    polled = run_cli("feeds", "poll")
    assert polled.code == 0, polled.err
    after_poll = _rows(postgres_url)
    assert [state for _, state, _, _ in after_poll["posts"]] == ["queued"] * 4  # the 2 newest of each
    assert len(after_poll["seen"]) == 5 and all(row[2] is not None for row in after_poll["feeds"])

    status = run_cli("status")
    assert status.code == 0, status.err
    assert "Queue: 4 queued, 0 sending, 0 sent" in status.out

    dry = run_cli("run", "--dry-run", "--once")
    assert dry.code == 0, dry.err
    assert all(story_title(n) in dry.out for n in (2, 3, 11))  # three per slot, oldest queued first
    assert story_title(12) not in dry.out and "1 still queued" in dry.err
    assert _rows(postgres_url) == after_poll  # nothing of the dry run reached the server
    assert not Path("hashbot.sqlite3").exists()


def _newer_schema(url: str) -> str:
    open_store(url).close()
    with psycopg.connect(url) as db:
        db.execute("UPDATE schema_version SET version = version + 1")
    return url


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unreachable", "cannot connect to the database: connection failed"),
        ("wrong password", 'password authentication failed for user "postgres"'),
        ("newer schema", "newer than this hashbot understands"),
    ],
)
def test_a_database_that_cannot_be_used_is_one_line_and_status_2(
    run_cli: CliRunner,
    postgres: PostgresServer,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    expected: str,
) -> None:
    url = {
        "unreachable": postgres.url().replace(f":{postgres.port}/", ":1/"),
        "wrong password": postgres.url(password="not-the-password-42"),
        "newer schema": _newer_schema(postgres_url) if case == "newer schema" else "",
    }[case]
    monkeypatch.setenv("HASHBOT_DATABASE", url)
    for command in (("status",), ("feeds", "list"), ("run", "--dry-run", "--once")):
        result = run_cli(*command)
        assert result.code == 2, (command, result.err)
        [line] = result.err.splitlines()
        assert line.startswith("hashbot: error: postgresql://***@127.0.0.1:") and expected in line
        assert postgres.password not in line and "not-the-password-42" not in line
        assert "Traceback" not in result.err
