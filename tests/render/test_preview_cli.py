from __future__ import annotations

import json
from pathlib import Path

from auxil.cli import CliRunner
from auxil.paths import EXAMPLES, SEED
from auxil.telegram_html import validate

from bot.render import x_length


def test_preview_any_template_by_short_name(run_cli: CliRunner) -> None:
    result = run_cli("preview", "--template", "x", str(EXAMPLES / "heatwave-lisbon.md"))
    assert result.code == 0, result.err
    body = result.out.split("────\n", 1)[1].strip()
    assert x_length(body) <= 280 and "https://example.org/news/2026/07/heatwave-portugal-spain" in body


def test_preview_digest_renders_all_articles_as_one_post(run_cli: CliRunner) -> None:
    result = run_cli("preview", "--digest", "--format", "json", str(EXAMPLES))
    assert result.code == 0, result.err
    [post] = [json.loads(line) for line in result.out.splitlines()]
    assert post["template"] == "digest.html.j2"
    validate(post["body"], strict=True)
    assert post["body"].count("<a href=") == 3  # the three examples that have a URL


def test_preview_photo_names_the_photo(run_cli: CliRunner) -> None:
    result = run_cli(
        "preview", "--format", "json", "--template", "photo", str(EXAMPLES / "heatwave-lisbon.md")
    )
    assert json.loads(result.out)["photo"] == "https://example.org/images/lisbon-heat.jpg"


def test_preview_reports_a_broken_user_template_with_its_line(run_cli: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "telegram.html.j2").write_text("{{ article.title }}\n{{ summary | nope }}")
    env = tmp_path / "t.env"
    env.write_text(f"HASHBOT_TEMPLATES_DIR={folder}\n")
    result = run_cli("--env-file", str(env), "preview", str(SEED))
    assert result.code == 1
    assert "template 'telegram.html.j2'" in result.err and "line 2" in result.err and "nope" in result.err
