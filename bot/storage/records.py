"""What the store keeps: feeds, queued posts and admin notices, as plain values.

Standard library only, so the pure core (the planner, the scheduler's decisions) can read them
without importing a database driver.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal, get_type_hints

from bot.models import Article, TagUse
from bot.storage.lifecycle import PostKind, PostState

#: Poll interval of a feed when none is given, in seconds.
DEFAULT_INTERVAL = 15 * 60


class FeedMedia(StrEnum):
    """Which of an item's media its post carries (``feeds add --media``)."""

    #: Text only: no photo, album or video.
    NONE = "none"
    #: The lead image only, as one photo (or the link preview).
    FIRST = "first"
    #: Every image as an album, and a video.
    ALL = "all"


@dataclass(frozen=True, slots=True)
class NewFeed:
    """A feed to subscribe: what the operator configures, before the store gives it an id.

    ``chat`` None means "the configured channel"; ``topic`` is a forum topic (message thread) id
    in a group.
    """

    url: str
    name: str | None = None
    chat: str | None = None
    topic: int | None = None
    template: str | None = None
    interval: int = DEFAULT_INTERVAL
    tags: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    lang: str | None = None
    #: Fetch the article page for items whose feed text is only a teaser.
    fetch_pages: bool = False
    #: Posts go out without a notification sound (Telegram's ``disable_notification``).
    silent: bool = False
    media: FeedMedia = FeedMedia.ALL
    #: Long articles get a Telegraph page that the post links (Instant View).
    telegraph: bool = False
    #: An item that comes back changed (same guid) edits its post instead of being ignored.
    edit_updates: bool = False
    #: Local times (HH:MM) of the feed's digests; empty: its items are posted one by one.
    digest_at: tuple[str, ...] = ()
    #: Its posts are also Mastodon statuses (when not every post is: HASHBOT_MASTODON_ALL=false).
    mastodon: bool = False
    enabled: bool = True

    @property
    def label(self) -> str:
        """How messages name the feed."""
        return self.name or self.url


@dataclass(frozen=True, slots=True, kw_only=True)
class Feed(NewFeed):
    """A subscribed feed, as stored: its configuration, its id, and where polling stands."""

    id: int
    #: When it was subscribed.
    created: datetime
    #: When the feed's items were last collected into a digest.
    last_digest: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_checked: datetime | None = None
    #: The last poll that read the feed; None until the first one, which must not flood the channel.
    last_success: datetime | None = None
    next_check: datetime | None = None
    error_count: int = 0
    last_error: str | None = None
    #: The worker polling it now and until when its claim holds (:meth:`Store.claim_feeds`); a
    #: finished poll clears them, so an expired claim left here is a worker that died mid-poll.
    lease_owner: str | None = None
    lease_expires: datetime | None = None

    def settings(self) -> dict[str, object]:
        """What templates see as ``feed``: what the operator configured, not the polling state."""
        return {
            "id": self.id,
            "name": self.name,
            "url": self.url,
            "label": self.label,
            "chat": self.chat,
            "topic": self.topic,
            "template": self.template,
            "interval": self.interval,
            "tags": list(self.tags),
            "include": list(self.include),
            "exclude": list(self.exclude),
            "lang": self.lang,
            "fetch_pages": self.fetch_pages,
            "silent": self.silent,
            "media": self.media.value,
            "telegraph": self.telegraph,
            "edit_updates": self.edit_updates,
            "digest_at": list(self.digest_at),
            "mastodon": self.mastodon,
        }


@dataclass(frozen=True, slots=True)
class NewPost:
    """An article to queue for a chat, with the dedup keys that make it unique in that chat.

    ``scheduled`` is a one-off post's time, and only a one-off post has one.
    """

    article: Article
    chat: str
    keys: tuple[str, ...]
    feed_id: int | None = None
    topic: int | None = None
    template: str | None = None
    tags: tuple[str, ...] = ()
    kind: PostKind = PostKind.FEED
    scheduled: datetime | None = None
    silent: bool = False
    telegraph: bool = False
    #: A digest's articles, in order (``article`` is the first of them).
    articles: tuple[Article, ...] = ()
    mastodon: bool = False

    def __post_init__(self) -> None:
        if (self.kind is PostKind.ONE_OFF) != (self.scheduled is not None):
            raise ValueError("a one-off post needs its time, and only a one-off post has one")
        if (self.kind is PostKind.DIGEST) != bool(self.articles):
            raise ValueError("a digest needs its articles, and only a digest has several")


