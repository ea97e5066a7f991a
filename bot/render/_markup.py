"""Telegram's HTML dialect: escaping article text into it, reading posts back out of it.

Telegram accepts a small set of tags (:data:`TAGS`) and four named entities; everything else is an
error or shows literally. This module is what the renderer needs to stay inside that dialect:

- :func:`clean_text` and :func:`escape` make arbitrary article text safe to put in a post;
- :func:`scan` reads a rendered post the way Telegram will, to check its tags and to measure it
  (visible text in UTF-16 code units, entity count) before anything is sent;
- :func:`visible_text` shows a subscriber's view in a terminal.

The reference implementation of Telegram's parser, with its exact error texts, is the test
validator ``tests/auxil/telegram_html.py``; this one only has to agree with it on what hashbot
produces, so it stays a small, fast tokenizer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlsplit

#: The tags Telegram's HTML parse mode accepts (the Bot API's "HTML style").
TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
        "code", "pre", "blockquote", "tg-spoiler", "span", "tg-emoji",
    }
)  # fmt: skip

#: Characters that change how text displays or is parsed without being visible themselves:
#: C0/C1 controls (Telegram replaces or drops them) and the bidi embeddings and overrides, which
#: could flip the rest of a post. Zero-width joiners and marks stay: emoji and scripts need them.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\ud800-\udfff]")
_LINE_SEPARATORS = re.compile(r"\r\n?|[\u2028\u2029\x85]")

_TOKEN = re.compile(
    r"<(?P<close>/?)(?P<tag>[^\s>/]*)(?P<attrs>[^>]*)>"
    r"|&(?P<entity>#[xX][0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot);?"
    r"|(?P<text>[^<&]+|[<&])"
)
_ATTRIBUTE = re.compile(r"""([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([\w.-]+))""")
#: Text Telegram turns into entities by itself; they count towards the per-message limit.
_AUTO_ENTITY = re.compile(r"(?<![\w#])#\w+|https?://\S+")

_ANSI = {
    "b": "1", "strong": "1", "i": "3", "em": "3", "u": "4", "ins": "4",
    "s": "9", "strike": "9", "del": "9", "code": "2", "pre": "2", "tg-spoiler": "7", "span": "7",
}  # fmt: skip


_ANY_TAG = re.compile(r"<[^<>]*>")
#: A link (kept as "text <target>") or any other tag (dropped), for :func:`plain_text`.
_PLAIN_LINK = re.compile(
    r"""<a\s[^>]*?href\s*=\s*["'](?P<href>[^"']*)["'][^>]*>(?P<text>.*?)</a\s*>|<[^<>]*>""", re.S | re.I
)


class MarkupError(ValueError):
    """Rendered HTML that Telegram would refuse, with the position of the first problem."""


def clean_text(text: str) -> str:
    """Article text with invisible troublemakers removed and line breaks normalized.

    Control characters, bidi overrides and lone surrogates go; ``\\r\\n`` and Unicode line and
    paragraph separators become ``\\n``; a tab becomes a space.
    """
    text = _LINE_SEPARATORS.sub("\n", text).replace("\t", " ")
    return _UNSAFE.sub("", text)


def escape(text: str) -> str:
    """Escape text for Telegram HTML: only ``&``, ``<`` and ``>``, so a preview stays readable.

    Quotes need no escaping in text, and every URL that lands in an attribute goes through
    :func:`safe_url`, which never leaves a quote in it.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_URL_UNSAFE = re.compile(r"""[\s"'<>\\^`{|}\x00-\x1f\x7f]""")


def safe_url(url: str) -> str:
    """A URL with the characters that could break out of an attribute percent-encoded."""
    return _URL_UNSAFE.sub(lambda match: "".join(f"%{byte:02X}" for byte in match[0].encode()), url.strip())


@dataclass(frozen=True, slots=True)
class Scan:
    """What Telegram will make of a post: its visible text and how many entities it holds."""

    text: str
    entities: int

    @property
    def length(self) -> int:
        """Visible length as Telegram counts it: UTF-16 code units, surrounding blanks trimmed."""
        return utf16_length(self.text.strip())


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True, slots=True)
class _Open:
    tag: str
    href: str | None
    start: int


