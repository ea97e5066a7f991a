"""The command line's error boundary: one line per failure, the other sources still run, and a
bug (an exception hashbot did not plan for) is exit status 3, never the 1 of a bad input.

Bugs are provoked by making a library hashbot calls fail, the way a parser crash would.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
import trafilatura
from auxil.cli import CliRunner

RSS = (
    b"<rss version='2.0'><channel><title>Gazette</title><item><title>Harbour plan approved</title>"
    b"<link>https://example.org/harbour</link><description>The council approved the harbour plan."
    b"</description></item></channel></rss>"
)


def _boom(*args: object, **kwargs: object) -> object:
    raise RuntimeError("boom")


@pytest.fixture
def three_sources(tmp_path: Path) -> list[str]:
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"title": "Bridge", "text": "The mayor opened the new bridge in Porto."}))
    page = tmp_path / "page.html"
    page.write_text("<html><body><article><p>The museum reopens in May.</p></article></body></html>")
    feed = tmp_path / "ok.xml"
    feed.write_bytes(RSS)
    return [str(good), str(page), str(feed)]


@pytest.mark.parametrize("command", ["preview", "tags"])
def test_a_bug_on_one_source_is_one_line_with_status_3_and_the_others_still_print(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, three_sources: list[str], command: str
) -> None:
    monkeypatch.setattr(trafilatura, "bare_extraction", _boom)
    result = run_cli(command, *three_sources)
    assert result.code == 3
    [line] = result.err.splitlines()
    assert line.startswith(f"hashbot: error: {three_sources[1]}: unexpected RuntimeError: boom")
    assert "a bug in hashbot" in line
    assert "Bridge" in result.out or "#Porto" in result.out
    assert "Harbour" in result.out or "#Harbour" in result.out


def test_a_bad_input_beside_good_ones_is_status_1(run_cli: CliRunner, three_sources: list[str]) -> None:
    Path(three_sources[1]).write_text("")
    result = run_cli("preview", *three_sources)
    assert result.code == 1
    assert result.err.splitlines() == [f"hashbot: error: {three_sources[1]}: is empty"]
    assert result.out.count("────") == 4  # two posts, each under a ──── header ────


def test_a_bug_outside_any_source_is_still_one_line_and_status_3(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ET, "indent", _boom)
    result = run_cli("feeds", "export")
    assert result.code == 3
    [line] = result.err.splitlines()
    assert line.startswith("hashbot: error: hashbot feeds: unexpected RuntimeError: boom")
    assert "Traceback" not in result.err


def test_a_bug_while_polling_fails_that_feed_with_status_3(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from auxil.feedserver import FeedServer, Route

    with FeedServer() as server:
        server.routes["/feed.xml"] = Route(RSS)
        assert run_cli("feeds", "add", server.url("/feed.xml")).code == 0
        monkeypatch.setattr(feedparser, "parse", _boom)
        result = run_cli("feeds", "poll")
    assert result.code == 3
    assert "failed: " in result.out and "unexpected RuntimeError: boom" in result.out


def test_tags_on_an_empty_list_says_why(run_cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("[]")
    result = run_cli("tags", str(path))
    assert result.code == 1
    assert result.err.splitlines() == [f"hashbot: error: {path}: is an empty list: no articles"]


def test_a_template_error_names_the_article(run_cli: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "telegram.html.j2").write_text("{# nothing at all #}")
    (tmp_path / ".env").write_text(f"HASHBOT_TEMPLATES_DIR={folder}\n")
    article = tmp_path / "a.txt"
    article.write_text("The council approved the harbour plan.")
    result = run_cli("preview", str(article))
    assert result.code == 1
    assert result.err.splitlines() == [
        f"hashbot: error: {article}: template 'telegram.html.j2' produced an empty post"
    ]


def test_with_source_keeps_the_class_and_its_attributes() -> None:
    from bot.errors import PublishForbidden, with_source

    sourced = with_source(PublishForbidden("@news", "Forbidden"), "a.txt")
    assert isinstance(sourced, PublishForbidden) and sourced.chat == "@news"
    assert str(sourced) == "a.txt: @news: Forbidden"
    assert with_source(sourced, "a.txt") is sourced


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("command", ["preview", "tags"])
def test_a_closed_pipe_is_no_bug(command: str) -> None:
    from auxil.paths import EXAMPLES

    from bot.cli import Console, main

    err = io.StringIO()
    code = main([command, str(EXAMPLES)], console=Console(out=_ClosedPipe(), err=err, stdin=io.BytesIO()))
    assert (code, err.getvalue()) == (141, "")


def test_a_database_file_that_is_not_hashbots_is_one_line_and_status_2(
    run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = tmp_path / "notes.sqlite3"
    notes.write_bytes(b"these are my notes, not a database" * 100)
    monkeypatch.setenv("HASHBOT_DATABASE", str(notes))
    result = run_cli("status")
    assert result.code == 2
    assert result.err.splitlines() == [
        f"hashbot: error: {notes}: is not a usable hashbot database: file is not a database"
    ]
