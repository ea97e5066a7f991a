"""The photos of a web page's article: what makes a fetched page an album, not one picture.

Pure: it reads the HTML already fetched. A page shows many images that are not the article's
(the site's logo, icons, avatars, ads, 1×1 tracking pixels), so only these count:

- images inside the page's ``<article>`` or ``<main>`` when it has one, else anywhere in the body
  outside its header, footer, navigation, asides and forms;
- with an http(s) address (lazy-loaded ones by their ``data-src`` or ``srcset``), not SVG or icons;
- not declared smaller than :data:`MIN_SIDE` pixels on a side, and not named like a pixel, logo,
  icon, avatar or spacer.

The page's own lead image (``og:image``) comes first; at most :data:`PAGE_IMAGES` are kept, what
one Telegram album holds.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

#: Telegram's albums hold ten photos.
PAGE_IMAGES = 10
#: An image declared narrower or lower than this (in pixels) is an icon or a pixel, not a photo.
MIN_SIDE = 100
#: Where an article's own images are, when a page marks it.
_ARTICLE = frozenset({"article", "main"})
#: Parts of a page whose images are the site's, not the article's.
_CHROME = frozenset({"header", "footer", "nav", "aside", "form", "noscript", "template"})
_NOT_PHOTO = re.compile(
    r"(?:^|[/_.\-])(?:pixel|tracking|tracker|spacer|blank|1x1|logo|icon|favicon|avatar|emoji|badge|sprite"
    r"|gravatar|ads?)(?:$|[/_.\-@\d])",
    re.IGNORECASE,
)
_NOT_PHOTO_SUFFIX = re.compile(r"\.(?:svg|ico)$", re.IGNORECASE)


class _Images(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.in_article: list[str] = []
        self.elsewhere: list[str] = []
        self.has_article = False
        self._article_depth = 0
        self._chrome_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "base" and values.get("href"):
            self.base_url = urljoin(self.base_url, values["href"])
        if tag == "img":
            self._image(values)
        elif tag in _ARTICLE:
            self._article_depth += 1
            self.has_article = True
        elif tag in _CHROME:
            self._chrome_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self._image({name: value or "" for name, value in attrs})

    def handle_endtag(self, tag: str) -> None:
        if tag in _ARTICLE and self._article_depth:
            self._article_depth -= 1
        elif tag in _CHROME and self._chrome_depth:
            self._chrome_depth -= 1

    def _image(self, values: dict[str, str]) -> None:
        url = _photo_url(values, self.base_url)
        if url is None:
            return
        if self._article_depth:
            self.in_article.append(url)
        elif not self._chrome_depth:
            self.elsewhere.append(url)


def _photo_url(values: dict[str, str], base_url: str) -> str | None:
    """The absolute address of an ``<img>`` if it looks like a photo; None for the rest."""
    if any(_side(values.get(side, "")) < MIN_SIDE for side in ("width", "height")):
        return None
    candidates = [values.get("src", ""), values.get("data-src", ""), values.get("data-lazy-src", "")]
    srcset = values.get("srcset") or values.get("data-srcset") or ""
    candidates += [part.split()[0] for part in srcset.split(",") if part.split()]
    for candidate in candidates:
        candidate = candidate.strip()
        if not candidate or candidate.startswith("data:"):
            continue
        url = urljoin(base_url, candidate)
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc:
            return url if _named_like_a_photo(url) else None
    return None


def _named_like_a_photo(url: str) -> bool:
    path = urlsplit(url).path
    return not (_NOT_PHOTO.search(path) or _NOT_PHOTO_SUFFIX.search(path))


def _side(value: str) -> float:
    """A declared width or height in pixels; infinity when absent or not in pixels."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*", value)
    return float(match.group(1)) if match else float("inf")


def page_images(html: str, *, base_url: str, lead: str | None = None) -> tuple[str, ...]:
    """The article's photos on the page, `lead` (its ``og:image``) first, at most PAGE_IMAGES."""
    parser = _Images(base_url)
    parser.feed(html)
    parser.close()
    found = parser.in_article if parser.has_article else parser.elsewhere
    lead_url = urljoin(base_url, lead) if lead else None
    if lead_url is not None and _named_like_a_photo(lead_url):
        found = [lead_url, *found]
    return tuple(dict.fromkeys(found))[:PAGE_IMAGES]


__all__ = ["MIN_SIDE", "PAGE_IMAGES", "page_images"]
