"""Poll feeds into the store: fetch, parse, filter, deduplicate and queue, one feed at a time.

A feed's failure is recorded on that feed and never reaches another: every error becomes a
readable ``last_error``, a retry after an exponential backoff (capped at a day) and, after too many
in a row, a disabled feed and a notice for admins. A poll's seen items, queued posts and new
validators are saved in one transaction, so a crash mid-poll only means the poll is done again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import utcnow
from bot.errors import FetchError, IngestError, LeaseLost, SourceFormatError, UnexpectedError
from bot.ingest.discovery import discover_feeds, looks_like_html
from bot.ingest.feeds import ParsedFeed, parse_feed
from bot.ingest.filters import ItemFilter
from bot.ingest.http import Fetched, Fetcher
from bot.ingest.links import dedup_keys, item_key
from bot.ingest.pages import fetch_article, with_page
from bot.logs import log_fields
from bot.models import Article
from bot.storage import (
    Feed,
    FeedClaim,
    FeedMedia,
    NewPost,
    PollFailure,
    PollRecord,
    PostState,
    Revision,
    Store,
)
from bot.workers import FEED_LEASE, worker_id

logger = logging.getLogger(__name__)

DAY = 24 * 60 * 60
#: With ``fetch_pages`` on, an item whose feed text is shorter than this is a teaser.
TEASER_CHARS = 1500


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """Poller settings, built from Settings in the composition root."""

    #: The first poll of a new feed queues at most this many of its newest items.
    first_items: int = 1
    #: Consecutive failures after which a feed is disabled.
    max_failures: int = 10
    #: Where posts go when a feed names no chat ("" until a channel is configured).
    default_chat: str = ""
    #: How long after its post an item's correction still edits it (``--edit-updates`` feeds).
    edit_window: timedelta = timedelta(hours=48)
    #: Claimed polls in flight at once (the fetcher bounds the requests); claims come in batches
    #: of about half this as polls finish, so workers sharing the feeds share them as they go.
    parallel: int = 16
    lease: timedelta = FEED_LEASE


class Outcome(StrEnum):
    UPDATED = "updated"
    NOT_MODIFIED = "not modified"
    FAILED = "failed"
    DISABLED = "disabled"
    #: The claim expired and another worker polled the feed instead; nothing of this poll was saved.
    TAKEN_OVER = "taken over"


@dataclass(frozen=True, slots=True)
class PollResult:
    """What polling one feed did, for logs and the CLI."""

    feed: Feed
    outcome: Outcome
    new_items: int = 0
    queued: tuple[int, ...] = ()
    error: str | None = None
    #: The failure was a bug in hashbot (an unexpected exception), not the feed's fault.
    unexpected: bool = False


def _taken_over(feed: Feed, lost: LeaseLost) -> PollResult:
    logger.warning("feed %s: %s; this poll is dropped", feed.label, lost)
    return PollResult(feed, Outcome.TAKEN_OVER, error=str(lost))


def with_media(item: Article, media: FeedMedia) -> Article:
    """`item` carrying only the media its feed wants in posts."""
    if media is FeedMedia.ALL:
        return item
    if media is FeedMedia.FIRST:
        return replace(item, images=item.images[:1], video=None)
    return replace(item, image=None, images=(), video=None)


def revised(old: Article, new: Article, *, compare_text: bool = True) -> bool:
    """Whether a feed item says something else than when it was queued: its title, or its text."""

    def same(a: str | None, b: str | None) -> bool:
        return " ".join((a or "").split()) == " ".join((b or "").split())

    return not same(old.title, new.title) or (compare_text and not same(old.text, new.text))


def retry_delay(interval: int, failures: int) -> int:
    """Seconds before the next try: the interval doubled per failure in a row, at most a day."""
    if failures <= 0:
        return interval
    return max(interval, min(interval * (1 << min(failures, 32)), DAY))


def chronological(items: Sequence[Article]) -> list[Article]:
    """Oldest first: by date when every item has one, else the reverse of feed order (newest first)."""
    if items and all(item.published for item in items):
        return sorted(items, key=lambda item: item.published or datetime.min)
    return list(reversed(items))


@dataclass(frozen=True, slots=True)
class Selection:
    """Which of a feed's items to remember as seen, and which of them to queue."""

    seen_keys: tuple[str, ...]
    to_queue: tuple[Article, ...]


