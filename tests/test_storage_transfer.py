"""`hashbot copy-db`: a whole database moved from SQLite to PostgreSQL and back, ids kept."""

from __future__ import annotations

import hashlib
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from auxil.cli import CliRunner
from auxil.history import send

from bot.errors import StoreError
from bot.models import Article
from bot.storage import NewFeed, NewPost, PollRecord, Store, TagRule, open_store
from bot.storage.transfer import copy_database

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _fill(store: Store) -> None:
    """A little of everything: feeds, seen items, posts in several states, tags, rules, flags."""
    feed = store.add_feed(NewFeed(url="https://example.org/feed.xml", name="Gazette"), now=NOW)
    store.add_feed(NewFeed(url="https://example.org/other.xml"), now=NOW)
    article = Article(text="Harbour plan approved", title="Harbour", url="https://example.org/h", id="h")
    store.save_poll(
        PollRecord(
            feed_id=feed.id,
            checked=NOW,
            next_check=NOW + timedelta(minutes=15),
            seen_keys=("g:h", "g:old"),
            posts=(NewPost(article=article, chat="@news", keys=("l:h",), feed_id=feed.id),),
            notices=("Gazette: first poll",),
        )
    )
    send(store, "sent-one", ["Porto", "HarbourCouncil"], at=NOW, feed=feed.id)
    store.remove_feed(store.feeds()[1].id)  # ids with a gap
    store.set_tag_rule(TagRule("UK", "GrandeBretagne"), now=NOW)
    store.pause("paused by Ada")


def _picture(store: Store) -> tuple[object, ...]:
    """What an operator would check after a move."""
    feed = store.feeds()[0]
    return (
        store.feeds(),
        store.posts(),
        store.seen_keys(feed.id, ["g:h", "g:old", "g:new"]),
        store.tag_uses(),
        store.tag_rules(),
        store.paused(),
        [(notice.message, notice.read) for notice in store.claim_notices()],
    )


def test_a_sqlite_database_moves_to_postgresql_and_back_with_every_row_and_id(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "hashbot.sqlite3"
    with closing(open_store(source)) as store:
        _fill(store)
    before = hashlib.sha256(source.read_bytes()).hexdigest()

    copied = copy_database(source, postgres_url)
    assert copied["feeds"] == 1 and copied["posts"] == 2 and copied["seen"] == 2
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before  # the source is only read
    back = tmp_path / "back.sqlite3"
    copy_database(postgres_url, back)

    pictures = []
    for location in (source, postgres_url, back):
        with closing(open_store(location)) as store:
            pictures.append(_picture(store))
            # The id counters go on after the copied ids: a new post never takes an old one's id.
            new = store.enqueue(
                NewPost(article=Article(text="New", title="New"), chat="@news", keys=("n",)), now=NOW
            )
            assert new == 3
            # Feed ids follow the highest one, as SQLite always gave them (feed 2 was removed).
            assert store.add_feed(NewFeed(url="https://example.org/new.xml"), now=NOW).id == 2
    assert pictures[0] == pictures[1] == pictures[2]


def test_a_target_with_rows_is_refused_and_left_as_it_was(tmp_path: Path, store_location: str) -> None:
    source = tmp_path / "source.sqlite3"
    with closing(open_store(source)) as store:
        _fill(store)
    with closing(open_store(store_location)) as target:
        target.add_feed(NewFeed(url="https://example.org/mine.xml"), now=NOW)
    with pytest.raises(StoreError, match=r"is not empty \(feeds hold rows\); copy into a new database"):
        copy_database(source, store_location)
    with closing(open_store(store_location)) as target:
        assert [feed.url for feed in target.feeds()] == ["https://example.org/mine.xml"]
        assert target.posts() == []


def test_copy_db_moves_the_configured_database_and_says_what_it_copied(
    run_cli: CliRunner, tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "hashbot.sqlite3"
    with closing(open_store(source)) as store:
        _fill(store)
    monkeypatch.setenv("HASHBOT_DATABASE", str(source))
    result = run_cli("copy-db", postgres_url)
    assert result.code == 0, result.err
    [line] = result.out.splitlines()
    assert line.startswith(f"copied {source} to postgresql://***@127.0.0.1:")
    assert line.endswith(
        ": 1 feeds, 1 flags, 1 notices, 2 post_keys, 2 posts, 2 seen, 2 tag_history, 1 tag_rules"
    )
    again = run_cli("copy-db", postgres_url)
    assert again.code == 1 and "is not empty" in again.err and "***@" in again.err

    monkeypatch.setenv("HASHBOT_DATABASE", str(tmp_path / "missing.sqlite3"))
    missing = run_cli("copy-db", str(tmp_path / "new.sqlite3"))
    assert missing.code == 1 and "no database to copy" in missing.err
    assert not (tmp_path / "new.sqlite3").exists()
