"""Telegram's HTML parse mode, reimplemented as the reference the tests check posts against.

It follows the rules of Telegram's own parser (TDLib's ``parse_html``): the supported tags and
attributes, end tags that must match the innermost open tag (``</>`` closes any), the four named
entities plus numeric ones (with or without ``;``; anything else stays literal), entities that cover
no text dropped, lengths in UTF-16 code units after surrounding whitespace is trimmed. Errors carry
the Bot API's descriptions, byte offsets included, so the fake Bot API server can answer with them::

    validate("<b>x</i>")   # BadRequest: Bad Request: can't parse entities: Unmatched end tag at
                           # byte offset 4, expected "</b>", found "</i>"

``strict=True`` also refuses what Telegram accepts but silently degrades — formatting inside code,
nested quotations, links that are not URLs, more entities than a message shows, ``&nbsp;``-style
entities that show literally — which in a post of ours is always a bug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MESSAGE_LENGTH = 4096
CAPTION_LENGTH = 1024
MESSAGE_ENTITIES = 100

TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre",
        "blockquote", "tg-spoiler", "span", "tg-emoji", "tg-time",
    }
)  # fmt: skip
_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "code": "code", "pre": "pre",
}  # fmt: skip
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE = frozenset(b" \t\n\r\v\f")
_LINK = re.compile(r"(?:https?|ftp|tg|mailto)://?\S+|mailto:\S+", re.IGNORECASE)
_AUTO_ENTITY = re.compile(r"(?<![\w#])#\w+|https?://\S+")
_UNKNOWN_NAMED = re.compile(rb"&(?!(?:lt|gt|amp|quot)\b)[A-Za-z]+;")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e]")


class BadRequest(ValueError):
    """What the Bot API answers with HTTP 400; ``description`` is its exact text."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"Bad Request: {problem}")
        self.description = f"Bad Request: {problem}"


