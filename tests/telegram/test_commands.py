"""The command table: what Telegram accepts and what the README promises."""

from __future__ import annotations

import re

from auxil.paths import REPO

from bot.telegram import COMMANDS
from bot.telegram.commands import help_text

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented_and_valid_for_telegram() -> None:
    for command in COMMANDS:
        assert re.fullmatch(r"[a-z0-9_]{1,32}", command.name)
        assert 3 <= len(command.description) <= 256
        assert f"| `/{command.name}" in README or f"`/{command.name}`" in README, command.name
        assert command.usage in help_text()


def test_help_shows_both_forms_of_schedule() -> None:
    assert "/schedule <HH:MM | YYYY-MM-DD HH:MM> <url|text>" in help_text()
