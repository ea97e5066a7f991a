"""OPML 2.0 import and export of the feed list.

Standard attributes carry what every reader understands (``text``, ``xmlUrl``, ``category`` for
fixed tags, ``language``); hashbot's own settings (target chat, template, interval, filters) go in
attributes of the ``hashbot`` namespace, so an export imports back unchanged and other readers
ignore them. Folders of outlines are flattened. Documents with a DOCTYPE are refused: OPML never
needs one, and entity tricks (billion laughs) live there.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import datetime
from email.utils import format_datetime

from bot.errors import SourceFormatError
from bot.storage import DEFAULT_INTERVAL, FeedMedia, NewFeed

NAMESPACE = "https://hashbot.invalid/opml/1"
_NS = f"{{{NAMESPACE}}}"


def _tags(value: str | None) -> tuple[str, ...]:
    return tuple(tag.strip().strip("/") for tag in (value or "").split(",") if tag.strip().strip("/"))


def _terms(value: str | None, *, source: str) -> tuple[str, ...]:
    if not value:
        return ()
    try:
        terms = json.loads(value)
    except json.JSONDecodeError:
        terms = None
    if not isinstance(terms, list) or not all(isinstance(term, str) for term in terms):
        raise SourceFormatError(source, f"filter attribute {value!r} must be a JSON list of strings")
    return tuple(terms)


def _number(value: str | None, *, default: int | None, source: str) -> int | None:
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SourceFormatError(source, f"{value!r} is not a whole number") from None


def _media(value: str | None, *, source: str) -> FeedMedia:
    try:
        return FeedMedia(value or FeedMedia.ALL)
    except ValueError:
        raise SourceFormatError(source, f"media={value!r} is not none, first or all") from None


def _feed(outline: ET.Element, *, source: str) -> NewFeed:
    get = outline.get
    url = (get("xmlUrl") or "").strip()
    where = f"{source}: outline {url}"
    name = (get("title") or get("text") or "").strip()
    return NewFeed(
        url=url,
        name=name if name and name != url else None,
        chat=get(f"{_NS}chat") or None,
        topic=_number(get(f"{_NS}topic"), default=None, source=where),
        template=get(f"{_NS}template") or None,
        interval=_number(get(f"{_NS}interval"), default=DEFAULT_INTERVAL, source=where) or DEFAULT_INTERVAL,
        tags=_tags(get("category")),
        include=_terms(get(f"{_NS}include"), source=where),
        exclude=_terms(get(f"{_NS}exclude"), source=where),
        lang=get("language") or None,
        fetch_pages=get(f"{_NS}fetchPages") == "true",
        silent=get(f"{_NS}silent") == "true",
        media=_media(get(f"{_NS}media"), source=where),
        telegraph=get(f"{_NS}telegraph") == "true",
        edit_updates=get(f"{_NS}editUpdates") == "true",
        digest_at=_tags(get(f"{_NS}digestAt")),
        mastodon=get(f"{_NS}mastodon") == "true",
        enabled=get(f"{_NS}enabled") != "false",
    )


def parse_opml(data: bytes, *, source: str) -> list[NewFeed]:
    """The feeds of an OPML document, in document order; raises SourceFormatError."""
    if b"<!DOCTYPE" in data[:4096].upper():
        raise SourceFormatError(source, "has a DOCTYPE, which OPML does not use; refused for safety")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise SourceFormatError(source, f"is not valid XML: {exc}") from None
    if root.tag != "opml" or root.find("body") is None:
        raise SourceFormatError(source, "is not an OPML document (no <opml> with a <body>)")
    feeds = [_feed(outline, source=source) for outline in root.iter("outline") if outline.get("xmlUrl")]
    if not feeds:
        raise SourceFormatError(source, "lists no feeds (no outline has an xmlUrl)")
    return feeds


def to_opml(feeds: Iterable[NewFeed], *, now: datetime, title: str = "hashbot feeds") -> str:
    """An OPML 2.0 document listing `feeds` with all their hashbot settings."""
    ET.register_namespace("hashbot", NAMESPACE)
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(now)
    body = ET.SubElement(root, "body")
    for feed in feeds:
        attributes = {"type": "rss", "text": feed.name or feed.url, "xmlUrl": feed.url}
        if feed.name:
            attributes["title"] = feed.name
        if feed.tags:
            attributes["category"] = ",".join(feed.tags)
        if feed.lang:
            attributes["language"] = feed.lang
        own = {
            "chat": feed.chat,
            "topic": None if feed.topic is None else str(feed.topic),
            "template": feed.template,
            "interval": str(feed.interval),
            "include": json.dumps(feed.include, ensure_ascii=False) if feed.include else None,
            "exclude": json.dumps(feed.exclude, ensure_ascii=False) if feed.exclude else None,
            "fetchPages": "true" if feed.fetch_pages else None,
            "silent": "true" if feed.silent else None,
            "telegraph": "true" if feed.telegraph else None,
            "editUpdates": "true" if feed.edit_updates else None,
            "digestAt": ",".join(feed.digest_at) or None,
            "mastodon": "true" if feed.mastodon else None,
            "media": None if feed.media is FeedMedia.ALL else feed.media.value,
            "enabled": None if feed.enabled else "false",
        }
        attributes.update({f"{_NS}{name}": value for name, value in own.items() if value is not None})
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