@dataclass(frozen=True, slots=True)
class QueuedPost:
    """A post in the queue, as stored."""

    id: int
    article: Article
    chat: str
    state: PostState
    created: datetime
    feed_id: int | None = None
    topic: int | None = None
    template: str | None = None
    tags: tuple[str, ...] = ()
    kind: PostKind = PostKind.FEED
    #: A one-off post's time.
    scheduled: datetime | None = None
    sent: datetime | None = None
    message_id: int | None = None
    attempts: int = 0
    last_error: str | None = None
    #: An admin approved it ([Queue], [Resend], or [Publish] that could not deliver): it never
    #: waits for approval again.
    approved: bool = False
    #: ``tags`` are exactly the post's hashtags (an admin chose them), not extra ones to add.
    tags_edited: bool = False
    #: Sent without a notification sound (its feed is ``--silent``).
    silent: bool = False
    #: Its feed asks for a Telegraph page when the article is longer than the post.
    telegraph: bool = False
    #: Sent, then its article changed at the source: the channel message waits to be edited.
    edit_pending: bool = False
    #: A digest's articles, in order.
    articles: tuple[Article, ...] = ()
    #: Its feed asks for a Mastodon status too.
    mastodon: bool = False
    #: When an admin asked to resend it (it was uncertain): it goes out at once, whatever the slots.
    resend_requested: datetime | None = None
    #: When a dry run (`/dryrun on`) showed it to the admins; it is shown once, and stays queued.
    previewed: datetime | None = None
    #: The hashtags its latest send went out with, or may have (an uncertain one); None before any.
    sending_tags: tuple[str, ...] | None = None

    @property
    def due(self) -> datetime | None:
        """When the post goes out whatever the slots, caps and quiet hours; None: at a slot.

        A one-off post's time, or the moment an admin asked to resend it.
        """
        return self.resend_requested or self.scheduled


@dataclass(frozen=True, slots=True)
class AdminRequest:
    """What the bot asked one admin for and awaits as their next message (new tags for a post).

    One per admin: asking again replaces the question, as a reply field does on their phone.
    """

    admin_id: int
    #: What is asked: ``tags`` (an approval preview's [Edit tags]).
    kind: str
    post_id: int


@dataclass(frozen=True, slots=True)
class DeskMessage:
    """A question put to one admin about a post (an approval preview, an uncertain post).

    Kept so that, whichever admin decides and whenever (after a restart too), every admin's
    copy can be edited to show the decision.
    """

    desk: str
    post_id: int
    chat_id: int
    message_id: int
    #: The text as sent, so the decision can be appended to it.
    text: str
    html: bool = True


@dataclass(frozen=True, slots=True)
class Notice:
    """Something admins should read: a feed disabled, a feed address changed."""

    id: int
    created: datetime
    message: str
    feed_id: int | None = None
    read: bool = False


@dataclass(frozen=True, slots=True)
class Lease:
    """A named lease (:meth:`Store.take_lease`): which worker holds it, until when."""

    name: str
    owner: str
    expires: datetime


@dataclass(frozen=True, slots=True)
class FeedClaim:
    """A worker's request for feeds to poll: which ones, how many, and how long it may hold them.

    Without `unchecked_since` only due feeds are claimed (the run loop); with it, every feed not
    checked since that moment, due or not (`hashbot feeds poll`: each feed once per command).
    """

    owner: str
    now: datetime
    #: How long the claim holds before another worker may take the feed over.
    lease: timedelta
    limit: int
    #: Only these feeds; None: any.
    feed_ids: tuple[int, ...] | None = None
    unchecked_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class PollRecord:
    """Everything one successful poll of a feed changes, saved in one transaction."""

    feed_id: int
    checked: datetime
    next_check: datetime
    etag: str | None = None
    last_modified: str | None = None
    #: The feed's new address, when the old one was a page that led to it.
    url: str | None = None
    seen_keys: tuple[str, ...] = ()
    posts: tuple[NewPost, ...] = ()
    notices: tuple[str, ...] = field(default=())
    revisions: tuple[Revision, ...] = ()
    #: Items of a digest feed: kept aside until its next digest collects them (only their articles).
    digest_items: tuple[NewPost, ...] = ()
    #: The worker whose claim on the feed this poll ran under; saved only while it holds it.
    owner: str | None = None


class StatusState(StrEnum):
    """Where a post's Mastodon status stands: its own life, beside the Telegram post's."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class MastodonStatus:
    """The Mastodon status of a post published to the channel."""

    post_id: int
    state: StatusState
    next_try: datetime
    attempts: int = 0
    url: str | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class DigestItem:
    """An item of a digest feed waiting for the feed's next digest."""

    id: int
    feed_id: int
    article: Article
    created: datetime


