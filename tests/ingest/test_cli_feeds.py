"""`hashbot feeds …` and `hashbot preview URL`, through the real entry point."""

from __future__ import annotations

import io
import json
from contextlib import closing
from pathlib import Path

import pytest
from auxil.cli import CliRunner
from auxil.feedserver import FeedServer, Route
from auxil.fetching import fixture

from bot.cli import Console, main
from bot.storage import PostState, open_store

ACTIONS = ["add", "list", "remove", "enable", "disable", "import", "export", "poll"]


@pytest.mark.parametrize("action", ACTIONS)
def test_every_feeds_action_has_help(run_cli: CliRunner, action: str) -> None:
    result = run_cli("feeds", action, "--help")
    assert result.code == 0 and f"usage: hashbot feeds {action}" in result.out


def test_add_list_remove(run_cli: CliRunner) -> None:
    added = run_cli(
        "feeds", "add", "https://gazette.example/rss.xml", "--name", "Gazette", "--interval", "2h",
        "--tags", "Local,#Coast", "--include", "harbour", "--include", "/ferr(y|ies)/",
        "--chat", "@coastnews",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert added.out == "added feed 1: Gazette (every 2 h)\n"
    [record] = [json.loads(line) for line in run_cli("feeds", "list", "--json").out.splitlines()]
    assert record["tags"] == ["Local", "Coast"] and record["include"] == ["harbour", "/ferr(y|ies)/"]
    assert record["interval"] == 7200 and record["chat"] == "@coastnews"
    listing = run_cli("feeds", "list").out
    assert "   1  ok       Gazette\n" in listing and "https://gazette.example/rss.xml, every 2 h" in listing
    assert run_cli("feeds", "remove", "https://gazette.example/rss.xml").out == "removed feed 1: Gazette\n"
    assert "no feeds yet" in run_cli("feeds", "list").out


def test_default_interval_comes_from_settings(run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HASHBOT_FEED_INTERVAL", "45")
    assert "(every 45 min)" in run_cli("feeds", "add", "https://e.org/feed").out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ftp://e.org/feed"], "must start with http:// or https://"),
        (
            ["https://e.org/f", "--include", "/(oops/"],
            "include filter /(oops/: not a valid regular expression",
        ),
        (["https://e.org/f", "--chat", "my channel"], "chat 'my channel' is neither @username"),
        (["https://e.org/f", "--topic", "0"], "topic 0 is not a forum topic id"),
        (["https://e.org/f", "--topic", "9" * 30], f"topic {'9' * 30} is not a forum topic id"),
        (["https://e.org/f", "--interval", "99999999d"], "interval of 99999999 days is more than a year"),
    ],
)
def test_add_refuses_what_could_never_work(run_cli: CliRunner, argv: list[str], message: str) -> None:
    result = run_cli("feeds", "add", *argv)
    assert result.code in (1, 2) and message in result.err
    assert "no feeds yet" in run_cli("feeds", "list").out


def test_bad_interval_and_duplicate_and_unknown_feed(run_cli: CliRunner) -> None:
    assert run_cli("feeds", "add", "https://e.org/f", "--interval", "soon").code == 2
    assert run_cli("feeds", "add", "https://e.org/f").code == 0
    duplicate = run_cli("feeds", "add", "https://e.org/f")
    assert duplicate.code == 1 and "already subscribed" in duplicate.err
    missing = run_cli("feeds", "remove", "42")
    assert missing.code == 1 and "no feed '42'" in missing.err


def test_export_import_round_trip(run_cli: CliRunner, tmp_path: Path) -> None:
    run_cli("feeds", "add", "https://a.example/feed", "--name", "A", "--exclude", "sport", "--lang", "fr")
    run_cli("feeds", "add", "https://b.example/feed", "--fetch-pages", "--topic", "3")
    run_cli("feeds", "disable", "2")
    exported = run_cli("feeds", "export")
    assert exported.code == 0 and exported.out.startswith("<?xml")
    (tmp_path / "feeds.opml").write_text(exported.out, encoding="utf-8")
    before = run_cli("feeds", "list", "--json").out
    run_cli("feeds", "remove", "1", "2")
    result = run_cli("feeds", "import", str(tmp_path / "feeds.opml"))
    assert result.out == f"imported 2 feeds from {tmp_path / 'feeds.opml'}\n"

    def settings(listing: str) -> list[dict[str, object]]:
        keep = (
            "url",
            "name",
            "chat",
            "topic",
            "interval",
            "tags",
            "include",
            "exclude",
            "lang",
            "fetch_pages",
            "silent",
            "media",
            "telegraph",
            "edit_updates",
            "digest_at",
            "mastodon",
            "enabled",
        )
        return [{key: json.loads(line)[key] for key in keep} for line in listing.splitlines()]

    assert settings(run_cli("feeds", "list", "--json").out) == settings(before)
    again = run_cli("feeds", "import", str(tmp_path / "feeds.opml"))
    assert again.code == 1 and "already subscribed" in again.err and "2 skipped" in again.out


