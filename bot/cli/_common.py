"""What every command shares: the streams, exit codes, loading sources, opening the store.

Every command imports this module, so it imports only what all of them need: readers of
articles, the HTTP fetcher, the pipeline and the store load with the helper that uses them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot import app
from bot.errors import HashbotError, IngestError, UnexpectedError

if TYPE_CHECKING:
    from bot.chat_vocabulary import ChatVocabulary
    from bot.config import Settings
    from bot.ingest import Loaded
    from bot.models import Article
    from bot.pipeline import RunReport
    from bot.storage import Store

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
#: 128 + SIGPIPE: what a shell reports for a filter whose reader closed the pipe.
EXIT_BROKEN_PIPE = 141
DEFAULT_ENV_FILE = Path(".env")


class Console:
    """Standard streams, injectable so tests run the real entry point in-process."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None, stdin: Any = None) -> None:
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.stdin = stdin if stdin is not None else sys.stdin.buffer

    def error(self, message: object) -> None:
        print(f"hashbot: error: {message}", file=self.err)

    def warn(self, message: object) -> None:
        print(f"hashbot: warning: {message}", file=self.err)

    def discard_out(self) -> None:
        """The reader of standard output is gone: what is still buffered, and any later write
        (the interpreter's own flush at exit included), goes to /dev/null instead of failing again."""
        with suppress(OSError, ValueError):  # not a real file (tests pass a StringIO)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.out.fileno())
            os.close(devnull)


class Progress:
    """One status line redrawn in place on a terminal; nothing at all when the stream is piped.

    Call :meth:`clear` before printing anything else, so output lines never mix with it.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        isatty = getattr(stream, "isatty", None)
        self.enabled = bool(isatty and isatty())
        self._shown = False

    def show(self, text: str) -> None:
        if self.enabled:
            # The cursor goes back to the line's start, so a log line written meanwhile
            # overwrites the progress instead of being glued to its end.
            self._stream.write(f"\r\x1b[K{text}\r")
            self._stream.flush()
            self._shown = True

    def clear(self) -> None:
        if self._shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._shown = False


def load(sources: Sequence[str], settings: Settings, console: Console) -> list[Loaded]:
    """Every source's articles; web addresses are fetched first, all at once, through the
    fetcher the bot uses (`app.open_fetcher`: the same limits, one client for the command).

    The HTTP client (and httpx with it) is loaded only when there is an address to fetch.
    """
    from bot.ingest import is_web_address, load_sources

    urls = [source for source in sources if is_web_address(source)]
    pages = _fetch_pages(settings, urls) if urls else {}
    return list(load_sources(sources, stdin=console.stdin, pages=pages))


def _fetch_pages(settings: Settings, urls: Sequence[str]) -> dict[str, Article | IngestError]:
    import asyncio

    from bot.ingest.pages import fetch_articles

    async def fetch_all() -> dict[str, Article | IngestError]:
        async with app.open_fetcher(settings) as fetcher:
            return await fetch_articles(fetcher, urls)

    return asyncio.run(fetch_all())


def failure_status(errors: Iterable[HashbotError]) -> int:
    """0 with no errors; 3 when one was a bug; else 1: some input could not be handled."""
    found = list(errors)
    if any(isinstance(error, UnexpectedError) for error in found):
        return EXIT_BUG
    return EXIT_FAILED if found else EXIT_OK


def exit_code(report: RunReport, console: Console) -> int:
    """0 when every article went through; 1 when one failed or there were none at all; 3: a bug."""
    if not report.receipts and report.ok:
        console.error("no articles found")
        return EXIT_FAILED
    return failure_status(report.errors)


@contextmanager
def open_db(settings: Settings) -> Iterator[Store]:
    """The store at HASHBOT_DATABASE, closed when the command is done."""
    with closing(app.open_state(settings)) as store:
        yield store


def chat_vocabulary(settings: Settings, chat: str | None, console: Console) -> ChatVocabulary:
    """`chat`'s vocabulary and the admins' rules (default chat: HASHBOT_CHANNEL), read from the
    database as the chat's next post would be tagged; none when there is no database yet (none is
    created) or it cannot be read (a warning says so, and the command goes on)."""
    from bot.chat_vocabulary import NO_VOCABULARY
    from bot.clock import utcnow
    from bot.storage import is_database_url

    if not is_database_url(settings.database) and not Path(settings.database).exists():
        return NO_VOCABULARY
    from bot.vocabulary import VocabularyCache

    try:
        with open_db(settings) as store:
            vocabularies = VocabularyCache(
                store, days=settings.vocabulary_days, blocked=settings.tag_blocklist
            )
            return vocabularies(chat or settings.channel, now=utcnow())
    except HashbotError as exc:
        console.warn(f"{exc}; tagging without the channel's vocabulary")
        return NO_VOCABULARY