@dataclass(frozen=True, slots=True)
class Revision:
    """A feed item that came back changed: its post's article is replaced; a sent post is edited."""

    post_id: int
    article: Article
    #: The post is in the channel already: its message must be edited.
    edit: bool


@dataclass(frozen=True, slots=True)
class PollFailure:
    """One failed poll of a feed: the error, when to retry, and whether the feed is now disabled."""

    feed_id: int
    checked: datetime
    next_check: datetime
    error: str
    disable: bool = False
    notice: str | None = None
    #: As :attr:`PollRecord.owner`.
    owner: str | None = None


class TagEvent(StrEnum):
    """Why a post's tags entered the chat's tag history."""

    SENT = "sent"
    #: An admin chose the tags of a post awaiting approval: the chat's vocabulary, even unsent.
    DECIDED = "decided"


@dataclass(frozen=True, slots=True)
class TagRule:
    """An admin's runtime rule for a tag: write `alias` instead, or (alias None) never use it."""

    tag: str
    alias: str | None = None
    author: str | None = None

    @property
    def blocked(self) -> bool:
        return self.alias is None


@dataclass(frozen=True, slots=True)
class MessageReactions:
    """The reactions Telegram counts on one message: a ``message_reaction_count`` update."""

    chat_id: int
    message_id: int
    #: Emoji (or ``custom:<id>``, ``paid``) → how many people reacted with it.
    counts: dict[str, int]
    at: datetime
    #: The chat's @username, when it has one: posts may name their chat by it.
    chat_username: str | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class TagReactions:
    """How the posts carrying one tag fared: how many there were, and the reactions on them all."""

    tag: str
    posts: int
    reactions: int

    @property
    def per_post(self) -> float:
        return self.reactions / self.posts if self.posts else 0.0


@dataclass(frozen=True, slots=True)
class PublishedCounts:
    """The store's raw figures of the posts sent between two moments, to one chat or all of them."""

    #: Posts sent in each interval asked for (its start): the local days of a window.
    sent: tuple[tuple[datetime, int], ...] = ()
    #: Posts per feed, most first; None is the posts no feed queued (scheduled, pasted).
    feeds: tuple[tuple[str | None, int], ...] = ()
    #: The most used tags, most first, in their latest spelling.
    tags: tuple[TagUse, ...] = ()
    #: The tags whose posts drew the most reactions per post, most first.
    reactions: tuple[TagReactions, ...] = ()
    #: Posts that drew reactions, and the reactions on them.
    reacted_posts: int = 0
    reactions_total: int = 0

    @property
    def posts(self) -> int:
        return sum(count for _, count in self.sent)


#: How each kind of Article field is written into a record and read back.
_FieldKind = Literal["text", "moment", "strings"]
_KINDS: dict[object, _FieldKind] = {
    str: "text",
    str | None: "text",
    datetime | None: "moment",
    tuple[str, ...]: "strings",
}


def _article_fields() -> tuple[tuple[str, _FieldKind], ...]:
    """Every field of :class:`Article` with its kind, read off the class itself.

    A field of a type with no record format stops the import here, rather than being silently
    dropped from every queued post.
    """
    hints = get_type_hints(Article)
    found = []
    for item in fields(Article):
        kind = _KINDS.get(hints[item.name])
        if kind is None:
            raise TypeError(f"Article.{item.name}: no record format for {hints[item.name]}; add one here")
        found.append((item.name, kind))
    return tuple(found)


_ARTICLE_FIELDS = _article_fields()


def article_to_dict(article: Article) -> dict[str, object]:
    """An article as JSON-ready data, for backends that store it as one document.

    Empty values (None, "", no items) are left out; reading fills in the field's default.
    """
    data: dict[str, object] = {}
    for name, kind in _ARTICLE_FIELDS:
        value = getattr(article, name)
        if kind == "moment":
            value = value.isoformat() if value else None
        elif kind == "strings":
            value = list(value)
        if value not in (None, "", []):
            data[name] = value
    return data


def article_from_dict(data: Mapping[str, object]) -> Article:
    """The inverse of :func:`article_to_dict`; a value of the wrong type reads as missing."""
    values: dict[str, Any] = {"text": ""}
    for name, kind in _ARTICLE_FIELDS:
        value = data.get(name)
        if kind == "text" and isinstance(value, str):
            values[name] = value
        elif kind == "moment" and isinstance(value, str):
            values[name] = datetime.fromisoformat(value)
        elif kind == "strings" and isinstance(value, list):
            values[name] = tuple(str(item) for item in value)
    return Article(**values)
