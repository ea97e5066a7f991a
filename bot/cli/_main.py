"""The parser and the entry point: settings, logging, and errors turned into exit codes."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from bot import __version__
from bot.cli import _articles, _feeds, _run
from bot.cli._common import DEFAULT_ENV_FILE, EXIT_FAILED, EXIT_USAGE, Console
from bot.config import load_settings
from bot.errors import ConfigError, HashbotError
from bot.logs import configure_logging


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hashbot",
        description="Turn news articles into well-tagged Telegram channel posts.",
        epilog="Settings come from HASHBOT_* environment variables and .env; see .env.example.",
    )
    parser.add_argument("--version", action="version", version=f"hashbot {__version__}")
    parser.add_argument(
        "--env-file",
        type=Path,
        metavar="PATH",
        help="settings file to read (default: .env in the current folder, when there is one)",
    )
    parser.add_argument(
        "--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="override HASHBOT_LOG_LEVEL"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (_articles, _run, _feeds):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None, *, console: Console | None = None) -> int:
    """Entry point of the `hashbot` console script and `python -m bot`."""
    console = console or Console()
    parser = build_parser()
    try:
        with redirect_stdout(console.out), redirect_stderr(console.err):
            args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.env_file is not None and not args.env_file.is_file():
        console.error(f"--env-file: {args.env_file} is not a file")
        return EXIT_USAGE
    try:
        settings = load_settings(args.env_file or DEFAULT_ENV_FILE)
    except ConfigError as exc:
        console.error(exc)
        return EXIT_USAGE
    configure_logging(level=args.log_level or settings.log_level, fmt=settings.log_format, stream=console.err)
    try:
        return int(args.handler(args, settings, console))
    except ConfigError as exc:
        console.error(exc)
        return EXIT_USAGE
    except HashbotError as exc:
        console.error(exc)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
