"""Parse feed documents (RSS 0.9x/1.0/2.0, Atom, JSON Feed) into articles.

Pure: bytes in, :class:`ParsedFeed` out, or a :class:`~bot.errors.SourceFormatError` saying what
is wrong in words an operator understands. XML goes through feedparser, which copes with
real-world breakage (undeclared or wrong encodings, unescaped ampersands, bad dates); JSON Feed,
which feedparser 6.0 does not read, is parsed here.
"""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from xml.sax import SAXParseException

import feedparser

from bot.errors import SourceFormatError
from bot.models import Article

_BLOCK_TAGS = """address article aside blockquote br dd div dl dt figcaption figure footer
h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table td th tr ul"""
_BLOCKS = frozenset(_BLOCK_TAGS.split())
_SKIPPED = frozenset({"script", "style", "noscript", "template"})
_IMAGE_SUFFIX = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|\?)", re.IGNORECASE)
_JSON_FEED_VERSION = "https://jsonfeed.org/version/"


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's own title and link, and its items in document order (usually newest first)."""

    title: str | None
    link: str | None
    items: tuple[Article, ...]


class _TextExtractor(HTMLParser):
    """Visible text of an HTML fragment with paragraph breaks, and its first image."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.image: str | None = None
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "img" and self.image is None:
            self.image = dict(attrs).get("src") or None

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
    extractor = _TextExtractor()
    extractor.feed(fragment)
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).split("\n"))
    return "\n\n".join(line for line in lines if line), extractor.image


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


def _entry_image(entry: Mapping[str, Any], content_image: str | None) -> str | None:
    for media in entry.get("media_content", []):
        url = media.get("url", "")
        if url and _is_image(url, media.get("type", ""), media.get("medium", "")):
            return str(url)
    for thumbnail in entry.get("media_thumbnail", []):
        if thumbnail.get("url"):
            return str(thumbnail["url"])
    for enclosure in entry.get("enclosures", []):
        href = enclosure.get("href", "")
        if href and _is_image(href, enclosure.get("type", "")):
            return str(href)
    podcast_image = entry.get("image", {})
    if isinstance(podcast_image, Mapping) and podcast_image.get("href"):
        return str(podcast_image["href"])
    return content_image


def _text_of(detail: Mapping[str, Any] | None, value: str) -> str:
    kind = (detail or {}).get("type", "text/html")
    return html_to_text(value)[0] if "html" in kind else " ".join(value.split())


def _entry_article(entry: dict[str, Any], *, source: str, lang: str | None) -> Article | None:
    title = _text_of(entry.get("title_detail"), entry.get("title", "")) or None
    contents = entry.get("content") or []
    body = contents[0].get("value", "") if contents else ""
    summary_html = entry.get("summary", "")
    text, content_image = html_to_text(body or summary_html)
    summary = html_to_text(summary_html)[0] if body and summary_html else ""
    if not text and not title:
        return None
    link = entry.get("link") or None
    return Article(
        text=text or title or "",
        title=title,
        url=link,
        lang=_language(contents[0].get("language") if contents else None) or lang,
        image=_entry_image(entry, content_image),
        author=entry.get("author") or None,
        # dict.get: FeedParserDict maps a missing "updated" to "published" with a DeprecationWarning.
        published=_struct_time(dict.get(entry, "published_parsed"))
        or _struct_time(dict.get(entry, "updated_parsed")),
        summary=summary if summary and summary != text else None,
        categories=tuple(tag["term"] for tag in entry.get("tags", []) if tag.get("term")),
        source=source,
        id=(entry.get("id") or "").strip() or None,
    )


def _parse_xml(body: bytes, *, url: str, content_type: str, source: str) -> ParsedFeed:
    # A byte stream, never a string: feedparser treats strings as URLs or paths to open.
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-type": content_type or "application/xml", "content-location": url},
    )
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = ""
        if isinstance(problem, SAXParseException):
            # No line number: feedparser re-encodes the document first, which shifts lines.
            detail = f" (invalid XML: {problem.getMessage()})"
        raise SourceFormatError(source, f"is not an RSS or Atom feed{detail}")
    lang = _language(parsed.feed.get("language"))
    items = [_entry_article(entry, source=source, lang=lang) for entry in parsed.entries]
    return ParsedFeed(
        title=parsed.feed.get("title") or None,
        link=parsed.feed.get("link") or None,
        items=tuple(item for item in items if item is not None),
    )


def _json_item(item: Mapping[str, Any], *, source: str, lang: str | None) -> Article | None:
    def text(name: str) -> str:
        value = item.get(name)
        return value.strip() if isinstance(value, str) else ""

    body, content_image = html_to_text(text("content_html")) if text("content_html") else ("", None)
    body = body or text("content_text") or text("summary")
    title = text("title") or None
    if not body and not title:
        return None
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
    author = next((a.get("name") for a in authors if isinstance(a, dict) and a.get("name")), None)
    attachments = [a for a in item.get("attachments") or [] if isinstance(a, dict)]
    attached = next(
        (str(a["url"]) for a in attachments if a.get("url") and _is_image(a["url"], a.get("mime_type", ""))),
        None,
    )
    tags = item.get("tags")
    summary = text("summary")
    guid = str(item.get("id") or "").strip()
    return Article(
        text=body or title or "",
        title=title,
        url=text("url") or text("external_url") or None,
        lang=_language(item.get("language")) or lang,
        image=text("image") or text("banner_image") or attached or content_image,
        author=author,
        published=_iso_date(item.get("date_published")) or _iso_date(item.get("date_modified")),
        summary=summary if summary and summary != body else None,
        categories=tuple(str(tag) for tag in tags if isinstance(tag, str)) if isinstance(tags, list) else (),
        source=source,
        id=guid or None,
    )


def _parse_json_feed(body: bytes, *, source: str) -> ParsedFeed:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceFormatError(source, f"is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(_JSON_FEED_VERSION):
        raise SourceFormatError(source, "is JSON but not a JSON Feed (no jsonfeed.org version)")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise SourceFormatError(source, "is a JSON Feed without an 'items' list")
    lang = _language(data.get("language"))
    items = [_json_item(item, source=source, lang=lang) for item in raw_items if isinstance(item, dict)]
    return ParsedFeed(
        title=data.get("title") if isinstance(data.get("title"), str) else None,
        link=data.get("home_page_url") if isinstance(data.get("home_page_url"), str) else None,
        items=tuple(item for item in items if item is not None),
    )


def parse_feed(body: bytes, *, url: str, content_type: str = "", source: str | None = None) -> ParsedFeed:
    """Parse a feed document; raises SourceFormatError when it is empty or not a feed at all."""
    source = source or url
    if not body.strip():
        raise SourceFormatError(source, "is empty")
    if "json" in content_type.lower() or body.lstrip()[:1] == b"{":
        feed = _parse_json_feed(body, source=source)
    else:
        feed = _parse_xml(body, url=url, content_type=content_type, source=source)
    if not feed.items:
        raise SourceFormatError(source, "is a feed with no items")
    return feed
