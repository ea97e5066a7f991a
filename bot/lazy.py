"""Imports deferred to their first use, so a command pays only for what it touches.

- :func:`lazy_parts`: packages whose parts load at the first use of one of their names (PEP 562
  module ``__getattr__``, the scientific-Python "lazy loader" pattern): `hashbot tags` never pays
  for python-telegram-bot, and the chart's caption never for the renderer.
- :func:`on_first_use`: a module another library imports but may never use, loaded when it does.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
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


class _StandIn(types.ModuleType):
    """Takes a module's place for whoever imported it under :func:`on_first_use`: the first
    attribute read imports the real module and copies its names here, so later reads are plain."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = import_module(self.__name__)
        self.__dict__.update(real.__dict__)
        return getattr(real, name)


@contextmanager
def on_first_use(module: str) -> Iterator[None]:
    """While the block imports a library, its ``import module`` binds a stand-in that imports
    `module` for real at the first use; everyone importing `module` after the block gets the real
    one. Nothing changes when `module` is already imported."""
    if module in sys.modules:
        yield
        return
    stand_in = _StandIn(module)
    sys.modules[module] = stand_in
    try:
        yield
    finally:
        if sys.modules.get(module) is stand_in:
            del sys.modules[module]
