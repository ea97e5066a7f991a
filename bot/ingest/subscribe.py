"""Subscribing to a feed: what `hashbot feeds add` and the bot's /addfeed share.

A feed is checked before it is saved: its settings must be usable by the poller and, when a
fetcher is given, its address is fetched once through the poller's own parsing and discovery, so
whoever adds it learns at once whether it is a feed (and a site's home page becomes the feed it
announces). Nothing is saved when a check fails.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import time

from bot.clock import Clock
from bot.config import is_chat
from bot.errors import ConfigError, StoreError
from bot.ingest.feeds import parse_feed
from bot.ingest.filters import ItemFilter
from bot.ingest.http import Fetcher
from bot.ingest.local import is_web_address
from bot.ingest.poller import follow_discovery
from bot.storage import Feed, NewFeed, Store

#: The longest time between two polls of a feed, in seconds.
_MAX_INTERVAL = 366 * 86400


@dataclass(frozen=True, slots=True)
class FeedCheck:
    """What fetching a feed once showed."""

    #: The feed's address: the one given, or the feed that page announces.
    url: str
    title: str | None
    items: int
    #: The address given, when it was a web page (or a permanent redirect) leading to `url`.
    given: str | None = None


def check_feed(feed: NewFeed) -> NewFeed:
    """Refuse a feed the poller could not use, before it is saved."""
    if not is_web_address(feed.url):
        raise ConfigError(feed.url, "a feed address must start with http:// or https://")
    if feed.chat is not None and not is_chat(feed.chat):
        raise ConfigError(feed.url, f"chat {feed.chat!r} is neither @username nor a numeric chat id")
    if feed.topic is not None and not 0 < feed.topic < 2**31:
        raise ConfigError(feed.url, f"topic {feed.topic} is not a forum topic id (a positive number)")
    for moment in feed.digest_at:
        try:
            time.fromisoformat(moment)
        except ValueError:
            raise ConfigError(feed.url, f"digest time {moment!r} is not a time of day as HH:MM") from None
    if feed.interval > _MAX_INTERVAL:
        # Far beyond a year, the next check overflows datetime and the store's integers.
        raise ConfigError(
            feed.url, f"an interval of {feed.interval // 86400} days is more than a year between polls"
        )
    ItemFilter.parse(feed.include, feed.exclude)
    return feed


async def probe_feed(fetcher: Fetcher, url: str) -> FeedCheck:
    """Fetch and parse the feed at `url` once; raises IngestError saying why it is not a feed."""
    fetched = await follow_discovery(fetcher, await fetcher.fetch(url), label=url)
    parsed = await asyncio.to_thread(
        parse_feed, fetched.body, url=fetched.url, content_type=fetched.content_type, source=url
    )
    moved = fetched.moved_to
    return FeedCheck(
        url=moved or url, title=parsed.title, items=len(parsed.items), given=url if moved else None
    )


def find_feed(store: Store, ref: str) -> Feed | None:
    """A feed by its id (digits, optionally after #) or its address."""
    number = ref.removeprefix("#")
    return store.feed(int(number)) if number.isdecimal() else store.feed(ref)


async def subscribe(
    store: Store, feed: NewFeed, *, clock: Clock, fetcher: Fetcher | None = None
) -> tuple[Feed, FeedCheck | None]:
    """Check `feed`, probe it when `fetcher` is given, and save it; the saved feed and the probe.

    A probed feed is saved under the address that works (the feed a page announces) and, when
    it has no name, under the feed's own title. Raises ConfigError, IngestError or StoreError.
    """
    check_feed(feed)
    _refuse_duplicate(store, feed.url)
    probe = None
    if fetcher is not None:
        probe = await probe_feed(fetcher, feed.url)
        if probe.url != feed.url:
            _refuse_duplicate(store, probe.url)
        feed = replace(feed, url=probe.url, name=feed.name or probe.title)
    return store.add_feed(feed, now=clock()), probe


def _refuse_duplicate(store: Store, url: str) -> None:
    existing = store.feed(url)
    if existing is not None:
        raise StoreError(f"{url}: already subscribed as feed {existing.id} ({existing.label})")
