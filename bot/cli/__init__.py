"""The `hashbot` command line: the only place that prints, configures logging and picks exit codes.

Exit codes: 0 success, 1 some input could not be handled (the rest was), 2 bad usage or settings,
3 a bug (an unexpected exception, reported as one line; ``--log-level DEBUG`` shows its traceback),
141 the reader of standard output went away before the command was done (`| head`).
``_table`` is the command table (every command's options, parser and handler's name); one module
per group of commands holds the handlers (``_articles``, ``_run``, ``_feeds``), imported only when
one of its commands runs; ``_main`` runs a command.
"""

from bot.cli._common import Console
from bot.cli._main import main, run
from bot.cli._table import build_parser

__all__ = ["Console", "build_parser", "main", "run"]
