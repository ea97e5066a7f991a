"""Shared fixtures: every test runs in an empty folder with no HASHBOT_* settings around it."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest
from auxil.cli import CliRunner
from auxil.cli import run_cli as _run_cli

#: The modules setup.py compiles with mypyc.
COMPILED_MODULES = ("candidates", "extract", "language", "normalize", "rank")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to test a compiled tag engine older than its source: the edits would not be tested."""
    for name in COMPILED_MODULES:
        built = Path(importlib.import_module(f"bot.hashtags.{name}").__file__ or "")
        source = built.with_name(f"{name}.py")
        if built.suffix != ".py" and source.stat().st_mtime > built.stat().st_mtime:
            pytest.exit(f"{built.name} is older than {source.name}: run `pip install -e .` again", 2)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting leaks in from the developer's shell or a .env in the checkout."""
    for name in list(os.environ):
        if name.startswith("HASHBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def run_cli() -> CliRunner:
    """The real `hashbot` entry point, run in-process."""
    return _run_cli
