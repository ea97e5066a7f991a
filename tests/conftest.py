"""Shared fixtures: every test runs in an empty folder with no HASHBOT_* settings around it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from auxil.cli import CliRunner
from auxil.cli import run_cli as _run_cli


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
