"""The entry point: parse, settings, logging, the command's handler, and errors turned into exit codes."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from typing import Any, NoReturn

from bot.cli._common import DEFAULT_ENV_FILE, EXIT_BROKEN_PIPE, EXIT_BUG, EXIT_FAILED, EXIT_USAGE, Console
from bot.cli._table import Command, GlobalOptions, build_parser, options_from
from bot.errors import ConfigError, HashbotError, StoreUnavailable, UnexpectedError
from bot.logs import configure_logging

logger = logging.getLogger(__name__)


def run() -> NoReturn:
    """The `hashbot` console script and `python -m bot`: :func:`main` on the process's arguments,
    then the process ends with its status.

    Every object the command made dies with the process, so the interpreter's last garbage
    collection at exit, which would walk each one of them (a tenth of a second after tagging an
    article, with the tag engine's data loaded), is skipped: they are frozen out of it first.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


def main(argv: Sequence[str] | None = None, *, console: Console | None = None) -> int:
    """Run one `hashbot` command; tests call it in-process with their own `console`.

    A reader that stops early (`hashbot feeds list | head -1`) ends the command quietly with the
    status of a process killed by SIGPIPE, as any Unix filter would: no traceback, and not 0,
    since what came after the closed pipe was never done.
    """
    console = console or Console()
    try:
        code = _run(argv, console)
        console.out.flush()
    except BrokenPipeError:
        console.discard_out()
        return EXIT_BROKEN_PIPE
    return code


def _run(argv: Sequence[str] | None, console: Console) -> int:
    parser = build_parser()
    try:
        with redirect_stdout(console.out), redirect_stderr(console.err):
            args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    common = options_from(args, GlobalOptions)
    command: Command[Any] = args.command
    options = command.options_from(args)
    if common.env_file is not None and not common.env_file.is_file():
        console.error(f"--env-file: {common.env_file} is not a file")
        return EXIT_USAGE
    from bot.config import load_settings  # pydantic-settings: not for --help or a usage error

    try:
        settings = load_settings(common.env_file or DEFAULT_ENV_FILE)
    except ConfigError as exc:
        console.error(exc)
        return EXIT_USAGE
    level = common.log_level or settings.log_level
    configure_logging(level=level, fmt=settings.log_format, stream=console.err)
    try:
        return int(command.load()(options, settings, console))
    except (ConfigError, StoreUnavailable) as exc:
        console.error(exc)
        return EXIT_USAGE
    except UnexpectedError as exc:
        console.error(exc)
        return EXIT_BUG
    except HashbotError as exc:
        console.error(exc)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise  # not a bug: the reader went away; main() ends quietly
    except Exception as exc:  # the one boundary for bugs: a line to report and status 3, no traceback
        logger.debug("unexpected error in `hashbot %s`", args.command_name, exc_info=True)
        console.error(UnexpectedError(f"hashbot {args.command_name}", exc))
        return EXIT_BUG
