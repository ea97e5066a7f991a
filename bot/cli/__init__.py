"""The `hashbot` command line: the only place that prints, configures logging and picks exit codes.

Exit codes: 0 success, 1 some input could not be handled (the rest was), 2 bad usage or settings.
One module per group of commands (``_articles``, ``_run``, ``_feeds``), each adding its parsers
through ``register``; ``_main`` builds the parser and runs a command.
"""

from bot.cli._common import Console
from bot.cli._main import build_parser, main

__all__ = ["Console", "build_parser", "main"]
