from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from auxil.cli import COMMANDS, CliRunner
from auxil.paths import EXAMPLES, REPO, SEED


def test_every_command_has_help(run_cli: CliRunner) -> None:
    for command in [[], *([name] for name in COMMANDS)]:
        result = run_cli(*command, "--help")
        assert result.code == 0, command
        assert "usage: hashbot" in result.out


def test_unknown_command_and_missing_arguments_exit_2(run_cli: CliRunner) -> None:
    assert run_cli("publish-everything").code == 2
    assert run_cli("preview").code == 2
    result = run_cli("tags")
    assert result.code == 2 and "give at least one SOURCE" in result.err


def test_preview_prints_a_post_for_every_example(run_cli: CliRunner) -> None:
    result = run_cli("preview", str(EXAMPLES))
    assert result.code == 0, result.err
    for path in EXAMPLES.iterdir():
        assert f"──── {path} ────" in result.out
    assert "#Ukraine" in result.out


def test_preview_json_is_one_object_per_post(run_cli: CliRunner) -> None:
    result = run_cli("preview", "--format", "json", str(SEED), str(EXAMPLES / "eu-ai-act-en.txt"))
    posts = [json.loads(line) for line in result.out.splitlines()]
    assert [post["source"] for post in posts] == [str(SEED), str(EXAMPLES / "eu-ai-act-en.txt")]
    assert all(post["tags"] and post["body"] and post["parse_mode"] == "HTML" for post in posts)


def test_preview_text_shows_what_subscribers_read(run_cli: CliRunner) -> None:
    result = run_cli("preview", "--format", "text", str(EXAMPLES / "heatwave-lisbon.md"))
    assert "<b>" not in result.out
    assert "<https://example.org/news/2026/07/heatwave-portugal-spain>" in result.out


def test_preview_reports_bad_sources_and_still_prints_the_good(run_cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    result = run_cli("preview", str(tmp_path / "empty.txt"), str(SEED))
    assert result.code == 1
    assert f"hashbot: error: {tmp_path / 'empty.txt'}: is empty" in result.err
    assert "#Ukraine" in result.out


def test_preview_reads_standard_input(run_cli: CliRunner) -> None:
    result = run_cli("preview", "-", stdin="Titre du jour\n\nLe président Macron était à Paris.".encode())
    assert result.code == 0
    assert "<b>Titre du jour</b>" in result.out


def test_preview_unknown_template_fails(run_cli: CliRunner) -> None:
    result = run_cli("preview", "--template", "nope.html.j2", str(SEED))
    assert result.code == 1 and "template 'nope.html.j2' not found" in result.err


def test_invalid_setting_stops_with_one_line_and_exit_2(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HASHBOT_ADMIN_IDS", "12,bob")
    result = run_cli("preview", str(SEED))
    assert result.code == 2
    assert result.err == "hashbot: error: HASHBOT_ADMIN_IDS: 'bob' is not a numeric Telegram user id\n"
    assert result.out == ""


def test_env_file_option_is_read(run_cli: CliRunner, tmp_path: Path) -> None:
    env = tmp_path / "other.env"
    env.write_text("HASHBOT_TAG_LIMIT=2\nHASHBOT_TAG_FIXED=Revue\n")
    result = run_cli("--env-file", str(env), "tags", str(SEED))
    assert result.out.split()[0] == "#Revue" and len(result.out.split()) == 2


def test_missing_env_file_is_a_usage_error(run_cli: CliRunner, tmp_path: Path) -> None:
    result = run_cli("--env-file", str(tmp_path / "nope.env"), "tags", str(SEED))
    assert result.code == 2 and "nope.env is not a file" in result.err


def test_dot_env_in_current_folder_is_read(run_cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("HASHBOT_TAG_LIMIT=1\n")
    assert len(run_cli("tags", str(SEED)).out.split()) == 1


def test_tags_prints_hashtags_with_limit(run_cli: CliRunner) -> None:
    result = run_cli("tags", "--limit", "3", str(SEED))
    tags = result.out.split()
    assert result.code == 0 and len(tags) == 3 and all(tag.startswith("#") for tag in tags)
    assert run_cli("tags", "--limit", "0", str(SEED)).code == 2


def test_tags_explain_shows_reasons(run_cli: CliRunner) -> None:
    result = run_cli("tags", "--explain", str(SEED))
    assert "entity" in result.out


def test_tags_jsonl_contract(run_cli: CliRunner, tmp_path: Path) -> None:
    seed_text = SEED.read_text(encoding="utf-8")
    lines = [
        {"id": "doc-1", "title": "Paix en Ukraine", "text": seed_text, "lang": "fr"},
        {"id": 2, "title": None, "text": "Storm Ciarán hit Cornwall and Brittany on Thursday."},
        {"id": [3], "title": "Only a title", "text": ""},
    ]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode() + b"\n{oops\n"
    result = run_cli("tags", "--jsonl", "--limit", "5", stdin=stdin)
    out = [json.loads(line) for line in result.out.splitlines()]
    assert [set(record) for record in out] == [{"id", "tags"}] * 3
    assert [record["id"] for record in out] == ["doc-1", 2, [3]]
    assert "#Ukraine" in out[0]["tags"] and len(out[0]["tags"]) <= 5
    assert all(tag.startswith("#") for record in out for tag in record["tags"])
    assert result.code == 1 and "<stdin>:4: is not valid JSON" in result.err

    file = tmp_path / "docs.jsonl"
    file.write_text(json.dumps(lines[0]) + "\n", encoding="utf-8")
    from_file = run_cli("tags", "--jsonl", str(file))
    assert from_file.code == 0 and json.loads(from_file.out)["id"] == "doc-1"


def test_tags_jsonl_writes_ten_tags_by_default(
    run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keyphrase sets are scored at 10, so the evaluation interface is not cut at the post limit."""
    file = tmp_path / "docs.jsonl"
    file.write_text(json.dumps({"id": 1, "text": SEED.read_text(encoding="utf-8"), "lang": "fr"}) + "\n")
    assert len(json.loads(run_cli("tags", "--jsonl", str(file)).out)["tags"]) == 10
    assert len(run_cli("tags", str(SEED)).out.split()) == 8  # posts keep HASHBOT_TAG_LIMIT
    monkeypatch.setenv("HASHBOT_TAG_LIMIT", "12")
    assert len(json.loads(run_cli("tags", "--jsonl", str(file)).out)["tags"]) == 12


def test_python_dash_m_and_console_script_work() -> None:
    module = subprocess.run(
        [sys.executable, "-m", "bot", "tags", str(SEED)], capture_output=True, text=True, cwd=REPO
    )
    assert module.returncode == 0 and "#Ukraine" in module.stdout
    script = Path(sys.executable).with_name("hashbot")
    failing = subprocess.run([str(script), "preview", "/nonexistent.txt"], capture_output=True, text=True)
    assert failing.returncode == 1
    assert "hashbot: error: /nonexistent.txt: cannot be read" in failing.stderr