class EntityParseError(BadRequest):
    """The HTML cannot be parsed: ``Bad Request: can't parse entities: ...``."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"can't parse entities: {problem}")
        self.problem = problem


class MessageTooLong(BadRequest):
    """The visible text is longer than the limit."""


class MessageEmpty(BadRequest):
    """Nothing is left to show once the HTML is parsed and the text trimmed."""


class Degraded(ValueError):
    """Telegram accepts this, but shows it differently from what the HTML says (strict mode)."""


@dataclass(frozen=True, slots=True)
class Entity:
    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None
    custom_emoji_id: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """A message as Telegram stores it: plain text and the entities over it (UTF-16 offsets)."""

    text: str
    entities: tuple[Entity, ...] = field(default=())

    @property
    def length(self) -> int:
        """What Telegram compares with its limit: UTF-16 code units of the trimmed text."""
        return utf16_length(self.text.strip(" \t\n\r\v\f"))

    @property
    def entity_count(self) -> int:
        """Entities from the HTML plus the hashtags and URLs Telegram detects in the text."""
        return len(self.entities) + len(_AUTO_ENTITY.findall(self.text))


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def validate(
    html: str, *, limit: int = MESSAGE_LENGTH, caption: bool = False, strict: bool = False
) -> ParsedMessage:
    """Parse `html` as Telegram does and check it against `limit`; raise what the Bot API would.

    A caption may be empty (a photo without one); a message may not.
    """
    message = _check_size(parse(html), limit=limit, caption=caption)
    if strict:
        _check_strict(html, message)
    return message


def validate_text(text: str, *, limit: int = MESSAGE_LENGTH, caption: bool = False) -> ParsedMessage:
    """The same checks for a message sent without a parse mode."""
    return _check_size(ParsedMessage(text), limit=limit, caption=caption)


def _check_size(message: ParsedMessage, *, limit: int, caption: bool) -> ParsedMessage:
    if message.length == 0 and not caption:
        raise MessageEmpty("message text is empty")
    if message.length > limit:
        raise MessageTooLong("message caption is too long" if caption else "message is too long")
    return message


@dataclass(slots=True)
class _Open:
    tag: str
    argument: str
    offset: int
    text_start: int


class _Parser:
    def __init__(self, html: str) -> None:
        try:
            self.data = html.encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest("strings must be encoded in UTF-8") from None
        self.pos = 0
        self.text: list[str] = []
        self.utf16 = 0
        self.entities: list[Entity] = []
        self.open: list[_Open] = []

    def at(self, index: int) -> int:
        """The byte at `index`, or 0 past the end (Telegram reads a NUL-terminated string)."""
        return self.data[index] if index < len(self.data) else 0

    def emit(self, text: str) -> None:
        self.text.append(text)
        self.utf16 += utf16_length(text)

    def run(self) -> ParsedMessage:
        data = self.data
        while self.pos < len(data):
            byte = data[self.pos]
            if byte == ord("&"):
                decoded = self.entity()
                if decoded is None:
                    self.emit("&")
                    self.pos += 1
                else:
                    self.emit(decoded)
            elif byte != ord("<"):
                end = self.pos + 1
                while end < len(data) and data[end] not in b"<&":
                    end += 1
                self.emit(data[self.pos : end].decode("utf-8"))
                self.pos = end
            elif self.at(self.pos + 1) == ord("/"):
                self.end_tag()
            else:
                self.start_tag()
        if self.open:
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{self.open[-1].tag}"')
        text = "".join(self.text)
        if re.search(r"[\ud800-\udfff]", text):
            raise EntityParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched "
                "surrogate code units"
            )
        return ParsedMessage(text, tuple(sorted(self.entities, key=lambda e: (e.offset, -e.length))))

    def entity(self) -> str | None:
        """Decode the character reference at `pos` and move past it; None if there is none."""
        start, end = self.pos, self.pos + 1
        if self.at(end) == ord("#"):
            end += 1
            hexadecimal = self.at(end) == ord("x")
            end += hexadecimal
            digits = b"0123456789abcdefABCDEF" if hexadecimal else b"0123456789"
            first = end
            while self.at(end) and self.at(end) in digits:
                end += 1
            code = int(self.data[first:end], 16 if hexadecimal else 10) if end > first else 0
            if code == 0 or code >= 0x10FFFF or end - start >= 10:
                return None
            decoded = chr(code)
        else:
            while chr(self.at(end)).isascii() and chr(self.at(end)).isalpha():
                end += 1
            named = _NAMED.get(self.data[start + 1 : end].decode("ascii"))
            if named is None:
                return None
            decoded = named
        self.pos = end + 1 if self.at(end) == ord(";") else end
        return decoded

    def skip_spaces(self) -> None:
        while self.at(self.pos) in _SPACE:
            self.pos += 1

    def start_tag(self) -> None:
        begin = self.pos
        self.pos += 1
        while self.at(self.pos) and self.at(self.pos) not in _SPACE and self.at(self.pos) != ord(">"):
            self.pos += 1
        if not self.at(self.pos):
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        tag = self.data[begin + 1 : self.pos].decode("utf-8", "replace").lower()
        if tag not in TAGS:
            raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
        argument = ""
        while self.at(self.pos) != ord(">"):
            self.skip_spaces()
            if self.at(self.pos) == ord(">"):
                break
            name_start = self.pos
            while self.at(self.pos) and self.at(self.pos) not in _SPACE and self.at(self.pos) not in b"=>":
                self.pos += 1
            name = self.data[name_start : self.pos].decode("utf-8", "replace")
            if not name:
                raise EntityParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
            self.skip_spaces()
            if self.at(self.pos) != ord("="):
                if not self.at(self.pos):
                    raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                if tag == "blockquote" and name == "expandable":
                    argument = "expandable"
                continue
            self.pos += 1
            self.skip_spaces()
            if not self.at(self.pos):
                raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
            value = self.attribute_value()
            if not self.at(self.pos):
                raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
            if (tag, name) in {("a", "href"), ("tg-emoji", "emoji-id")}:
                argument = value
            elif tag == "code" and name == "class" and value.startswith("language-"):
                argument = value.removeprefix("language-")
            elif tag == "span" and name == "class" and value.startswith("tg-"):
                argument = value.removeprefix("tg-")
        if tag == "span" and argument != "spoiler":
            raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.pos += 1
        self.open.append(_Open(tag, argument, self.utf16, len(self.text)))

    def attribute_value(self) -> str:
        quote = self.at(self.pos)
        if quote not in b"\"'":
            start = self.pos
            while chr(self.at(self.pos)).isascii() and (
                chr(self.at(self.pos)).isalnum() or self.at(self.pos) in b".-"
            ):
                self.pos += 1
            if self.at(self.pos) not in _SPACE and self.at(self.pos) != ord(">"):
                raise EntityParseError(f"Unexpected end of name token at byte offset {start}")
            return self.data[start : self.pos].decode("ascii").lower()
        self.pos += 1
        value: list[str] = []
        while self.at(self.pos) and self.at(self.pos) != quote:
            if self.at(self.pos) == ord("&") and (decoded := self.entity()) is not None:
                value.append(decoded)
                continue
            end = self.pos + 1
            while end < len(self.data) and self.data[end] not in (quote, ord("&")):
                end += 1
            value.append(self.data[self.pos : end].decode("utf-8"))
            self.pos = end
        if self.at(self.pos) == quote:
            self.pos += 1
        return "".join(value)

    def end_tag(self) -> None:
        begin = self.pos
        if not self.open:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        self.pos += 2
        while self.at(self.pos) and self.at(self.pos) not in _SPACE and self.at(self.pos) != ord(">"):
            self.pos += 1
        name = self.data[begin + 2 : self.pos].decode("utf-8", "replace")
        self.skip_spaces()
        if self.at(self.pos) != ord(">"):
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        self.pos += 1
        opened = self.open.pop()
        if name and name != opened.tag:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{opened.tag}>", found "</{name}>"'
            )
        if self.utf16 > opened.offset:
            self.add_entity(opened, self.utf16 - opened.offset)

    def add_entity(self, opened: _Open, length: int) -> None:
        offset, tag, argument = opened.offset, opened.tag, opened.argument
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last.offset, last.length) == (offset, length)
        if tag in ("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "span"):
            self.entities.append(Entity(_ENTITY_TYPES[tag], offset, length))
        elif tag == "a":
            url = argument or "".join(self.text[opened.text_start :])
            if url:
                self.entities.append(Entity("text_link", offset, length, url=url))
        elif tag == "tg-emoji":
            if not argument.isdigit() or int(argument) <= 0:
                raise EntityParseError("Invalid custom emoji identifier specified")
            self.entities.append(Entity("custom_emoji", offset, length, custom_emoji_id=argument))
        elif tag == "blockquote":
            kind = "expandable_blockquote" if argument else "blockquote"
            self.entities.append(Entity(kind, offset, length))
        elif tag == "code":
            self.entities.append(Entity("code", offset, length, language=argument or None))
        elif tag == "pre":
            # <pre><code class="language-x">…</code></pre> is one pre entity with a language.
            if last is not None and same_span and last.type == "code" and last.language:
                self.entities[-1] = Entity("pre", offset, length, language=last.language)
            else:
                self.entities.append(Entity("pre", offset, length))


def parse(html: str) -> ParsedMessage:
    """Text and entities of `html`, or :class:`EntityParseError` as Telegram words it."""
    return _Parser(html).run()


def _check_strict(html: str, message: ParsedMessage) -> None:
    for entity in message.entities:
        inside = [
            other
            for other in message.entities
            if other is not entity
            and entity.offset <= other.offset
            and other.offset + other.length <= entity.offset + entity.length
        ]
        if entity.type in ("code", "pre") and inside:
            raise Degraded(f"formatting inside {entity.type} is dropped: {inside}")
        if entity.type.endswith("blockquote") and any(other.type.endswith("blockquote") for other in inside):
            raise Degraded("quotations cannot be nested")
        if entity.type == "text_link" and not _LINK.fullmatch(entity.url or ""):
            raise Degraded(f"link target {entity.url!r} is not a URL Telegram accepts")
    if message.entity_count > MESSAGE_ENTITIES:
        raise Degraded(f"{message.entity_count} entities; Telegram shows only {MESSAGE_ENTITIES}")
    if unknown := _UNKNOWN_NAMED.search(html.encode("utf-8")):
        raise Degraded(f"{unknown[0].decode()} is not an entity Telegram knows; it shows literally")
    if control := _CONTROL.search(message.text):
        raise Degraded(f"invisible control character {control[0]!r} in the text")
