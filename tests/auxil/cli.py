"""Run the real `hashbot` entry point in-process with captured streams."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Protocol

from bot.cli import Console, build_parser, main

#: The sub-commands of `hashbot`, read off the real parser.
COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


class CliRunner(Protocol):
    def __call__(self, *argv: str, stdin: bytes = b"") -> CliResult: ...


def run_cli(*argv: str, stdin: bytes = b"") -> CliResult:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), console=Console(out=out, err=err, stdin=io.BytesIO(stdin)))
    return CliResult(code, out.getvalue(), err.getvalue())
