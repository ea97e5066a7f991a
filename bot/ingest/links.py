"""Identity of feed items: normalized links and content hashes, the keys of deduplication.

Pure functions. Two links that differ only in what does not change the page (scheme or host
case, http versus https, a default port, tracking parameters, a fragment, a trailing slash,
parameter order) give the same key.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.models import Article

_TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid|_ga|_gl|"
    r"mkt_tok|oly_anon_id|oly_enc_id|__s|vero_id|wt_mc)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SPACE = re.compile(r"\s+")
# Whitespace and the control characters urlsplit drops, in any mix, at either end.
_EDGES = re.compile(r"^[\s\x00-\x20]+|[\s\x00-\x20]+$")
_PATH_END = re.compile(r"[/\s\x00-\x20]+$")


def normalize_link(url: str) -> str:
    """The canonical form of an article link for comparing, never for fetching."""
    url = _EDGES.sub("", url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    if scheme == "http":
        scheme = "https"  # the same article is often linked both ways
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING.match(name)
    )
    path = _PATH_END.sub("", parts.path)
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def content_hash(article: Article) -> str:
    """A short digest of what an article says, blind to case, accents of form and spacing."""
    text = f"{article.title or ''}\n{article.text}"
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def item_key(article: Article) -> str:
    """The key a feed remembers an item by: its guid, else its link, else its content."""
    if article.id:
        return f"g:{article.id}"
    if article.url:
        return f"l:{normalize_link(article.url)}"
    return f"h:{content_hash(article)}"


def dedup_keys(article: Article) -> tuple[str, ...]:
    """Keys that make an article unique in a chat, whichever feed brings it."""
    keys = [f"h:{content_hash(article)}"]
    if article.url:
        keys.insert(0, f"l:{normalize_link(article.url)}")
    return tuple(keys)