def test_import_of_a_missing_or_bad_file(run_cli: CliRunner, tmp_path: Path) -> None:
    assert "cannot be read" in run_cli("feeds", "import", str(tmp_path / "nope.opml")).err
    (tmp_path / "bad.opml").write_text("<html/>")
    assert "is not an OPML document" in run_cli("feeds", "import", str(tmp_path / "bad.opml")).err


def test_poll_queues_new_items_and_reports_failures(run_cli: CliRunner, tmp_path: Path) -> None:
    with FeedServer() as server:
        server.routes["/good.xml"] = Route(fixture("rss2_cdata.xml"))
        server.routes["/bad.xml"] = Route(b"down", status=502)
        run_cli("feeds", "add", server.url("/good.xml"), "--name", "Good")
        run_cli("feeds", "add", server.url("/bad.xml"), "--name", "Bad")
        result = run_cli("feeds", "poll")
    assert result.code == 1
    assert "   1  Good: updated, 3 new, 1 queued\n" in result.out
    assert "   2  Bad: failed: HTTP 502 Bad Gateway\n" in result.out
    with closing(open_store(tmp_path / "hashbot.sqlite3")) as store:
        assert store.count_posts()[PostState.QUEUED] == 1
    assert "last error (1 in a row): HTTP 502 Bad Gateway" in run_cli("feeds", "list").out


class Terminal(io.StringIO):
    """Standard error as a terminal has it: progress is drawn there."""

    def isatty(self) -> bool:
        return True


def test_poll_shows_progress_on_a_terminal_and_nothing_when_piped(run_cli: CliRunner) -> None:
    with FeedServer() as server:
        server.routes["/good.xml"] = Route(fixture("rss2_cdata.xml"))
        server.routes["/bad.xml"] = Route(b"down", status=502)
        run_cli("feeds", "add", server.url("/good.xml"), "--name", "Good")
        run_cli("feeds", "add", server.url("/bad.xml"), "--name", "Bad")
        out, terminal = io.StringIO(), Terminal()
        code = main(["feeds", "poll"], console=Console(out=out, err=terminal))
        piped = run_cli("feeds", "poll")
    assert code == 1 and len(out.getvalue().splitlines()) == 2
    drawn = [line.strip("\r") for line in terminal.getvalue().split("\r\x1b[K")]
    assert [line for line in drawn if line][-1].startswith("polled 2/2 feeds, 1 failed so far")
    assert any(line.startswith("polled 1/2 feeds, ") for line in drawn)
    assert terminal.getvalue().endswith("\r\x1b[K")  # the line is gone once the poll is done
    assert "polled 1/2" not in piped.err and "\x1b" not in piped.err and len(piped.out.splitlines()) == 2


def test_poll_with_no_feeds(run_cli: CliRunner) -> None:
    result = run_cli("feeds", "poll")
    assert result.code == 1 and "no enabled feeds to poll" in result.err


def test_preview_reads_a_web_page(run_cli: CliRunner) -> None:
    with FeedServer() as server:
        server.routes["/harbour"] = Route(fixture("article_page.html"), content_type="text/html")
        result = run_cli("preview", "--format", "json", server.url("/harbour"), server.url("/missing"))
    assert result.code == 1
    [post] = [json.loads(line) for line in result.out.splitlines()]
    assert post["title"] == "Harbour wall repaired before winter storms"
    assert post["url"] == server.url("/harbour") and post["tags"]
    assert f"hashbot: error: {server.url('/missing')}: HTTP 404 Not Found" in result.err
