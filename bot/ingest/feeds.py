"""Parse feed documents (RSS 0.9x/1.0/2.0, Atom, JSON Feed) into articles.

Pure: bytes in, :class:`ParsedFeed` out, or a :class:`~bot.errors.SourceFormatError` saying what
is wrong in words an operator understands. XML goes through feedparser, which copes with
real-world breakage (undeclared or wrong encodings, unescaped ampersands, bad dates); JSON Feed,
which feedparser 6.0 does not read, is parsed here. feedparser is imported by the one function
that calls it: reading a `.txt` article or a JSON Feed never pays for it.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from xml.sax import SAXParseException

from bot.errors import SourceFormatError
from bot.ingest.untrusted import (
    clean_article,
    drop_invalid_charrefs,
    drop_invalid_charrefs_bytes,
    kind_of,
    load_json,
)
from bot.models import Article

logger = logging.getLogger(__name__)

_BLOCK_TAGS = """address article aside blockquote br dd div dl dt figcaption figure footer
h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table td th tr ul"""
_BLOCKS = frozenset(_BLOCK_TAGS.split())
_SKIPPED = frozenset({"script", "style", "noscript", "template"})
_IMAGE_SUFFIX = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|\?)", re.IGNORECASE)
_VIDEO_SUFFIX = re.compile(r"\.(?:mp4|m4v|mov|webm)(?:$|\?)", re.IGNORECASE)
_JSON_FEED_VERSION = "https://jsonfeed.org/version/"


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's own title and link, and its items in document order (usually newest first)."""

    title: str | None
    link: str | None
    items: tuple[Article, ...]


class _TextExtractor(HTMLParser):
    """Visible text of an HTML fragment with paragraph breaks, and its images."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "img" and (src := dict(attrs).get("src")):
            self.images.append(src)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self._skipping:
            self._skipping -= 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> tuple[str, str | None]:
    """Plain text of an HTML fragment (paragraphs kept apart) and the first image it shows."""
    text, images = html_to_text_and_images(fragment)
    return text, images[0] if images else None


def html_to_text_and_images(fragment: str) -> tuple[str, tuple[str, ...]]:
    """Plain text of an HTML fragment (paragraphs kept apart) and every image it shows, in order."""
    extractor = _TextExtractor()
    extractor.feed(drop_invalid_charrefs(fragment))
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).split("\n"))
    return "\n\n".join(line for line in lines if line), tuple(extractor.images)


def _struct_time(value: Any) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def _iso_date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _language(value: Any) -> str | None:
    """``en-US`` → ``en``: tag extraction wants the language, not the region."""
    if not isinstance(value, str) or not value.strip():
        return None
    return re.split(r"[-_]", value.strip())[0].lower() or None


def _is_image(url: str, mime: str, medium: str = "") -> bool:
    return medium == "image" or mime.startswith("image/") or (not mime and bool(_IMAGE_SUFFIX.search(url)))


def _is_video(url: str, mime: str, medium: str = "") -> bool:
    return medium == "video" or mime.startswith("video/") or (not mime and bool(_VIDEO_SUFFIX.search(url)))


def _unique(urls: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(url for url in urls if url))


def _entry_images(entry: Mapping[str, Any], content_images: tuple[str, ...]) -> tuple[str, ...]:
    """Every image of an item: its media (a ``media:group`` is flattened by feedparser), image
    enclosures, then the images in its text; a thumbnail or a podcast's cover only when none."""
    media = [
        str(item.get("url", ""))
        for item in entry.get("media_content", [])
        if item.get("url") and _is_image(item["url"], item.get("type", ""), item.get("medium", ""))
    ]
    enclosures = [
        str(item.get("href", ""))
        for item in entry.get("enclosures", [])
        if item.get("href") and _is_image(item["href"], item.get("type", ""))
    ]
    found = _unique([*media, *enclosures, *content_images])
    if found:
        return found
    fallback = [str(item.get("url", "")) for item in entry.get("media_thumbnail", [])]
    podcast_image = entry.get("image", {})
    if isinstance(podcast_image, Mapping) and podcast_image.get("href"):
        fallback.append(str(podcast_image["href"]))
    return _unique(fallback)[:1]


def _entry_video(entry: Mapping[str, Any]) -> str | None:
    for item in entry.get("media_content", []):
        if item.get("url") and _is_video(item["url"], item.get("type", ""), item.get("medium", "")):
            return str(item["url"])
    for item in entry.get("enclosures", []):
        if item.get("href") and _is_video(item["href"], item.get("type", "")):
            return str(item["href"])
    return None


