"""What only the PostgreSQL backend has to show: the same schema as SQLite's, its open errors, one
migration when several processes start at once, and dry-run copies that never write the server.

Everything else the store does is tested on both backends by the other test_storage_* files.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from auxil.paths import REPO
from auxil.postgres import PostgresServer

from bot.errors import StoreError, StoreUnavailable
from bot.models import Article
from bot.storage import NewPost, PostState, open_store, open_store_copy
from bot.storage.postgres import MIGRATIONS as POSTGRES_MIGRATIONS
from bot.storage.sqlite import MIGRATIONS as SQLITE_MIGRATIONS

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _post(key: str) -> NewPost:
    article = Article(text=f"Text of {key}", title=key, url=f"https://example.org/{key}", id=key)
    return NewPost(article=article, chat="@news", keys=(f"l:{key}",))


def _sqlite_schema(path: Path) -> dict[str, list[str]]:
    with closing(sqlite3.connect(path)) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            table: sorted(row[1] for row in db.execute(f'PRAGMA table_info("{table}")'))
            for table in tables
            if not table.startswith("sqlite_")
        }


def _postgres_schema(url: str) -> dict[str, list[str]]:
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
        ).fetchall()
    schema: dict[str, list[str]] = {}
    for table, column in rows:
        schema.setdefault(table, []).append(column)
    return {table: sorted(columns) for table, columns in schema.items() if table != "schema_version"}


def _indexes(url: str, path: Path) -> tuple[set[str], set[str]]:
    with closing(sqlite3.connect(path)) as db:
        lite = {
            row[0]
            for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        }
    with psycopg.connect(url) as pg:
        # The indexes a migration created, not those behind a primary key or a UNIQUE constraint.
        names = pg.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
        ).fetchall()
    return lite, {name for (name,) in names}


def _version(url: str) -> int | None:
    with psycopg.connect(url) as db:
        if db.execute("SELECT to_regclass('schema_version')").fetchone() == (None,):
            return None
        row = db.execute("SELECT version FROM schema_version").fetchone()
        return int(row[0]) if row else None


def test_both_dialects_have_every_migration_and_reach_the_same_tables_and_columns(
    postgres_url: str, tmp_path: Path
) -> None:
    assert len(POSTGRES_MIGRATIONS) == len(SQLITE_MIGRATIONS)
    path = tmp_path / "hashbot.sqlite3"
    open_store(path).close()
    open_store(postgres_url).close()
    assert _postgres_schema(postgres_url) == _sqlite_schema(path)
    lite, pg = _indexes(postgres_url, path)
    assert pg == lite
    assert _version(postgres_url) == len(POSTGRES_MIGRATIONS)


def test_reopening_does_not_migrate_again_and_keeps_the_ids_counting(postgres_url: str) -> None:
    with closing(open_store(postgres_url)) as store:
        first = store.enqueue(_post("a"), now=NOW)
    with closing(open_store(postgres_url)) as store:
        second = store.enqueue(_post("b"), now=NOW)
        assert [post.id for post in store.posts()] == [first, second]
    assert first is not None and second == first + 1


def test_a_newer_schema_is_refused_with_a_clear_message(postgres_url: str) -> None:
    open_store(postgres_url).close()
    with psycopg.connect(postgres_url) as db:
        db.execute("UPDATE schema_version SET version = version + 1")
    with pytest.raises(StoreUnavailable, match="newer than this hashbot understands") as refused:
        open_store(postgres_url)
    with pytest.raises(StoreUnavailable, match="newer than this hashbot understands"):
        open_store_copy(postgres_url)
    assert "postgresql://***@127.0.0.1" in str(refused.value)


def test_a_wrong_password_is_refused_without_showing_the_password(postgres: PostgresServer) -> None:
    url = postgres.url(password="not-the-password-42")
    with pytest.raises(StoreUnavailable, match="password authentication failed") as refused:
        open_store(url)
    message = str(refused.value)
    assert "not-the-password-42" not in message and postgres.password not in message
    assert message.startswith(f"postgresql://***@127.0.0.1:{postgres.port}/postgres: cannot connect")
    assert "\n" not in message


def test_an_unreachable_server_is_refused_with_one_line(postgres: PostgresServer) -> None:
    closed = postgres.url().replace(f":{postgres.port}/", ":1/")  # nothing listens on port 1
    with pytest.raises(StoreUnavailable, match="cannot connect to the database") as refused:
        open_store(closed)
    message = str(refused.value)
    assert postgres.password not in message and "\n" not in message
    assert "Connection refused" in message or "connection refused" in message


def test_a_database_that_is_not_hashbots_is_refused(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as db:
        db.execute("CREATE TABLE feeds (something TEXT)")
    with pytest.raises(StoreUnavailable, match="is not a usable hashbot database"):
        open_store(postgres_url)
    assert _version(postgres_url) is None  # the failed migration left nothing behind


def test_processes_starting_at_once_on_a_new_database_migrate_it_once(postgres_url: str) -> None:
    start = threading.Barrier(4)

    def open_and_queue(number: int) -> int | None:
        start.wait()
        with closing(open_store(postgres_url)) as store:
            return store.enqueue(_post(f"post-{number}"), now=NOW)

    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(open_and_queue, range(4)))
    assert sorted(ids) == [1, 2, 3, 4]  # type: ignore[type-var]
    assert _version(postgres_url) == len(POSTGRES_MIGRATIONS)


def test_a_dry_run_copy_never_writes_the_server(postgres_url: str) -> None:
    with closing(open_store(postgres_url)) as real:
        real.enqueue(_post("queued"), now=NOW)
    with closing(open_store_copy(postgres_url)) as copy:
        [post] = copy.posts()
        assert copy.claim(post.id, now=NOW) and copy.mark_sent(post.id, now=NOW, message_id=1)
        assert copy.enqueue(_post("another"), now=NOW) == post.id + 1  # ids go on from the server's
        copy.pause("in the copy")
    with closing(open_store(postgres_url)) as reopened:
        assert [p.state for p in reopened.posts()] == [PostState.QUEUED]
        assert reopened.paused() is None


def test_a_dry_run_copy_of_a_new_database_leaves_it_unmigrated(postgres_url: str) -> None:
    with closing(open_store_copy(postgres_url)) as copy:
        assert copy.feeds() == [] and copy.posts() == []
        copy.enqueue(_post("only in the copy"), now=NOW)
    assert _version(postgres_url) is None


def test_a_dry_run_copy_of_an_older_schema_is_migrated_in_memory_only(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as db:
        for script in POSTGRES_MIGRATIONS[:4]:
            db.execute(script.encode())
        db.execute("CREATE TABLE schema_version (version BIGINT NOT NULL)")
        db.execute("INSERT INTO schema_version VALUES (4)")
        db.execute(
            "INSERT INTO posts (chat, article, created) VALUES ('@news', %s, %s)",
            ('{"text": "Old post", "title": "Old"}', NOW.isoformat()),
        )
    with closing(open_store_copy(postgres_url)) as copy:
        [post] = copy.posts()
        assert post.article.title == "Old" and copy.desk_messages("approval", post.id) == []
    assert _version(postgres_url) == 4


def test_sqlite_users_never_import_the_postgresql_driver(tmp_path: Path) -> None:
    code = (
        "import sys; from bot.storage import open_store, open_store_copy; "
        f"open_store({str(tmp_path / 'a.sqlite3')!r}).close(); "
        f"open_store_copy({str(tmp_path / 'a.sqlite3')!r}).close(); "
        "print(sorted(m for m in sys.modules if m.startswith('psycopg')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.strip() == "[]"


def _drop_connections(url: str) -> int:
    """What a server restart does to hashbot: every other connection to the database is cut."""
    with psycopg.connect(url, autocommit=True) as db:
        rows = db.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


def test_a_dropped_connection_fails_one_call_and_the_next_connects_again(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with closing(open_store(postgres_url)) as store:
        store.enqueue(_post("before"), now=NOW)
        assert _drop_connections(postgres_url) == 1
        with pytest.raises(StoreError, match=r"^postgresql://\*\*\*@127\.0\.0\.1:\d+/\w+: .*terminat"):
            store.posts()
        assert [post.article.title for post in store.posts()] == ["before"]
        assert "connection to the database was lost; connecting again" in caplog.text
        _drop_connections(postgres_url)
        with pytest.raises(StoreError):
            store.enqueue(_post("lost"), now=NOW)  # a write transaction fails whole, nothing half-done
        assert store.enqueue(_post("after"), now=NOW) is not None
        assert [post.article.title for post in store.posts()] == ["before", "after"]
