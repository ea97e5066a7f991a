"""Deferred imports: a package's parts load with their first name, a library's unused import with
its first use, and either way the names are the real ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from auxil.paths import REPO

from bot.lazy import on_first_use


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`costly` (slow to import, maybe never used) and `library`, which imports it at its top."""
    (tmp_path / "costly.py").write_text("IMPORTS = []\nIMPORTS.append(1)\n\ndef work():\n    return 42\n")
    (tmp_path / "library.py").write_text("import costly\n\ndef uses_it():\n    return costly.work()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("costly", "library"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    return tmp_path


def test_a_module_imported_on_first_use_loads_when_used(library: Path) -> None:
    with on_first_use("costly"):
        import library
    assert "costly" not in sys.modules  # nobody has used it yet
    assert library.uses_it() == 42
    import costly

    assert sys.modules["costly"] is costly and costly.IMPORTS == [1]  # imported once, for real
    assert library.costly.work is costly.work


def test_a_module_imported_after_the_block_is_the_real_one(library: Path) -> None:
    with on_first_use("costly"):
        import library
    import costly

    assert type(costly).__name__ == "module" and costly.IMPORTS == [1]
    assert library.uses_it() == 42 and costly.IMPORTS == [1]


def test_an_imported_module_is_left_alone(library: Path) -> None:
    import costly

    with on_first_use("costly"):
        import library
    assert library.costly is costly


_PROBE = """
import sys
import bot.render, bot.config
import pydantic_settings.main
loaded = lambda: sorted(name for name in sys.modules if name.startswith("bot.render.") or name == "asyncio")
print(loaded())
bot.render.CAPTION_LENGTH
print(loaded())
run = pydantic_settings.main.asyncio.run
import asyncio
print(run is asyncio.run, "Renderer" in dir(bot.render), loaded())
"""


def test_settings_and_the_caption_limit_load_only_what_they_use() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=REPO / "tests", check=True
    )
    assert done.stdout.splitlines() == [
        "[]",  # neither asyncio (pydantic-settings imports it) nor a part of the renderer
        "['bot.render._limits', 'bot.render._markup']",
        "True True ['asyncio', 'bot.render._limits', 'bot.render._markup']",
    ]
    with pytest.raises(AttributeError, match="has no attribute 'Nothing'"):
        import bot.render

        bot.render.Nothing  # noqa: B018