def select_items(
    items: Sequence[Article], *, seen: set[str], accept: ItemFilter, first_poll: bool, first_items: int
) -> Selection:
    """Pure: every unseen item is remembered; those the filter accepts are queued, oldest first.

    A first poll queues only the newest `first_items`: adding a feed must not flood the channel.
    """
    fresh: dict[str, Article] = {}
    for item in items:
        key = item_key(item)
        if key not in seen and key not in fresh:
            fresh[key] = item
    wanted = chronological([item for item in fresh.values() if accept.accepts(item)])
    if first_poll:
        wanted = wanted[len(wanted) - first_items :] if first_items > 0 else []
    return Selection(seen_keys=tuple(fresh), to_queue=tuple(wanted))


async def follow_discovery(fetcher: Fetcher, fetched: Fetched, *, label: str) -> Fetched:
    """`fetched` itself when it is a feed; for a web page, the feed it announces, fetched.

    The feed found carries its address in ``moved_to``, so the caller can store it instead of the
    page's. Raises SourceFormatError when the page announces no feed, or only another page.
    """
    if not looks_like_html(fetched.body, fetched.content_type):
        return fetched
    found = discover_feeds(fetched.body, base_url=fetched.url)
    if not found:
        raise SourceFormatError(label, "is a web page, not a feed, and it announces no feed")
    discovered = await fetcher.fetch(found[0])
    if looks_like_html(discovered.body, discovered.content_type):
        raise SourceFormatError(label, f"the page announces {found[0]}, which is a web page too")
    return replace(discovered, moved_to=discovered.moved_to or found[0])


