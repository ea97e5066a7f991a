"""The command table: what Telegram accepts and what the README promises."""

from __future__ import annotations

import re

import pytest
from auxil.fake_bot_api import html_error, html_text
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


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>bold</b> &amp; <a href='https://x.org'>link</a>", None),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<p>para</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("é</i>", "Unexpected end tag at byte offset 2"),
        ("<b><i>x</b></i>", 'Can\'t find end tag corresponding to start tag "i"'),
    ],
)
def test_fake_server_reads_html_like_telegram(text: str, error: str | None) -> None:
    found = html_error(text)
    assert (found is None) if error is None else (found == f"Bad Request: can't parse entities: {error}")


def test_fake_server_shows_the_visible_text() -> None:
    assert html_text("<b>A</b> &amp; <i>B</i>") == "A & B"
