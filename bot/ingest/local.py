"""Read articles from local files (feed files included), folders, standard input and fetched pages.

Every source is read on its own: a file that cannot be read becomes an
:class:`~bot.errors.IngestError` in the stream, a bug met while reading it an
:class:`~bot.errors.UnexpectedError`, and the sources after it still come.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from bot.errors import HashbotError, IngestError, SourceFormatError, UnexpectedError
from bot.ingest import formats
from bot.models import Article

logger = logging.getLogger(__name__)

STDIN = "-"
FEED_SUFFIXES = (".xml", ".rss", ".atom")
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", *FEED_SUFFIXES)
_MAX_BYTES = 20 * 1024 * 1024
#: How much of a `.txt` or `.md` article is read: the rest of a larger file is left out.
TEXT_BUDGET = 1024 * 1024
_PROSE_SUFFIXES = (".txt", ".md", ".markdown")

#: What reading a source gives: an article, or the error that stands in its place.
Loaded = Article | HashbotError


#: One http(s) address and nothing else: no spaces, so "https://… and some text" is text.
_WEB_ADDRESS = re.compile(r"https?://\S+", re.IGNORECASE)


def is_web_address(name: str) -> bool:
    """Whether `name` is a web address to fetch: the one test every source, command and feed uses."""
    return _WEB_ADDRESS.fullmatch(name) is not None


def decode_text(raw: bytes, *, source: str) -> str:
    """Decode UTF-8 (or BOM-marked UTF-16) text, refusing binary data with a clear message."""
    utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and b"\x00" in raw[:8192]:
        raise SourceFormatError(source, "looks like a binary file, not text")
    encoding = "UTF-16" if utf16 else "UTF-8"
    try:
        text = raw.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(
            source,
            f"is not {encoding} text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "convert it, e.g. with iconv -t utf-8",
        ) from None
    if not text.strip():
        raise SourceFormatError(source, "is empty")
    return text


def _sniff(raw: bytes) -> str:
    """Guess the format of standard input from its first characters."""
    head = raw.lstrip()[:200].lower()
    if head.startswith((b"{", b"[")):
        return ".jsonl" if raw.strip().count(b"\n") and head.startswith(b"{") else ".json"
    if head.startswith((b"<!doctype html", b"<html", b"<")):
        return ".html"
    if head.startswith((b"---", b"# ")):
        return ".md"
    return ".txt"


def parse_bytes(raw: bytes, *, suffix: str, source: str) -> Iterator[Loaded]:
    """Parse the bytes of one source according to its file suffix."""
    try:
        if suffix in (".html", ".htm"):
            if not raw.strip():
                raise SourceFormatError(source, "is empty")
            yield formats.parse_html(raw, source=source)
            return
        if suffix in FEED_SUFFIXES:
            from bot.ingest.feeds import parse_feed  # a .txt or .md article needs no feed parser

            yield from parse_feed(raw, url=source, source=source).items
            return
        text = decode_text(raw, source=source)
        if suffix == ".jsonl":
            yield from formats.iter_json_lines(text, source=source)
        elif suffix == ".json":
            yield from formats.parse_json(text, source=source)
        elif suffix in (".md", ".markdown"):
            yield formats.parse_markdown(text, source=source)
        else:
            yield formats.parse_text(text, source=source)
    except IngestError as exc:
        yield exc


def _read_file(path: Path) -> Iterator[Loaded]:
    source = str(path)
    try:
        if path.stat().st_size > _MAX_BYTES:
            yield SourceFormatError(source, f"is larger than {_MAX_BYTES // (1024 * 1024)} MB")
            return
        suffix = path.suffix.lower()
        raw = _read_text_head(path, source=source) if suffix in _PROSE_SUFFIXES else path.read_bytes()
    except OSError as exc:
        yield IngestError(source, f"cannot be read: {exc.strerror or exc}")
        return
    yield from parse_bytes(raw, suffix=suffix, source=source)


def _read_text_head(path: Path, *, source: str) -> bytes:
    """A plain-text or Markdown file, or, past :data:`TEXT_BUDGET`, its head and its tag line.

    No news article is a megabyte long; tagging and rendering a 20 MB one would take ten times
    its size in memory. The head is cut at a line end (always a character boundary in UTF-8), and
    a last line of hashtags is kept, since it is the source's tags.
    """
    size = path.stat().st_size
    with path.open("rb") as file:
        head = file.read(TEXT_BUDGET)
        if size <= TEXT_BUDGET or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return head + file.read()
        file.seek(max(size - 4096, TEXT_BUDGET))
        last_line = file.read().rstrip().rpartition(b"\n")[2]
    logger.warning("%s: %s; only its first %s are read", source, _megabytes(size), _megabytes(TEXT_BUDGET))
    head = head[: head.rfind(b"\n") + 1] or head
    return head + (b"\n" + last_line if last_line.lstrip().startswith(b"#") else b"")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _expand(name: str) -> Iterator[Path | IngestError]:
    path = Path(name)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        if not files:
            yield IngestError(name, f"folder has no article files ({', '.join(SUFFIXES)})")
        yield from files
    elif "://" in name:
        yield IngestError(name, "only http:// and https:// web addresses can be read")
    elif path.exists() and path.suffix.lower() not in SUFFIXES:
        yield SourceFormatError(name, f"unsupported file type; expected one of {', '.join(SUFFIXES)}")
    else:
        yield path


def load_sources(
    names: Iterable[str], *, stdin: BinaryIO | None = None, pages: Mapping[str, Loaded] | None = None
) -> Iterator[Loaded]:
    """Articles from each named file, folder, ``-`` or web address, in order, an error per failure.

    Web pages are fetched beforehand by the caller (concurrently, through the HTTP adapter) and
    passed in as `pages`, so this stays a plain iterator the pipeline consumes.
    """
    for name in names:
        try:
            yield from _load_one(name, stdin=stdin, pages=pages or {})
        except Exception as exc:  # a bug on one source must not take the others' output with it
            logger.debug("%s: unexpected error while reading", name, exc_info=True)
            yield UnexpectedError(name, exc)


def _load_one(name: str, *, stdin: BinaryIO | None, pages: Mapping[str, Loaded]) -> Iterator[Loaded]:
    if is_web_address(name):
        yield pages.get(name) or IngestError(name, "web pages cannot be fetched by this command")
    elif name == STDIN:
        if stdin is None:
            yield IngestError(STDIN, "standard input is not available")
            return
        raw = stdin.read()
        yield from parse_bytes(raw, suffix=_sniff(raw), source="<stdin>")
    else:
        for item in _expand(name):
            if isinstance(item, IngestError):
                yield item
            else:
                yield from _read_file(item)
