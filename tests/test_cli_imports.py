"""A command imports only what it uses: tagging a local file loads no adapter library.

Each case runs the real entry point in a fresh interpreter and reads ``sys.modules`` afterwards;
the heavy cases show that the check sees those libraries when a command does need them. The
console script also ends without the interpreter's last garbage collection over every object.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from auxil.history import fill_history
from auxil.paths import EXAMPLES, REPO

from bot.clock import utcnow
from bot.storage import NewFeed, open_store

HEAVY = ("telegram", "apscheduler", "httpx", "feedparser", "trafilatura")
#: What tagging never needs: the renderer with its template engine and date formats, the pipeline
#: that plans and publishes posts, and the fetcher of web pages.
RENDERING = ("jinja2", "babel", "bot.render", "bot.pipeline", "bot.preview", "bot.ingest.pages")
#: What the figures of `hashbot stats` never need: the tag engine, the chart, the templates.
NOT_FOR_FIGURES = ("bot.hashtags", "matplotlib", "jinja2", "bot.pipeline", *HEAVY)

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


@pytest.mark.parametrize("example", ["seed_article_fr.txt", "heatwave-lisbon.md", "bundesbahn-de.json"])
def test_tags_renders_nothing_so_it_imports_no_renderer(example: str) -> None:
    assert imported("tags", str(EXAMPLES / example), watch=RENDERING) == (0, [])
    code, rendering = imported("preview", str(EXAMPLES / example), watch=RENDERING)
    assert code == 0
    assert {"jinja2", "bot.render", "bot.pipeline", "bot.preview"} <= set(rendering)


@pytest.mark.parametrize("example", ["seed_article_fr.txt", "heatwave-lisbon.md"])
def test_tags_of_a_text_article_reads_no_feed_and_no_web_page(example: str) -> None:
    readers = ("bot.ingest.feeds", "bot.ingest.page_images", "html.parser", "xml.sax")
    assert imported("tags", str(EXAMPLES / example), watch=readers) == (0, [])
    assert imported("tags", str(REPO / "examples" / "feed.xml"), watch=readers)[1] != []


def test_help_reads_no_settings() -> None:
    assert imported("tags", "--help", watch=("pydantic_settings", "bot.config")) == (0, [])
    assert imported("tags", "--limit", "0", watch=("pydantic_settings",)) == (2, [])
    seed = str(EXAMPLES / "seed_article_fr.txt")
    assert imported("tags", "--limit", "1", seed, watch=("pydantic_settings",)) == (0, ["pydantic_settings"])


def test_stats_without_a_chart_imports_no_tag_engine_and_no_matplotlib(tmp_path: Path) -> None:
    database = tmp_path / "hashbot.sqlite3"
    with closing(open_store(database)) as store:
        fill_history(store, days=3, now=utcnow())
    assert imported("stats", database=database, watch=NOT_FOR_FIGURES) == (0, [])
    chart = imported("stats", "--png", str(tmp_path / "stats.png"), database=database, watch=NOT_FOR_FIGURES)
    assert chart == (0, ["matplotlib"])
    code, vocabulary = imported("vocab", database=database, watch=NOT_FOR_FIGURES)
    assert code == 0 and "bot.hashtags" in vocabulary  # its tags are written in the settings' style


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


_EXIT_PROBE = """
import atexit, gc, sys
atexit.register(lambda: print(gc.get_freeze_count(), file=sys.stderr))
sys.argv = ["hashbot", *sys.argv[1:]]
from bot.cli import run
run()
"""


@pytest.mark.parametrize(
    ("argv", "status"), [(["--version"], 0), (["tags"], 2), (["tags", "/nowhere.txt"], 1)]
)
def test_the_console_script_exits_with_the_status_and_its_objects_frozen(
    argv: list[str], status: int
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _EXIT_PROBE, *argv], capture_output=True, text=True, cwd=REPO / "tests"
    )
    assert done.returncode == status
    assert int(done.stderr.strip().splitlines()[-1]) > 1000  # out of the last collection at exit
