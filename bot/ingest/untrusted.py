"""Reading strangers' data within limits: JSON and YAML, characters, links.

Pure functions every loader shares, so one hostile file cannot crash, hang or flood hashbot:
JSON and YAML nested deeper than :data:`MAX_DEPTH` or holding a number longer than
:data:`MAX_DIGITS` are refused with a :class:`~bot.errors.SourceFormatError` (Python's parsers
would raise ``RecursionError`` or ``ValueError`` instead); characters no text may hold (lone
surrogates, references beyond Unicode) are dropped like any invalid byte; and only ``http`` and
``https`` links are kept, so a ``javascript:`` link never becomes a post's ``href``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from typing import TYPE_CHECKING, Any

from bot.errors import SourceFormatError
from bot.models import Article

if TYPE_CHECKING:
    import yaml

#: Deepest nesting of arrays and objects read: articles and feeds need a handful of levels.
MAX_DEPTH = 64
#: Longest integer read, in digits: ids and counts, never 4,300-digit numbers.
MAX_DIGITS = 64

_JSON_TOKENS = re.compile(r'"(?:[^"\\]+|\\.)*"?|[\[\]{}]', re.DOTALL)
_LONE_SURROGATES = re.compile("[\ud800-\udfff]")
_CHARREF_STR = re.compile(r"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));?")
_CHARREF_BYTES = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));?")
_WEB_LINK = re.compile(r"^https?://[^\s/?#]", re.IGNORECASE)


def json_depth(text: str) -> int:
    """How deep arrays and objects nest in a JSON text (strings skipped), without parsing it."""
    depth = deepest = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in ("]", "}"):
            depth -= 1
    return deepest


class _TooManyDigits(ValueError):
    pass


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise _TooManyDigits(len(digits.lstrip("-")))
    return int(digits)


def load_json(text: str, *, source: str) -> Any:
    """Parse JSON within :data:`MAX_DEPTH` and :data:`MAX_DIGITS`; raises SourceFormatError."""
    if json_depth(text) > MAX_DEPTH:
        raise SourceFormatError(source, f"is JSON nested deeper than {MAX_DEPTH} levels; refused")
    try:
        return json.loads(text, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise SourceFormatError(source, f"is not valid JSON: {exc}") from None
    except _TooManyDigits as exc:
        raise SourceFormatError(
            source, f"holds a number of {exc.args[0]} digits, more than {MAX_DIGITS}; refused"
        ) from None


@functools.cache
def _bounded_loader() -> type[yaml.SafeLoader]:
    """PyYAML's safe loader, refusing deep nesting (it recurses per level) and endless integers.

    Built on first use: PyYAML is imported only when a Markdown file has front matter.
    """
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        _depth = 0

        def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH:
                    raise yaml.YAMLError(f"nested deeper than {MAX_DEPTH} levels")
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

        def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
            digits = sum(char.isdigit() for char in str(node.value))
            if digits > MAX_DIGITS:
                raise yaml.YAMLError(f"a number of {digits} digits, more than {MAX_DIGITS}")
            return int(super().construct_yaml_int(node))

    BoundedLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)
    return BoundedLoader


def load_yaml(text: str, *, source: str, what: str = "YAML", first_line: int = 1) -> Any:
    """Parse YAML safely within the limits; errors are one line (`first_line`: where `text` starts)."""
    import yaml

    try:
        return yaml.load(text, Loader=_bounded_loader())  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + first_line}" if mark is not None else ""
        raise SourceFormatError(source, f"has invalid {what}{where}: {exc.problem or exc.context}") from None
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date YAML reads itself, 2026-13-45
        raise SourceFormatError(source, f"has invalid {what}: {exc}") from None


def kind_of(value: Any) -> str:
    """A JSON or YAML value's type in words, for messages."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def _valid_codepoint(code: int) -> bool:
    """A character XML 1.0 allows: no C0 controls but tab and newlines, no surrogates, in Unicode."""
    if code < 0x20:
        return code in (0x9, 0xA, 0xD)
    return not 0xD800 <= code <= 0xDFFF and code not in (0xFFFE, 0xFFFF) and code <= 0x10FFFF


def _charref_code(hex_digits: Any, decimal: Any) -> int:
    digits = hex_digits or decimal
    if len(digits) > 8:  # beyond any code point, and int() of a 5,000-digit reference is slow
        return -1
    return int(digits, 16 if hex_digits else 10)


def drop_invalid_charrefs(text: str) -> str:
    """`text` without numeric character references to characters that cannot exist."""
    return _CHARREF_STR.sub(lambda m: m.group() if _valid_codepoint(_charref_code(m[1], m[2])) else "", text)


def drop_invalid_charrefs_bytes(document: bytes) -> bytes:
    """The same for an XML document's bytes (any ASCII-compatible encoding)."""
    return _CHARREF_BYTES.sub(
        lambda m: m.group() if _valid_codepoint(_charref_code(m[1], m[2])) else b"", document
    )


def clean_text(text: str) -> str:
    """`text` without lone surrogates, which no encoding can write (JSON's ``"\\ud800"``)."""
    return _LONE_SURROGATES.sub("", text)


def web_link(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) address, else None (``javascript:``, ``data:``, paths)."""
    if url is None:
        return None
    url = url.strip()
    return url if _WEB_LINK.match(url) else None


def clean_article(article: Article) -> Article:
    """`article` with every text field cleaned and only http(s) links kept."""
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(article):
        value = getattr(article, field.name)
        cleaned: object
        if isinstance(value, str):
            cleaned = clean_text(value)
        elif isinstance(value, tuple):
            cleaned = tuple(clean_text(part) for part in value)
        else:
            continue
        if cleaned != value:
            changes[field.name] = cleaned
    for name in ("url", "image", "video"):
        value = changes.get(name, getattr(article, name))
        if web_link(value) != value:
            changes[name] = web_link(value)
    images = changes.get("images", article.images)
    linked = tuple(link for link in map(web_link, images) if link)
    if linked != images:
        changes["images"] = linked
    return dataclasses.replace(article, **changes) if changes else article
