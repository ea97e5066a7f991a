"""The command table: every command's options match its parser, and every handler is where it says."""

from __future__ import annotations

import argparse
import inspect
from dataclasses import FrozenInstanceError, fields
from pathlib import Path
from typing import Any, get_type_hints

import pytest

from bot.cli import build_parser
from bot.cli._table import Command, FeedsAddOptions, FeedsToggleOptions, GlobalOptions, TagsOptions
from bot.config import Settings

#: Destinations that belong to the parser itself, not to a command's options.
_PARSER_OWN = {"help", "version", "command", "command_name", "feeds_command"}


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> dict[str, argparse.ArgumentParser]:
    """Every runnable command's parser, by its words (`feeds add`)."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update(_commands(sub, (*path, name)))
    if not found and path:
        found[" ".join(path)] = parser
    return found


COMMANDS = _commands(build_parser())


def _destinations(parser: argparse.ArgumentParser) -> set[str]:
    own = {action.dest for action in parser._actions} | set(parser._defaults)
    return own - _PARSER_OWN


def test_the_table_has_every_command() -> None:
    assert set(COMMANDS) >= {
        "preview",
        "tags",
        "post",
        "run",
        "status",
        "schedule",
        "feeds add",
        "feeds poll",
    }


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_options_are_exactly_what_the_parser_fills(name: str) -> None:
    """No option is parsed and then ignored, and no option field is left without an argument."""
    parser = COMMANDS[name]
    command: Command[Any] = parser.get_default("command")
    assert {field.name for field in fields(command.options)} == _destinations(parser)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_handler_takes_its_own_options(name: str) -> None:
    command: Command[Any] = COMMANDS[name].get_default("command")
    handler = command.load()
    hints = get_type_hints(handler)
    assert list(inspect.signature(handler).parameters) == ["options", "settings", "console"]
    assert hints["options"] is command.options and hints["settings"] is Settings
    assert hints["return"] is int


def test_global_options_are_what_the_top_parser_fills() -> None:
    parser = build_parser()
    top = {action.dest for action in parser._actions} - _PARSER_OWN
    assert {field.name for field in fields(GlobalOptions)} == top


def test_options_are_typed_and_frozen() -> None:
    parser = build_parser()
    args = parser.parse_args(
        ["--env-file", "x.env", "feeds", "add", "https://example.org/feed", "--tags", "a,b", "--include", "x"]
    )
    options = args.command.options_from(args)
    assert isinstance(options, FeedsAddOptions)
    assert options.tags == ("a", "b") and options.include == ("x",) and options.exclude == ()
    assert GlobalOptions.__dataclass_params__.frozen  # type: ignore[attr-defined]
    tags = parser.parse_args(["tags", "a.txt"])
    assert tags.command.options_from(tags) == TagsOptions(
        sources=("a.txt",), limit=None, explain=False, jsonl=False, chat=None
    )
    with pytest.raises(FrozenInstanceError):
        options.url = "https://elsewhere.example"  # type: ignore[misc]
    assert parser.parse_args(["--env-file", "x.env", "status"]).env_file == Path("x.env")


def test_enable_and_disable_share_a_handler_and_say_which() -> None:
    parser = build_parser()
    for action, enable in (("enable", True), ("disable", False)):
        args = parser.parse_args(["feeds", action, "3"])
        assert args.command.options_from(args) == FeedsToggleOptions(feeds=("3",), enable=enable)


def test_preview_format_keeps_argparse_s_message(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["preview", "--format", "pdf", "a.txt"])
    assert "invalid choice: 'pdf' (choose from 'html', 'text', 'json')" in capsys.readouterr().err