def _text_of(detail: Mapping[str, Any] | None, value: str) -> str:
    kind = (detail or {}).get("type", "text/html")
    return html_to_text(value)[0] if "html" in kind else " ".join(value.split())


def _string(value: object) -> str:
    """A text field of feedparser's entry, or "": on nested or empty elements it gives None."""
    return value if isinstance(value, str) else ""


def _entry_article(entry: dict[str, Any], *, source: str, lang: str | None) -> Article | None:
    title = _text_of(entry.get("title_detail"), _string(entry.get("title"))) or None
    contents = entry.get("content") or []
    body = _string(contents[0].get("value")) if contents else ""
    summary_html = _string(entry.get("summary"))
    text, content_images = html_to_text_and_images(body or summary_html)
    summary = html_to_text(summary_html)[0] if body and summary_html else ""
    if not text and not title:
        return None
    link = entry.get("link") or None
    images = _entry_images(entry, content_images)
    article = Article(
        text=text or title or "",
        title=title,
        url=link,
        lang=_language(contents[0].get("language") if contents else None) or lang,
        image=images[0] if images else None,
        images=images,
        video=_entry_video(entry),
        author=entry.get("author") or None,
        # dict.get: FeedParserDict maps a missing "updated" to "published" with a DeprecationWarning.
        published=_struct_time(dict.get(entry, "published_parsed"))
        or _struct_time(dict.get(entry, "updated_parsed")),
        summary=summary if summary and summary != text else None,
        categories=tuple(tag["term"] for tag in entry.get("tags", []) if tag.get("term")),
        source=source,
        id=(entry.get("id") or "").strip() or None,
    )
    return clean_article(article)


def _parse_xml(body: bytes, *, url: str, content_type: str, source: str) -> ParsedFeed:
    import feedparser

    # A byte stream, never a string: feedparser treats strings as URLs or paths to open. References
    # to characters that cannot exist go first: feedparser's own fallback parser crashes on them.
    try:
        parsed = feedparser.parse(
            io.BytesIO(drop_invalid_charrefs_bytes(body)),
            response_headers={"content-type": content_type or "application/xml", "content-location": url},
        )
    except (LookupError, AttributeError) as exc:
        # Seen by the fuzzing harness: feedparser's loose parser looks up handlers and keys that a
        # malformed tree lacks (KeyError('tags'), no end_category). A broken feed, not our bug;
        # anything else from in there still surfaces as one.
        problem = f"{type(exc).__name__}: {exc}"
        raise SourceFormatError(source, f"is too broken for the feed parser ({problem})") from exc
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = ""
        if isinstance(problem, SAXParseException):
            # No line number: feedparser re-encodes the document first, which shifts lines.
            detail = f" (invalid XML: {problem.getMessage()})"
        raise SourceFormatError(source, f"is not an RSS or Atom feed{detail}")
    lang = _language(parsed.feed.get("language"))
    items = [_entry_article(entry, source=source, lang=lang) for entry in parsed.entries]
    feed = ParsedFeed(
        title=parsed.feed.get("title") or None,
        link=parsed.feed.get("link") or None,
        items=tuple(item for item in items if item is not None),
    )
    return _usable(feed, entries=len(parsed.entries), source=source)


class _Fields:
    """A JSON object of a stranger's feed, read by type.

    JSON Feed is loosely written in the wild: a field of the wrong type (``"authors": 5``) is
    ignored with a warning naming the feed, the item and the field, and the rest is still read.
    """

    def __init__(self, data: Mapping[str, Any], *, where: str) -> None:
        self._data = data
        self.where = where

    def _typed(self, name: str, kind: type | tuple[type, ...], expected: str) -> Any:
        value = self._data.get(name)
        if value is None or (isinstance(value, kind) and not isinstance(value, bool)):
            return value
        logger.warning("%s: '%s' is %s, not %s; ignored", self.where, name, kind_of(value), expected)
        return None

    def text(self, name: str) -> str:
        value = self._typed(name, str, "a string")
        return value.strip() if value else ""

    def identifier(self, name: str) -> str:
        value = self._typed(name, (str, int), "a string")
        return str(value).strip() if value is not None else ""

    def strings(self, name: str) -> tuple[str, ...]:
        values = self._typed(name, list, "a list of strings") or []
        return tuple(value for value in values if isinstance(value, str))

    def objects(self, name: str) -> list[_Fields]:
        """The objects of a list field; an element that is no object is skipped."""
        values = self._typed(name, list, "a list of objects") or []
        where = f"{self.where}: '{name}'"
        return [
            _Fields(value, where=f"{where} {n}")
            for n, value in enumerate(values, 1)
            if isinstance(value, dict)
        ]

    def object(self, name: str) -> _Fields | None:
        value = self._typed(name, dict, "an object")
        return _Fields(value, where=f"{self.where}: '{name}'") if value is not None else None


