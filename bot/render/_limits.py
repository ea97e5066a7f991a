"""How long a post may be, measured the way each destination measures it.

Telegram counts the visible text left after parsing HTML, in UTF-16 code units, and shows at most
100 entities; X weighs characters (most count 1, CJK and emoji 2) and counts every URL as 23;
Mastodon counts characters with every URL as 23. A template picks its limit by name with
``{% set limit = "caption" %}``; the default is a Telegram message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from bot.models import ParseMode
from bot.render._markup import count_auto_entities, scan, utf16_length

#: Telegram: a message's text, in UTF-16 code units after entities are parsed.
MESSAGE_LENGTH = 4096
#: Telegram: a media caption, measured like a message.
CAPTION_LENGTH = 1024
#: Telegram: entities shown per message or caption; further ones are silently ignored.
MESSAGE_ENTITIES = 100
#: Telegram: the photos one album (``sendMediaGroup``) holds, at least and at most.
ALBUM_MIN, ALBUM_MAX = 2, 10
#: X (Twitter): weighted characters per post.
X_LENGTH = 280
#: Mastodon: characters per post on a default instance.
MASTODON_LENGTH = 500
#: X and Mastodon count every URL as this many characters, however long it is.
LINK_LENGTH = 23

_URL = re.compile(r"https?://\S+")
#: Code point ranges X weighs as one character; everything else weighs two (twitter-text v3).
_X_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))


@dataclass(frozen=True, slots=True)
class Measure:
    length: int
    entities: int


def telegram_measure(body: str, parse_mode: ParseMode) -> Measure:
    """Raises :class:`~bot.render._markup.MarkupError` if Telegram would refuse the HTML."""
    if parse_mode is ParseMode.HTML:
        scanned = scan(body)
        return Measure(scanned.length, scanned.entities)
    text = body.strip()
    return Measure(utf16_length(text), count_auto_entities(text))


def x_length(text: str) -> int:
    """A post's weighted length on X: URLs count 23, light characters 1, the rest 2."""
    text = unicodedata.normalize("NFC", text.strip())
    urls = _URL.findall(text)
    weight = sum(
        1 if any(low <= ord(char) <= high for low, high in _X_LIGHT) else 2 for char in _URL.sub("", text)
    )
    return weight + LINK_LENGTH * len(urls)


def mastodon_length(text: str) -> int:
    """A post's length on Mastodon: characters, with every URL counted as 23."""
    text = text.strip()
    return len(_URL.sub("", text)) + LINK_LENGTH * len(_URL.findall(text))


@dataclass(frozen=True, slots=True)
class Limit:
    """A destination's size rules; ``photo`` means the post is a caption sent with the image."""

    name: str
    length: int
    unit: str
    measure: Callable[[str, ParseMode], Measure]
    entities: int | None = None
    photo: bool = False


LIMITS = {
    limit.name: limit
    for limit in (
        Limit("message", MESSAGE_LENGTH, "UTF-16 code units", telegram_measure, MESSAGE_ENTITIES),
        Limit("caption", CAPTION_LENGTH, "UTF-16 code units", telegram_measure, MESSAGE_ENTITIES, photo=True),
        Limit("x", X_LENGTH, "weighted characters", lambda body, _: Measure(x_length(body), 0)),
        Limit("mastodon", MASTODON_LENGTH, "characters", lambda body, _: Measure(mastodon_length(body), 0)),
    )
}
DEFAULT_LIMIT = LIMITS["message"]
