"""The values that flow through hashbot: articles in, tags, posts out.

Plain frozen dataclasses on the standard library only, so every layer can share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, however it arrived (file, feed item, web page, pasted text)."""

    text: str
    title: str | None = None
    url: str | None = None
    lang: str | None = None
    image: str | None = None
    author: str | None = None
    published: datetime | None = None
    summary: str | None = None
    #: Hashtags the source itself attached (a trailing tag line, a JSON `tags` list): a hint only.
    source_tags: tuple[str, ...] = ()
    #: Categories a feed gave the item.
    categories: tuple[str, ...] = ()
    #: Where the article came from, for messages: a path, ``-``, a feed name.
    source: str = ""
    #: A stable identifier when the source has one (a JSON ``id``, a feed guid).
    id: str | None = None
    #: Every image the item carries, in order, ``image`` first: two or more make an album.
    images: tuple[str, ...] = ()
    #: A video the item carries (an enclosure, ``media:content medium="video"``), by URL.
    video: str | None = None


class TagReason(StrEnum):
    """Why a tag was chosen; shown in `hashbot tags --explain` and useful when tuning."""

    TITLE = "title"
    ENTITY = "entity"
    PHRASE = "phrase"
    CATEGORY = "category"
    SOURCE = "source"
    FIXED = "fixed"


@dataclass(frozen=True, slots=True)
class Tag:
    """A normalized hashtag (without the leading ``#``) with its score and reason."""

    name: str
    score: float
    reason: TagReason

    @property
    def hashtag(self) -> str:
        return f"#{self.name}"


@dataclass(frozen=True, slots=True)
class TagUse:
    """A tag a chat has published, in the chat's spelling, and how many of its posts carried it."""

    name: str
    uses: int


class ParseMode(StrEnum):
    """How Telegram should read a post's body."""

    HTML = "HTML"
    TEXT = "text"


class PreviewFormat(StrEnum):
    """How a preview writes a post: as sent (HTML), as subscribers read it, or as JSON."""

    HTML = "html"
    TEXT = "text"
    JSON = "json"


class LinkPreview(StrEnum):
    """How Telegram shows the preview of a post's link."""

    ON = "on"
    OFF = "off"
    ABOVE = "above"


@dataclass(frozen=True, slots=True)
class Target:
    """Where a post goes when not to the configured channel: a feed's own channel, group or topic."""

    #: ``@username`` or a numeric chat id.
    chat: str
    #: A forum topic of a group (Telegram's ``message_thread_id``).
    thread_id: int | None = None
    #: Overrides the link preview setting for this target.
    link_preview: LinkPreview | None = None


@dataclass(frozen=True, slots=True)
class Post:
    """A rendered post, ready for a publisher: exactly what would be sent."""

    article: Article
    tags: tuple[Tag, ...]
    body: str
    parse_mode: ParseMode
    template: str
    photo: str | None = None
    #: Every article of a digest post, in order; empty for a single-article post.
    articles: tuple[Article, ...] = ()
    #: None: the configured channel.
    target: Target | None = None
    #: 2–10 photos sent as one album (``sendMediaGroup``) ahead of, or captioned with, the post.
    album: tuple[str, ...] = ()
    #: A video sent by URL with the post as its caption.
    video: str | None = None
    #: Sent without a notification sound (Telegram's ``disable_notification``).
    silent: bool = False
    #: The article's full text on a Telegraph page, linked from the post (Telegram's Instant View).
    long_read: str | None = None

    @property
    def tag_names(self) -> list[str]:
        """Its hashtags as the store records them: names, in the post's order."""
        return [tag.name for tag in self.tags]


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a publisher reports back after handling a post."""

    post: Post
    #: Where it went, for messages: a chat id, or ``preview``.
    destination: str
    message_id: int | None = None
    sent_at: datetime | None = None
    #: It went to a preview (a stream, the admins), not to its chat: nothing was published.
    preview: bool = False
