"""Meta-tests: the package, README, CI script and .env.example stay true to the code."""

from __future__ import annotations

import re
import tomllib

from auxil.cli import COMMANDS
from auxil.paths import REPO

from bot.config import Settings, env_name
from bot.render._environment import shipped_templates_dir

README = (REPO / "README.md").read_text(encoding="utf-8")


def _readme_commands() -> list[str]:
    return re.findall(r"^```sh\n(.+?)\n```", README, flags=re.MULTILINE)


def test_every_package_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {".".join(path.parent.relative_to(REPO).parts) for path in (REPO / "bot").rglob("__init__.py")}
    assert on_disk | {"bot.templates"} == listed


def test_shipped_templates_are_found() -> None:
    assert (shipped_templates_dir() / "telegram.html.j2").is_file()


def test_readme_documents_every_command_and_setting() -> None:
    for command in COMMANDS:
        assert f"`hashbot {command}" in README, command
    for field in Settings.model_fields:
        assert f"`{env_name(field)}`" in README, field


def test_ci_runs_exactly_the_readme_test_command() -> None:
    first, second = _readme_commands()[:2]
    assert "hashbot run --dry-run --once" in first
    ci_lines = (REPO / ".ci" / "run").read_text().strip().splitlines()
    assert ci_lines[-1] == second