def _json_item(item: _Fields, *, source: str, lang: str | None) -> Article | None:
    content_html = item.text("content_html")
    body, content_images = html_to_text_and_images(content_html) if content_html else ("", ())
    summary = item.text("summary")
    body = body or " ".join(item.text("content_text").split()) or summary
    title = item.text("title") or None
    if not body and not title:
        return None
    single = item.object("author")  # JSON Feed 1.0; 1.1 has "authors"
    authors = item.objects("authors") or ([single] if single else [])
    author = next((name for name in (a.text("name") for a in authors) if name), None)
    attachments = [(a.text("url"), a.text("mime_type")) for a in item.objects("attachments")]
    attached = [url for url, mime in attachments if url and _is_image(url, mime)]
    video = next((url for url, mime in attachments if url and _is_video(url, mime)), None)
    images = _unique([item.text("image") or item.text("banner_image"), *attached, *content_images])
    article = Article(
        text=body or title or "",
        title=title,
        url=item.text("url") or item.text("external_url") or None,
        lang=_language(item.text("language")) or lang,
        image=images[0] if images else None,
        images=images,
        video=video,
        author=author,
        published=_iso_date(item.text("date_published")) or _iso_date(item.text("date_modified")),
        summary=summary if summary and summary != body else None,
        categories=item.strings("tags"),
        source=source,
        id=item.identifier("id") or None,
    )
    return clean_article(article)


def is_json_feed(data: Any) -> bool:
    """True for a parsed JSON document that declares itself a JSON Feed."""
    version = data.get("version") if isinstance(data, dict) else None
    return isinstance(version, str) and version.startswith(_JSON_FEED_VERSION)


def json_feed(data: Any, *, source: str) -> ParsedFeed:
    """The items of a parsed JSON Feed document (a fetched feed, or a saved `.json` file)."""
    if not is_json_feed(data):
        raise SourceFormatError(source, "is JSON but not a JSON Feed (no jsonfeed.org version)")
    raw_items = data.get("items")
    if raw_items is None:
        raise SourceFormatError(source, "is a JSON Feed without an 'items' list")
    if not isinstance(raw_items, list):
        raise SourceFormatError(source, f"is a JSON Feed whose 'items' is {kind_of(raw_items)}, not a list")
    fields = _Fields(data, where=source)
    lang = _language(fields.text("language"))
    items = [
        _json_item(_Fields(raw, where=f"{source}: item {number}"), source=source, lang=lang)
        for number, raw in enumerate(raw_items, start=1)
        if isinstance(raw, dict)
    ]
    feed = ParsedFeed(
        title=fields.text("title") or None,
        link=fields.text("home_page_url") or None,
        items=tuple(item for item in items if item is not None),
    )
    return _usable(feed, entries=len(raw_items), source=source)


def _usable(feed: ParsedFeed, *, entries: int, source: str) -> ParsedFeed:
    """`feed` when it has an item to post; else a message saying whether it had any at all."""
    if feed.items:
        return feed
    if entries:
        count = "1 item" if entries == 1 else f"{entries} items"
        raise SourceFormatError(source, f"is a feed of {count}, but none has a title or text")
    raise SourceFormatError(source, "is a feed with no items")


def _parse_json_feed(body: bytes, *, source: str) -> ParsedFeed:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(source, f"is not valid JSON: not UTF-8 (byte offset {exc.start})") from None
    return json_feed(load_json(text, source=source), source=source)


def parse_feed(body: bytes, *, url: str, content_type: str = "", source: str | None = None) -> ParsedFeed:
    """Parse a feed document; raises SourceFormatError when it is empty or not a feed at all."""
    source = source or url
    if not body.strip():
        raise SourceFormatError(source, "is empty")
    if "json" in content_type.lower() or body.lstrip()[:1] == b"{":
        return _parse_json_feed(body, source=source)
    return _parse_xml(body, url=url, content_type=content_type, source=source)
