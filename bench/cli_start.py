"""Benchmark: what `hashbot tags FILE` costs on top of importing the tag engine.

    .venv/bin/python bench/cli_start.py [--runs 7] [--before DIR] [FILE]

Each run starts two fresh processes, one after the other: the baseline
``python -c "import bot.hashtags"`` (the engine and its language libraries, nothing else) and
``python -m bot tags FILE`` (settings, the parser, reading the article, tagging it, printing the
tags). Wall time is measured around each process; CPU time (user + system) and peak memory are that
process's own, from ``os.wait4``: CPU time is what the machine's other work inflates least. Runs
alternate so a busy machine slows both alike; the table gives the median and the range. FILE
defaults to the bundled seed article.

Each tree's ``bot`` package is byte-compiled first (``compileall``), as ``pip install`` does for an
installed hashbot: otherwise a checkout run with ``PYTHONDONTWRITEBYTECODE=1`` (or from a read-only
folder) compiles every module it imports, on every start. ``--from-source`` measures that case
instead: the trees' compiled files are moved aside for the run (and put back).

``--before DIR`` adds, to every run, ``tags FILE`` of the checkout in DIR (another tree of this
repository, run from its own folder so it imports its own ``bot``): a before/after comparison in one session,
under the same load. Give DIR the compiled tag engine too (copy ``bot/hashtags/*.so``) when its
``bot/hashtags`` is the same as here, or both trees do not run the same engine.

`tags` is run as in a fresh checkout, with no database: ``HASHBOT_DATABASE`` names a file that
does not exist, so it tags with the engine alone (with a database it also reads the chat's
vocabulary, whatever the folder's ``hashbot.sqlite3`` holds). ``--database PATH`` measures with
that database instead.

``--stages`` then shows, in one more fresh process, where a `tags` run spends its time and memory
step by step (peak RSS after each): the imports, settings, the first language detection,
tagging (with whatever data its language loads: a tagger model, or a lemma dictionary).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "articles" / "seed_article_fr.txt"


#: The steps of `hashbot tags FILE`, one at a time, in a fresh interpreter.
_STAGES = """
import resource, sys, time
def step(name, start=[time.perf_counter()]):
    now = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {name:<34} {now - start[0]:6.3f} s   peak {peak:5.1f} MB")
    start[0] = now
import bot.hashtags; step("import bot.hashtags (the baseline)")
import bot.cli, bot.cli._tags; step("import bot.cli and `tags`")
from bot.app import tag_options
from bot.config import load_settings
options = tag_options(load_settings(None)); step("settings (pydantic-settings)")
from bot.ingest import load_sources
[article] = load_sources([sys.argv[1]]); step("read the article")
from bot.hashtags.language import detect_language
lang = article.lang or detect_language(article.text); step(f"detect the language ({lang})")
bot.hashtags.extract_tags(article, options); step("tag it (with its language data)")
"""


@dataclass(frozen=True)
class Sample:
    seconds: float
    cpu_seconds: float
    peak_mb: float


def measure(command: list[str], *, tree: Path | None = None, env: dict[str, str] | None = None) -> Sample:
    """One run of ``command`` in a fresh process, its output discarded; fails loudly if it fails.

    With `tree`, it runs in that checkout, so ``python -m bot`` imports that tree's ``bot``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=tree or ROOT, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(seconds=seconds, cpu_seconds=cpu, peak_mb=usage.ru_maxrss / 1024)


@contextmanager
def bytecode(trees: Sequence[Path], *, compiled: bool) -> Iterator[str]:
    """Each tree's `bot` byte-compiled, as an installed package is; or, not `compiled`, with its
    compiled files moved aside until the measures are done. Yields how the trees were measured."""
    if compiled:
        for tree in trees:
            compileall.compile_dir(tree / "bot", quiet=1)
        yield "byte-compiled first (as pip install does)"
        return
    caches = [cache for tree in trees for cache in (tree / "bot").rglob("__pycache__")]
    aside = [cache.with_name("__pycache__.aside") for cache in caches]
    for cache, moved in zip(caches, aside, strict=True):
        cache.rename(moved)
    try:
        yield "from source: every module compiled at each start"
    finally:
        for cache, moved in zip(caches, aside, strict=True):
            moved.rename(cache)


