"""Feed autodiscovery: the feeds a web page announces with ``<link rel="alternate">``.

Pure: it reads the HTML already fetched. Operators often paste a site's home page instead of its
feed, and sites sometimes replace a feed by a page; both are recovered this way.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    }
)
_HTML_START = (b"<!doctype html", b"<html", b"<head", b"<body")


def looks_like_html(body: bytes, content_type: str = "") -> bool:
    """True for a web page (by its Content-Type or, when that is vague, by its first bytes)."""
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return True
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    return head.startswith(_HTML_START) or (head.startswith(b"<!--") and b"<html" in head)


class _AlternateLinks(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and not self.found:
            href = dict(attrs).get("href")
            if href:
                self.base_url = urljoin(self.base_url, href)
        if tag != "link":
            return
        values = {name: (value or "") for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").split(";")[0].strip().lower()
        href = values.get("href", "").strip()
        if "alternate" in rels and kind in FEED_TYPES and href:
            url = urljoin(self.base_url, href)
            if url not in self.found:
                self.found.append(url)


def discover_feeds(html: bytes, *, base_url: str) -> list[str]:
    """Absolute URLs of the feeds the page links to, in page order (the site's main feed first)."""
    parser = _AlternateLinks(base_url)
    parser.feed(html.decode("utf-8", "replace"))
    parser.close()
    return parser.found