def _events(html: str) -> Iterator[tuple[str, str, str | None]]:
    """Yield ``("text", text, None)``, ``("open", tag, href)`` and ``("close", tag, href)``.

    Raises :class:`MarkupError` for an unsupported tag or badly nested tags.
    """
    stack: list[_Open] = []
    for match in _TOKEN.finditer(html):
        if match["text"] is not None:
            if match["text"] == "<":
                raise MarkupError(f"a bare '<' at position {match.start()} (escape it as &lt;)")
            yield "text", match["text"], None
        elif match["entity"] is not None:
            yield "text", unescape(f"&{match['entity']};"), None
        elif match["close"]:
            if not stack:
                raise MarkupError(f"</{match['tag']}> at position {match.start()} closes nothing")
            opened = stack.pop()
            if match["tag"] and match["tag"].lower() != opened.tag:
                raise MarkupError(
                    f"</{match['tag']}> at position {match.start()} closes <{opened.tag}> "
                    f"(opened at position {opened.start})"
                )
            yield "close", opened.tag, opened.href
        else:
            tag = match["tag"].lower()
            if tag not in TAGS:
                raise MarkupError(f"<{match['tag']}> at position {match.start()} is not a Telegram tag")
            attributes = {
                name.lower(): next(value for value in values if value is not None)
                for name, *values in _ATTRIBUTE.findall(match["attrs"])
            }
            if tag == "span" and attributes.get("class") != "tg-spoiler":
                raise MarkupError(f'<span> at position {match.start()} needs class="tg-spoiler"')
            href = unescape(attributes["href"]) if tag == "a" and "href" in attributes else None
            stack.append(_Open(tag, href, match.start()))
            yield "open", tag, href
    if stack:
        raise MarkupError(f"<{stack[-1].tag}> at position {stack[-1].start} is never closed")


def scan(html: str) -> Scan:
    """Read a post as Telegram will; raises :class:`MarkupError` if Telegram would refuse it."""
    parts: list[str] = []
    entities = 0
    starts: list[int] = []
    for kind, value, _href in _events(html):
        if kind == "text":
            parts.append(value)
        elif kind == "open":
            starts.append(len(parts))
        # Telegram drops an entity that covers no text, so only non-empty ones count.
        elif any(parts[starts.pop() :]):
            entities += 1
    text = "".join(parts)
    return Scan(text=text, entities=entities + count_auto_entities(text))


def count_auto_entities(text: str) -> int:
    """Hashtags and URLs in plain text, which Telegram turns into entities on its own."""
    return sum(1 for _ in _AUTO_ENTITY.finditer(text))


def plain_text(html: str) -> str:
    """The text of a post with every tag dropped; never raises, even on HTML Telegram refused.

    What a post falls back to when Telegram cannot parse its entities; link targets stay readable.
    """

    def replace(match: re.Match[str]) -> str:
        if match["href"] is None:
            return ""  # any other tag
        text = _ANY_TAG.sub("", match["text"])
        return text if unescape(text) == unescape(match["href"]) else f"{text} <{match['href']}>"

    return unescape(_PLAIN_LINK.sub(replace, html))


def visible_text(html: str, *, ansi: bool = False) -> str:
    """A post as a subscriber reads it, for a terminal: link targets shown as ``text <url>``.

    A link whose text is its own target is shown once. With ``ansi``, bold, italic, underline,
    strikethrough, code and spoilers are drawn with ANSI escape codes and quotations get a bar.
    """
    parts: list[str] = []
    plain: list[str] = []
    link_starts: list[int] = []
    styles: list[str] = []
    quoted = 0
    for kind, value, href in _events(html):
        if kind == "text":
            plain.append(value)
            parts.append(value.replace("\n", "\n▎ ") if ansi and quoted else value)
            continue
        if value == "a":
            if kind == "open":
                link_starts.append(len(plain))
            elif href and "".join(plain[link_starts.pop() :]) != href:
                parts.append(f" <{href}>")
        if ansi and value in _ANSI:
            if kind == "open":
                styles.append(_ANSI[value])
            else:
                styles.pop()
            parts.append("\x1b[0m" + "".join(f"\x1b[{style}m" for style in styles))
        if value == "blockquote":
            quoted += 1 if kind == "open" else -1
            if ansi and kind == "open":
                parts.append("▎ ")
    return "".join(parts)


def domain(url: str | None) -> str:
    """``https://www.example.org/a`` → ``example.org``; punycode shown as the letters it encodes."""
    host = (urlsplit(url).hostname or "") if url else ""
    host = host.removeprefix("www.")
    if "xn--" in host:
        with suppress(UnicodeError):
            host = host.encode("ascii").decode("idna")
    return host