class Poller:
    """Polls feeds through a :class:`Fetcher` into a :class:`Store`."""

    def __init__(
        self,
        *,
        store: Store,
        fetcher: Fetcher,
        policy: PollPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
        worker: str | None = None,
    ) -> None:
        self._store = store
        #: Whose claims this poller takes (bot.workers); one name per process.
        self.worker = worker or worker_id()
        self._fetcher = fetcher
        self._policy = policy or PollPolicy()
        self._clock = clock
        self._listeners: list[Callable[[PollResult, float], None]] = []

    async def poll_many(
        self, feeds: Iterable[Feed], *, on_done: Callable[[PollResult], None] | None = None
    ) -> list[PollResult]:
        """Poll feeds concurrently (the fetcher bounds how many requests run at once), unclaimed:
        for a store no other worker uses.

        `on_done` is called with each feed's result as soon as that feed is done, for progress.
        """
        results = await asyncio.gather(*(self._poll_isolated(feed, None, on_done) for feed in feeds))
        self._summarize(results)
        return list(results)

    async def poll_claimed(
        self,
        *,
        feed_ids: Sequence[int] | None = None,
        unchecked_since: datetime | None = None,
        on_done: Callable[[PollResult], None] | None = None,
    ) -> list[PollResult]:
        """Claim feeds (see :class:`~bot.storage.FeedClaim`) and poll them until none is left.

        Due feeds, or with `unchecked_since` those not checked since then; only `feed_ids` when
        given. Up to :attr:`PollPolicy.parallel` polls run at once; more are claimed whenever half
        of them are done, so other workers claiming beside this one take the rest as they go.
        """
        parallel = max(self._policy.parallel, 1)
        running: set[asyncio.Task[PollResult]] = set()
        results: list[PollResult] = []
        more = True
        try:
            while True:
                if more and len(running) <= parallel // 2:
                    claim = FeedClaim(
                        owner=self.worker,
                        now=self._clock(),
                        lease=self._policy.lease,
                        limit=parallel - len(running),
                        feed_ids=None if feed_ids is None else tuple(feed_ids),
                        unchecked_since=unchecked_since,
                    )
                    feeds = self._store.claim_feeds(claim)
                    more = bool(feeds)
                    for feed in feeds:
                        running.add(asyncio.create_task(self._poll_isolated(feed, self.worker, on_done)))
                if not running:
                    break
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                results.extend(task.result() for task in done)
        finally:
            for task in running:  # cancelled (hashbot stopping): their claims expire or are released
                task.cancel()
        self._summarize(results)
        return results

    def _summarize(self, results: Sequence[PollResult]) -> None:
        if results:
            counts = {outcome: sum(r.outcome is outcome for r in results) for outcome in Outcome}
            logger.info(
                "polled %d feeds: %s; %d posts queued",
                len(results),
                ", ".join(f"{n} {outcome.value}" for outcome, n in counts.items() if n),
                sum(len(r.queued) for r in results),
            )

    def observe(self, listener: Callable[[PollResult, float], None]) -> None:
        """Hand every feed's result and the seconds its poll took to `listener` (the metrics)."""
        self._listeners.append(listener)

    async def _poll_isolated(
        self, feed: Feed, owner: str | None, on_done: Callable[[PollResult], None] | None
    ) -> PollResult:
        started = time.perf_counter()
        with log_fields(feed_id=feed.id):
            try:
                result = await self.poll(feed, owner=owner)
            except LeaseLost as lost:
                result = _taken_over(feed, lost)
            except Exception as exc:  # a bug or a parser crash on one feed must not stop the others
                logger.exception("feed %s: unexpected error while polling", feed.label)
                bug = UnexpectedError(feed.label, exc)
                try:
                    result = replace(
                        self._fail(feed, str(bug), now=self._clock(), owner=owner), unexpected=True
                    )
                except LeaseLost as lost:
                    result = _taken_over(feed, lost)
        for listener in self._listeners:
            listener(result, time.perf_counter() - started)
        if on_done is not None:
            on_done(result)
        return result

    async def poll(self, feed: Feed, *, owner: str | None = None) -> PollResult:
        """Poll one feed and record the outcome on it; under `owner`'s claim when given (LeaseLost
        when that claim was lost meanwhile: nothing is recorded then)."""
        now = self._clock()
        try:
            fetched = await self._fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
            if fetched.not_modified:
                self._store.save_poll(
                    PollRecord(
                        feed_id=feed.id,
                        checked=now,
                        next_check=now + timedelta(seconds=feed.interval),
                        etag=fetched.etag or feed.etag,
                        last_modified=fetched.last_modified or feed.last_modified,
                        owner=owner,
                    )
                )
                return PollResult(feed, Outcome.NOT_MODIFIED)
            fetched, notices = await self._follow_discovery(feed, fetched)
            parsed = await asyncio.to_thread(
                parse_feed,
                fetched.body,
                url=fetched.url,
                content_type=fetched.content_type,
                source=feed.label,
            )
            return await self._record(feed, fetched, parsed, notices=notices, now=now, owner=owner)
        except IngestError as error:
            message = error.problem if error.source in (feed.url, feed.label) else str(error)
            return self._fail(feed, message, now=now, error=error, owner=owner)

    async def _follow_discovery(self, feed: Feed, fetched: Fetched) -> tuple[Fetched, tuple[str, ...]]:
        """A web page where a feed was expected: poll the feed the page announces instead."""
        found = await follow_discovery(self._fetcher, fetched, label=feed.label)
        if found is fetched:
            return fetched, ()
        logger.info(
            "feed %s: the address is a web page; using the feed it announces, %s", feed.label, found.url
        )
        notice = (
            f"Feed “{feed.label}”: {feed.url} is a web page; "
            f"hashbot now polls the feed it announces, {found.moved_to}."
        )
        return found, (notice,)

    async def _record(
        self,
        feed: Feed,
        fetched: Fetched,
        parsed: ParsedFeed,
        *,
        notices: tuple[str, ...],
        now: datetime,
        owner: str | None,
    ) -> PollResult:
        items = [replace(item, lang=feed.lang or item.lang, source=feed.label) for item in parsed.items]
        selection = select_items(
            items,
            seen=self._store.seen_keys(feed.id, [item_key(item) for item in items]),
            accept=ItemFilter.parse(feed.include, feed.exclude),
            first_poll=feed.last_success is None,
            first_items=self._policy.first_items,
        )
        posts = [
            NewPost(
                article=with_media(await self._complete(feed, item), feed.media),
                chat=feed.chat or self._policy.default_chat,
                topic=feed.topic,
                keys=dedup_keys(item),
                feed_id=feed.id,
                template=feed.template,
                tags=feed.tags,
                silent=feed.silent,
                telegraph=feed.telegraph,
                mastodon=feed.mastodon,
            )
            for item in selection.to_queue
        ]
        queued = self._store.save_poll(
            PollRecord(
                feed_id=feed.id,
                checked=now,
                next_check=now + timedelta(seconds=feed.interval),
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                url=fetched.moved_to,
                seen_keys=selection.seen_keys,
                # A digest feed's items wait aside for its next digest instead of the queue.
                posts=() if feed.digest_at else tuple(posts),
                digest_items=tuple(posts) if feed.digest_at else (),
                notices=notices,
                revisions=self._revisions(feed, items, now=now) if feed.edit_updates else (),
                owner=owner,
            )
        )
        if selection.seen_keys:
            logger.info("feed %s: %d new items, %d queued", feed.label, len(selection.seen_keys), len(queued))
        return PollResult(feed, Outcome.UPDATED, new_items=len(selection.seen_keys), queued=tuple(queued))

    def _revisions(self, feed: Feed, items: Sequence[Article], *, now: datetime) -> tuple[Revision, ...]:
        """The feed's posts whose item came back changed: waiting ones get the new article, sent
        ones (within the edit window) also wait to be edited. Items are matched by guid only."""
        by_guid = {item.id: item for item in items if item.id}
        if not by_guid:
            return ()
        revisions = []
        for post in self._store.feed_posts(feed.id, by_guid, sent_since=now - self._policy.edit_window):
            new = by_guid[post.article.id or ""]
            # A page-completed text is not the feed's: only the title can tell a correction then.
            if not revised(post.article, new, compare_text=not feed.fetch_pages):
                continue
            if feed.fetch_pages:
                new = replace(new, text=post.article.text, summary=post.article.summary)
            edit = post.state is PostState.SENT
            revisions.append(Revision(post_id=post.id, article=with_media(new, feed.media), edit=edit))
            logger.info(
                "feed %s: item %s changed; post %d %s",
                feed.label,
                new.id,
                post.id,
                "will be edited" if edit else "updated before it goes out",
            )
        return tuple(revisions)

    async def _complete(self, feed: Feed, item: Article) -> Article:
        """The item's page text when the feed gives only a teaser and the feed asks for pages."""
        if not feed.fetch_pages or not item.url or len(item.text) >= TEASER_CHARS:
            return item
        try:
            return with_page(item, await fetch_article(self._fetcher, item.url))
        except IngestError as error:
            logger.warning("feed %s: keeping the feed's teaser; the page failed: %s", feed.label, error)
            return item

    def _fail(
        self,
        feed: Feed,
        message: str,
        *,
        now: datetime,
        error: IngestError | None = None,
        owner: str | None = None,
    ) -> PollResult:
        failures = feed.error_count + 1
        gone = isinstance(error, FetchError) and error.status == 410
        disable = gone or failures >= self._policy.max_failures
        delay = retry_delay(feed.interval, failures)
        if isinstance(error, FetchError) and error.retry_after:
            delay = max(delay, min(int(error.retry_after), DAY))
        notice = None
        if disable:
            why = "the server says it is gone for good" if gone else f"{failures} failures in a row"
            notice = (
                f"Feed “{feed.label}” was disabled: {why}. Last error: {message}. "
                f"Re-enable it with: hashbot feeds enable {feed.id}"
            )
        self._store.save_failure(
            PollFailure(
                feed_id=feed.id,
                checked=now,
                next_check=now + timedelta(seconds=delay),
                error=message,
                disable=disable,
                notice=notice,
                owner=owner,
            )
        )
        logger.warning("feed %s: %s%s", feed.label, message, " (feed disabled)" if disable else "")
        return PollResult(feed, Outcome.DISABLED if disable else Outcome.FAILED, error=message)