def summary(label: str, samples: list[Sample]) -> str:
    seconds = sorted(sample.seconds for sample in samples)
    cpu = sorted(sample.cpu_seconds for sample in samples)
    peaks = sorted(sample.peak_mb for sample in samples)
    return (
        f"{label:<34} {statistics.median(seconds):6.3f} s ({seconds[0]:.3f}–{seconds[-1]:.3f})"
        f"  CPU {statistics.median(cpu):6.3f} s ({cpu[0]:.3f}–{cpu[-1]:.3f})"
        f"  {statistics.median(peaks):5.1f} MB ({peaks[0]:.1f}–{peaks[-1]:.1f})"
    )


def against_baseline(label: str, baseline: list[Sample], samples: list[Sample]) -> str:
    """The run-by-run extra time and ratios of `samples` over the baseline, as medians."""
    pairs = list(zip(baseline, samples, strict=True))
    extra = [t.seconds - b.seconds for b, t in pairs]
    extra_cpu = [t.cpu_seconds - b.cpu_seconds for b, t in pairs]
    time_ratio = statistics.median(t.seconds / b.seconds for b, t in pairs)
    memory_ratio = statistics.median(t.peak_mb / b.peak_mb for b, t in pairs)
    return (
        f"{label} - baseline: {statistics.median(extra):+.3f} s median ({min(extra):+.3f} to "
        f"{max(extra):+.3f}), CPU {statistics.median(extra_cpu):+.3f} s; {time_ratio:.2f}x the time, "
        f"{memory_ratio:.2f}x the peak memory"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=SEED)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--stages", action="store_true", help="also time each step of one run")
    parser.add_argument("--before", type=Path, metavar="DIR", help="also time `tags` of the tree in DIR")
    parser.add_argument(
        "--from-source", action="store_true", help="measure without compiled bytecode (see above)"
    )
    parser.add_argument(
        "--database", type=Path, metavar="PATH", help="run `tags` with this HASHBOT_DATABASE (default: none)"
    )
    args = parser.parse_args()
    trees = [ROOT, *([args.before] if args.before else [])]
    with bytecode(trees, compiled=not args.from_source) as how:
        measured(args, how)


def measured(args: argparse.Namespace, how: str) -> None:
    load_at_start = os.getloadavg()[0]
    baseline_command = [sys.executable, "-c", "import bot.hashtags"]
    tags_command = [sys.executable, "-m", "bot", "tags", str(args.file)]
    database = args.database or Path(tempfile.gettempdir()) / f"no-such-{os.getpid()}" / "hashbot.sqlite3"
    env = {**os.environ, "HASHBOT_DATABASE": str(database.resolve())}
    measure(baseline_command)  # a first start warms the file cache for all
    measure(tags_command, env=env)
    if args.before:
        measure(tags_command, tree=args.before, env=env)
    baseline: list[Sample] = []
    tags: list[Sample] = []
    before: list[Sample] = []
    for _ in range(args.runs):
        baseline.append(measure(baseline_command))
        tags.append(measure(tags_command, env=env))
        if args.before:
            before.append(measure(tags_command, tree=args.before, env=env))
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    load = f"{load_at_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end"
    print(f"{args.runs} runs, Python {python}, file {args.file.name}, bytecode {how}")
    print(f"load average (1 min): {load}; database: {args.database or 'none'}")
    print(summary('python -c "import bot.hashtags"', baseline))
    print(summary("hashbot tags FILE", tags))
    if before:
        print(summary(f"hashbot tags FILE ({args.before.name})", before))
    print(against_baseline("tags", baseline, tags))
    if before:
        print(against_baseline(f"tags ({args.before.name})", baseline, before))

    if args.stages:
        print("stages of one run:")
        subprocess.run([sys.executable, "-c", _STAGES, str(args.file)], check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
