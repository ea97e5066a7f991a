"""feedparser's own test corpus (BSD-2-Clause, its LICENSE inside the archive) as hostile input.

Every one of its 2,100-odd feeds goes through `hashbot preview` in-process, and a sample through
`hashbot feeds poll` from the local server: each gives posts or one error line naming its file,
never a bug (exit status 3) or an exception out of the command.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from auxil.cli import CliRunner
from auxil.feedserver import FeedServer, Route

#: In the project's shared data folder, in a folder above the repository (or its worktree).
ARCHIVE = next(
    (
        found
        for folder in Path(__file__).resolve().parents
        if (found := folder / "shared" / "data" / "hostile" / "feedparser-tests.tar.gz").is_file()
    ),
    Path("shared/data/hostile/feedparser-tests.tar.gz"),
)
#: Every how-many-th file of the corpus is also polled as a feed.
POLL_EVERY = 50


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if not ARCHIVE.is_file():
        pytest.skip(f"{ARCHIVE} is not here (the shared data folder of the project)")
    folder = tmp_path_factory.mktemp("feedparser")
    with tarfile.open(ARCHIVE) as archive:
        archive.extractall(folder, filter="data")
    yield folder / "tests"


def _files(corpus: Path) -> list[Path]:
    return sorted(path for path in corpus.rglob("*") if path.suffix in (".xml", ".json"))


def test_every_file_through_preview(run_cli: CliRunner, corpus: Path) -> None:
    files = _files(corpus)
    assert len(files) > 2000
    result = run_cli("preview", "--format", "json", str(corpus))
    assert result.code == 1  # some of the corpus is not a feed, on purpose
    errors = result.err.splitlines()
    assert all(line.startswith(f"hashbot: error: {corpus}/") for line in errors), errors[:3]
    assert not [line for line in errors if "a bug in hashbot" in line]
    named = {line.removeprefix("hashbot: error: ").split(": ")[0] for line in errors}
    posts = result.out.count('"template"')
    assert posts > 400 and len(named) + posts >= len(files)


def test_a_sample_through_feeds_poll(run_cli: CliRunner, corpus: Path) -> None:
    sample = _files(corpus)[::POLL_EVERY]
    with FeedServer() as server:
        for number, path in enumerate(sample):
            server.routes[f"/{number}"] = Route(path.read_bytes(), content_type="application/xml")
            assert run_cli("feeds", "add", server.url(f"/{number}")).code == 0
        result = run_cli("feeds", "poll")
    lines = result.out.splitlines()
    assert result.code in (0, 1), result.err
    assert len(lines) == len(sample)
    assert all(": updated" in line or ": failed: " in line for line in lines), lines
    assert "a bug in hashbot" not in result.out
