"""`hashbot vocab` and `hashbot stats` through the real entry point, on a real database of each backend."""

from __future__ import annotations

import json
import re
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from auxil.cli import CliRunner
from auxil.history import CHANNEL, fill_history, send

from bot.storage import open_store

NOW = datetime.now(UTC)  # `hashbot stats` counts back from the real clock


@pytest.fixture
def database(store_location: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """HASHBOT_DATABASE on each backend: a new SQLite file, then a PostgreSQL database."""
    monkeypatch.setenv("HASHBOT_DATABASE", store_location)
    return store_location


def test_vocab_lists_tags_by_use_and_the_rules(run_cli: CliRunner, database: str) -> None:
    with closing(open_store(database)) as store:
        for number, tags in enumerate((["Ukraine", "NATO"], ["Ukraine"], ["Gaza"])):
            send(store, f"story-{number}", tags, at=NOW)
        send(store, "elsewhere", ["Ukraine"], at=NOW, chat="@other")
    assert run_cli("vocab", "alias", "Royaume-Uni", "#grande bretagne").out == (
        "#RoyaumeUni is now written #GrandeBretagne in new posts\n"
    )
    assert run_cli("vocab", "block", "des").code == 0
    listed = run_cli("vocab", "--chat", CHANNEL)
    assert listed.code == 0
    assert listed.out.splitlines() == [
        f"3 tags published to {CHANNEL}, by posts:",
        "      2  #Ukraine",
        "      1  #Gaza",
        "      1  #NATO",
        "rule: #RoyaumeUni → #GrandeBretagne",
        "rule: #Des blocked",
    ]
    assert "      3  #Ukraine" in run_cli("vocab").out  # every chat
    assert run_cli("vocab", "--prefix", "na").out.splitlines()[1:2] == ["      1  #NATO"]
    data = json.loads(run_cli("vocab", "--json", "--chat", CHANNEL).out)
    assert data["tags"][0] == {"tag": "Ukraine", "posts": 2}
    assert data["aliases"] == {"RoyaumeUni": "GrandeBretagne"} and data["blocked"] == ["Des"]


def test_rules_are_removed_and_a_missing_one_is_an_error(run_cli: CliRunner, database: str) -> None:
    run_cli("vocab", "alias", "UK", "GrandeBretagne")
    run_cli("vocab", "block", "Des")
    assert run_cli("vocab", "unblock", "UK").code == 1  # an alias, not a block
    assert run_cli("vocab", "unalias", "uk").code == 0
    assert run_cli("vocab", "unblock", "#des").code == 0
    with closing(open_store(database)) as store:
        assert store.tag_rules() == []
    missing = run_cli("vocab", "unblock", "Des")
    assert missing.code == 1 and "#Des is not blocked" in missing.err
    assert run_cli("vocab", "alias", "!!!", "UK").code == 2


MACRON = (
    "Macron veut relancer l'Europe\n\nLe président Macron a déclaré lundi à Paris que l'Europe devait "
    "agir. Macron a rencontré les dirigeants du Royaume-Uni et de l'OTAN. Selon Macron, l'Europe doit "
    "se renforcer.\n"
)


def _hashtags(text: str) -> list[str]:
    return re.findall(r"#\w+", text)


def test_tags_and_preview_tag_in_the_channels_vocabulary_and_rules(
    run_cli: CliRunner, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = tmp_path / "macron.txt"
    article.write_text(MACRON)
    monkeypatch.setenv("HASHBOT_CHANNEL", CHANNEL)
    with closing(open_store(database)) as store:
        send(store, "earlier", ["EmmanuelMacron"], at=NOW - timedelta(days=3))
    assert run_cli("vocab", "block", "Paris").code == 0

    tags = _hashtags(run_cli("tags", str(article)).out)
    assert "#EmmanuelMacron" in tags and "#Macron" not in tags and "#Paris" not in tags
    preview = run_cli("preview", str(article))
    assert preview.code == 0 and _hashtags(preview.out.split("\n", 1)[1]) == tags  # what a post carries
    # Another chat has no #EmmanuelMacron; the admins' rules are every chat's.
    elsewhere = _hashtags(run_cli("tags", "--chat", "@other", str(article)).out)
    assert "#Macron" in elsewhere and "#Paris" not in elsewhere
    # The evaluation interface is the tag engine's alone.
    record = json.dumps({"id": 1, "text": MACRON})
    assert "#Macron" in json.loads(run_cli("tags", "--jsonl", stdin=record.encode()).out)["tags"]


def test_tags_and_preview_need_no_database_and_create_none(
    run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "hashbot.sqlite3"
    monkeypatch.setenv("HASHBOT_DATABASE", str(database))
    article = tmp_path / "macron.txt"
    article.write_text(MACRON)
    assert "#Macron" in run_cli("tags", str(article)).out
    assert "#Macron" in run_cli("preview", str(article)).out
    assert not database.exists()


def test_stats_on_30_days_prints_the_figures_and_writes_the_chart(
    run_cli: CliRunner, database: str, tmp_path: Path
) -> None:
    with closing(open_store(database)) as store:
        fill_history(store, days=29, now=NOW)
        counts = store.published_counts(bounds=(datetime(2000, 1, 1, tzinfo=UTC), NOW + timedelta(days=1)))
    png = tmp_path / "stats.png"
    result = run_cli("stats", "--days", "30", "--png", str(png))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith(f"{counts.posts} posts to all chats in the last 30 days")
    assert sum(1 for line in lines if line.startswith("  20")) == 30  # every day, listed
    top = counts.tags[0]
    assert f"  {top.uses:>5}  #{top.name}" in lines
    assert any(line.startswith("Reactions: ") and "per post, by tag" in line for line in lines)
    assert lines[-1].startswith(f"chart written to {png}")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_stats_on_an_empty_history_says_so_and_draws_nothing(
    run_cli: CliRunner, database: str, tmp_path: Path
) -> None:
    result = run_cli("stats", "--chat", CHANNEL, "--png", str(tmp_path / "none.png"))
    assert result.code == 1
    assert result.out.startswith(f"No posts were sent to {CHANNEL} in the last 30 days")
    assert "nothing to chart" in result.err
    assert not (tmp_path / "none.png").exists()
    assert run_cli("stats", "--days", "0").code == 2


def test_vocab_usage_shows_the_action_as_optional(run_cli: CliRunner, database: str) -> None:
    usage = run_cli("vocab", "--help").out.split("\n\n")[0]
    assert usage.endswith("[--json] [ACTION ...]"), usage
    refused = run_cli("vocab", "bogus")  # the usage an error prints is the same line
    assert refused.code == 2 and "[ACTION ...]" in refused.err
    assert run_cli("vocab").code == 0  # and indeed optional: no action lists the vocabulary
