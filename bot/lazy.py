"""Packages whose parts load at the first use of one of their names (PEP 562 module ``__getattr__``).

The scientific-Python "lazy loader" pattern: a command imports only the parts it touches, so
`hashbot tags` never pays for python-telegram-bot, and the chart's caption never for the renderer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from typing import Any


def lazy_parts(
    package: str, parts: Mapping[str, Sequence[str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of `package`, whose names live in `parts` (submodule →
    the names it exports); each name, once found, is kept in the package, so later lookups are plain."""
    module = sys.modules[package]
    home = {name: part for part, names in parts.items() for name in names}

    def __getattr__(name: str) -> Any:
        part = home.get(name)
        if part is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{part}"), name)
        setattr(module, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(module), *home})

    return __getattr__, __dir__
