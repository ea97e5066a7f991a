"""A command imports only what it uses: tagging a local file loads no adapter library.

Each case runs the real entry point in a fresh interpreter and reads ``sys.modules`` afterwards;
the heavy cases show that the check sees those libraries when a command does need them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from auxil.paths import EXAMPLES, REPO

from bot.clock import utcnow
from bot.storage import NewFeed, open_store

HEAVY = ("telegram", "apscheduler", "httpx", "feedparser", "trafilatura")

_PROBE = """
import json, sys
from bot.cli import main
code = main(sys.argv[1:])
heavy = [name for name in {heavy!r} if name in sys.modules]
print(json.dumps({{"code": code, "heavy": heavy}}), file=sys.stderr)
"""


def imported(
    *argv: str, database: Path | None = None, watch: tuple[str, ...] = HEAVY
) -> tuple[int, list[str]]:
    """Exit status of `hashbot ARGV` and which of the `watch`ed libraries it imported."""
    env = {**os.environ, "HASHBOT_DATABASE": str(database)} if database else None
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=watch), *argv],
        capture_output=True,
        text=True,
        cwd=REPO / "tests",  # no .env there
        env=env,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], report["heavy"]


@pytest.mark.parametrize("command", ["tags", "preview"])
@pytest.mark.parametrize("example", ["seed_article_fr.txt", "heatwave-lisbon.md", "bundesbahn-de.json"])
def test_tags_and_preview_of_a_local_file_import_no_adapter(command: str, example: str) -> None:
    assert imported(command, str(EXAMPLES / example)) == (0, [])


@pytest.mark.parametrize("example", ["seed_article_fr.txt", "bundesbahn-de.json"])
def test_tags_renders_nothing_so_it_imports_no_template_engine(example: str) -> None:
    assert imported("tags", str(EXAMPLES / example), watch=("jinja2",)) == (0, [])
    assert imported("preview", str(EXAMPLES / example), watch=("jinja2",)) == (0, ["jinja2"])


def test_tags_jsonl_imports_no_adapter(tmp_path: Path) -> None:
    records = tmp_path / "docs.jsonl"
    records.write_text('{"id": 1, "title": "Storm Elena", "text": "Storm Elena hit Lisbon."}\n')
    assert imported("tags", "--jsonl", str(records)) == (0, [])


@pytest.mark.parametrize("argv", [["status"], ["feeds", "list"], ["feeds", "list", "--json"]])
def test_commands_that_only_read_the_store_import_no_adapter(argv: list[str], tmp_path: Path) -> None:
    database = tmp_path / "hashbot.sqlite3"
    with closing(open_store(database)) as store:
        store.add_feed(NewFeed(url="https://gazette.example/rss.xml", name="Gazette"), now=utcnow())
    assert imported(*argv, database=database) == (0, [])


@pytest.mark.parametrize(
    ("argv", "needed"),
    [
        (["tags", str(EXAMPLES / "brasil-chuvas-pt.html")], ["trafilatura"]),
        (["preview", str(REPO / "examples" / "feed.xml")], ["feedparser"]),
        (["post", "--dry-run", str(EXAMPLES / "seed_article_fr.txt")], ["telegram", "httpx"]),
    ],
)
def test_the_check_sees_a_library_a_command_needs(argv: list[str], needed: list[str]) -> None:
    code, heavy = imported(*argv)
    assert code == 0
    assert set(needed) <= set(heavy)
