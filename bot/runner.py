"""One poll pass and one publish pass: what every scheduled job and `hashbot run --once` call.

A post moves ``queued → sending → sent``, by the events of :mod:`bot.storage.lifecycle` (the
store refuses any move its table does not allow). ``sending`` is committed *before* the send, so a crash
between Telegram's answer and its record leaves the post in ``sending``; :meth:`Runner.recover`
turns those into ``uncertain`` at start-up instead of sending them again. Other outcomes:

- a refused post (bad template, Telegram's 400) is ``failed`` for good;
- a post that could not be delivered (Telegram unreachable) goes back to ``queued`` with its error
  and is tried again at the next slot, until :data:`MAX_SEND_ATTEMPTS`, then ``failed``;
- 403 (the bot was removed from the channel): the post goes back to the queue and the pass stops;
  the bot's :class:`~bot.telegram.PublishGate` has paused publishing (in the store) and told the admins;
- a send whose answer was lost (:class:`~bot.errors.PublishUncertain`) is ``uncertain``;
- a post "sent" to a preview while the live bot is in dry run is ``skipped``.

With approval on (``HASHBOT_APPROVAL``), a feed post a slot would publish is moved to ``awaiting``
instead and handed to ``on_awaiting`` (the admins' previews). An admin's [Publish] sends it at once
through :meth:`Runner.publish_approved`, the same claim and send as a slot's, from ``awaiting``;
[Queue] puts it back approved, so a later slot sends it without asking again. Only feed posts
and digests wait (:attr:`PostKind.awaits_approval`); one-off and manual posts were queued by an
admin, and a resent post was approved by the admin who resent it.

Nothing here knows about Telegram or the scheduler: the jobs call these methods with the clock
they were given, and tests call them directly.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from datetime import time as day_time
from typing import TYPE_CHECKING, Protocol

from bot.chat_vocabulary import NO_VOCABULARY
from bot.clock import Clock, utcnow
from bot.errors import (
    HashbotError,
    MastodonError,
    PublishError,
    PublishForbidden,
    PublishPaused,
    PublishRefused,
    PublishUncertain,
    RenderError,
)
from bot.ingest.links import dedup_keys
from bot.logs import log_fields
from bot.models import Article, Post, Receipt, Tag, TagReason, Target
from bot.pipeline import PostPlanner, Publisher
from bot.planner import Pending, PublishSchedule, choose_posts, digest_due
from bot.render import shows_whole_article
from bot.storage import DigestItem, Feed, NewPost, PostEvent, PostKind, PostState, QueuedPost, Store
from bot.vocabulary import VocabularyCache
from bot.workers import SENDER, SENDER_HANDOVER, SENDER_LEASE, holder_gone, worker_id

if TYPE_CHECKING:  # the poller brings the HTTP client: `hashbot status` and `schedule` need neither
    from bot.ingest.poller import Poller, PollResult

logger = logging.getLogger(__name__)

#: Deliveries tried (one per slot) before a post that Telegram never accepted is given up.
MAX_SEND_ATTEMPTS = 5
#: Items in one digest post at most; more make several posts.
DIGEST_ITEMS = 10
#: The template a post's Mastodon status is rendered with.
MASTODON_TEMPLATE = "mastodon.txt.j2"
#: Mastodon statuses posted per pass at most: the account's rate limit is its own, not Telegram's.
MASTODON_PER_PASS = 5
#: Waits after each failed try of a status; after the last, it is given up (``failed``).
MASTODON_BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
)
#: A day and an hour of sent history covers both caps whatever the time zone.
_HISTORY = timedelta(hours=25)


class Editor(Protocol):
    """Edits a message already in the channel so that it shows `post` (an item's correction)."""

    async def edit(self, post: Post, message_id: int) -> None: ...


class CrossPoster(Protocol):
    """Publishes a post's text elsewhere (Mastodon); `key` makes a repeated call post once."""

    async def post_status(self, text: str, *, key: str) -> str: ...


class LongReads(Protocol):
    """Makes an article's full text a page the post can link (Telegraph); None when it cannot."""

    async def page_for(self, article: Article) -> str | None: ...


@dataclass(frozen=True, slots=True)
class RunnerConfig:
    """How the run loop publishes: built once from the settings (:func:`bot.app.build_runner`)."""

    schedule: PublishSchedule
    #: The configured channel; posts for another chat (or a topic) get a Target.
    channel: str | None = None
    #: Feed posts wait for an admin's decision before the channel (needs a watcher that asks).
    approval: bool = False
    #: A dry run on a copy of the store records previews as sent, so caps behave as for real.
    previews_count_as_sent: bool = False
    #: How many days of a chat's tag history steer its new posts' tags; 0: none.
    vocabulary_days: int = 0
    #: Every long article gets a Telegraph page (``HASHBOT_TELEGRAPH``), not only its feed's asking.
    long_reads_for_all: bool = False
    #: Every post sent to the channel becomes a Mastodon status, not only its feed's asking.
    mastodon_all: bool = True


@dataclass(slots=True)
class PublishReport:
    """What one publish pass did, by post id."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)
    uncertain: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    #: Moved to ``awaiting`` and put to the admins.
    held: list[int] = field(default_factory=list)
    #: Shown to the admins because dry run is on; still queued.
    previewed: list[int] = field(default_factory=list)
    #: Sent posts whose channel message was edited to show their item's correction.
    edited: list[int] = field(default_factory=list)
    #: Posts whose Mastodon status went out in this pass.
    cross_posted: list[int] = field(default_factory=list)
    paused: str | None = None
    #: Seconds each send to the publisher took, whatever its outcome (for the metrics).
    send_seconds: list[float] = field(default_factory=list)

    @property
    def done(self) -> bool:
        """Whether a post was claimed and sent, or at least tried."""
        return bool(self.sent or self.failed or self.retry or self.uncertain or self.skipped)


class RunWatcher(Protocol):
    """Who hears of the posts the run loop cannot settle alone: the admins' desks."""

    async def on_uncertain(self, posts: Sequence[QueuedPost]) -> None:
        """Posts that may or may not have reached the chat: a person must tell."""

    async def on_awaiting(self, posts: Sequence[QueuedPost]) -> None:
        """Posts awaiting approval, for the admins who have not seen them yet."""


class PublishesApproved(Protocol):
    """What an admin's [Publish] needs from the run loop (the approval desk's one use of it)."""

    async def publish_approved(self, post_id: int) -> PublishReport: ...


class RendersPosts(Protocol):
    """Tells whether a queued post can be rendered, recording it ``failed`` when it cannot."""

    def renderable(self, queued: QueuedPost) -> Post | None: ...


#: A chat's post in these states means the chat has (or may have) the article already.
RECEIVED = frozenset({PostState.SENT, PostState.SENDING, PostState.UNCERTAIN})
#: A chat's post in these states is still to go out.
WAITING = frozenset({PostState.QUEUED, PostState.AWAITING})


@dataclass(frozen=True, slots=True)
class PostNow:
    """What publishing one article at once did (:meth:`Runner.post_now`).

    ``duplicate`` is the chat's post of the same article, when there is one and nothing was done.
    """

    post: QueuedPost | None = None
    report: PublishReport = field(default_factory=lambda: PublishReport())
    duplicate: QueuedPost | None = None


def queue_one_off(store: Store, article: Article, *, when: datetime, chat: str, now: datetime) -> int | None:
    """Queue `article` to go out at `when` whatever the slots say; None if the chat already has it."""
    keys = dedup_keys(article)
    post = NewPost(article=article, chat=chat, keys=keys, kind=PostKind.ONE_OFF, scheduled=when)
    return store.enqueue(post, now=now)


class _Nobody:
    """The watcher of a run loop nobody watches (a dry run without a bot): nothing to tell."""

    async def on_uncertain(self, posts: Sequence[QueuedPost]) -> None:
        return None

    async def on_awaiting(self, posts: Sequence[QueuedPost]) -> None:
        return None


class Runner:
    """Polls feeds into the store and publishes what the schedule lets out, one pass at a time.

    Built first, before the bot: the bot's desks are handed the runner (as
    :class:`PublishesApproved` and :class:`RendersPosts`), then :meth:`watch` it. That is the one
    place the bot ↔ run loop cycle is closed.
    """

    def __init__(
        self,
        *,
        store: Store,
        planner: PostPlanner,
        publisher: Publisher,
        config: RunnerConfig,
        poller: Poller | None = None,
        clock: Clock = utcnow,
        previewer: Publisher | None = None,
        long_reads: LongReads | None = None,
        editor: Editor | None = None,
        mastodon: CrossPoster | None = None,
        worker: str | None = None,
        gone: Callable[[str], bool] = holder_gone,
    ) -> None:
        self._store = store
        #: Tells whether another worker's process no longer runs, so its sender lease is void.
        self._gone = gone
        #: This process among the workers on the store: it sends only while it holds the sender lease.
        self.worker = worker or worker_id()
        #: Who held the sender lease when this worker last asked (None: not asked yet).
        self._sender: str | None = None
        #: When this worker's last send ended: its sender lease outlives it by a pacing window.
        self._last_send: datetime | None = None
        #: While the store says dry run (`/dryrun on`), a slot shows its posts here, leaves them
        #: queued, and the store remembers each was shown (a restart does not show it again).
        self._previewer = previewer
        self._config = config
        self._clock = clock
        self._planner = planner
        #: Each chat's vocabulary, brought up to date from the store for every post rendered.
        self._vocabularies = VocabularyCache(
            store, days=config.vocabulary_days, blocked=planner.tag_options.blocklist
        )
        self._publisher = publisher
        self._poller = poller
        self._watcher: RunWatcher = _Nobody()
        self._report_listeners: list[Callable[[PublishReport], None]] = []
        #: Where long articles get their page, for every post or those whose feed asks.
        self._long_reads = long_reads
        #: Edits the channel messages of corrected items; None (dry runs): corrections wait.
        self._editor = editor
        #: Where sent posts are cross-posted; None: nowhere.
        self._mastodon = mastodon
        self._publishing = asyncio.Lock()
        self._stopping = False
        self._stop_listeners: list[Callable[[], None]] = []

    def watch(self, watcher: RunWatcher) -> None:
        """Tell `watcher` (the bot's desks) of uncertain posts and posts awaiting approval."""
        self._watcher = watcher

    def on_report(self, listener: Callable[[PublishReport], None]) -> None:
        """Hand every publish pass's report to `listener` (the metrics), after the pass."""
        self._report_listeners.append(listener)

    def on_stop(self, listener: Callable[[], None]) -> None:
        """Call `listener` when a stop is requested: the publisher ends its waits for Telegram's limits."""
        self._stop_listeners.append(listener)

    @property
    def stopping(self) -> bool:
        """Whether :meth:`request_stop` was called: no further post is sent, no job re-armed."""
        return self._stopping

    def request_stop(self) -> None:
        """Send no further post (a signal handler's part; :meth:`stop` then waits for the send).

        A post waiting its turn under Telegram's limits stops waiting (the stop listeners) and
        stays queued, so a stop during a long pacing wait is prompt and loses nothing.
        """
        if self._stopping:
            return
        self._stopping = True
        for listener in self._stop_listeners:
            listener()

    # Start-up and shutdown

    async def recover(self) -> list[QueuedPost]:
        """Posts a crash left in ``sending`` become ``uncertain`` and admins are asked about them.

        Only by the sender (:meth:`_busy_sender`): another worker's ``sending`` post is its send in
        flight. Posts awaiting approval are handed to ``on_awaiting`` again, so an admin who never
        got their preview (hashbot stopped before sending it, Telegram was down) gets it now.
        """
        async with self._publishing:
            stuck = await self._become_sender()
        awaiting = self._store.posts(states=[PostState.AWAITING])
        if awaiting:
            await self._watcher.on_awaiting(awaiting)
        return stuck or []

    async def stop(self) -> None:
        """Let the send in flight finish and record it; no further post is sent.

        The worker's claims go back to the store: its feeds can be polled by another at once,
        and its sender lease ends a pacing window after its last send
        (:data:`~bot.workers.SENDER_HANDOVER`), so the next sender keeps Telegram's limits.
        """
        self.request_stop()
        async with self._publishing:
            if self._sender == self.worker:
                now = self._clock()
                last = self._last_send
                expires = max(now, last + SENDER_HANDOVER) if last is not None else now
                self._store.release_lease(SENDER, owner=self.worker, expires=expires)
                self._sender = None
        self._store.release_feeds(self.worker)

    async def _become_sender(self) -> list[QueuedPost] | None:
        """Take or renew the sender lease (:mod:`bot.workers`); None when another worker holds it.

        Taking it (at start-up, or over from a worker that died), the posts left in ``sending``
        become ``uncertain``, since nobody can be sending them now, and the admins are asked about
        them: those are returned (none on a renewal).
        """
        now, was = self._clock(), self._sender
        self._sender = self._store.take_lease(SENDER, owner=self.worker, now=now, expires=now + SENDER_LEASE)
        if self._sender != self.worker and self._gone(self._sender):
            logger.info("the sender %s no longer runs; this worker takes over", self._sender)
            self._store.release_lease(SENDER, owner=self._sender, expires=now)
            self._sender = self._store.take_lease(
                SENDER, owner=self.worker, now=now, expires=now + SENDER_LEASE
            )
        if self._sender != self.worker:
            return None
        if was == self.worker:
            return []
        stuck = self._store.mark_sending_uncertain(now=now)
        for post in stuck:
            logger.warning(
                "post %d was being sent when hashbot stopped: marked uncertain, admins decide", post.id
            )
        if stuck:
            await self._watcher.on_uncertain(stuck)
        return stuck

    async def _busy_sender(self) -> str | None:
        """Why this worker may not send now (another is the sender), or None when it may."""
        if await self._become_sender() is None:
            return f"another worker ({self._sender}) is sending"
        return None

    # Polling

    async def poll_due(self) -> list[PollResult]:
        """Claim and poll every enabled feed whose next check has come (the `--once` pass)."""
        if self._poller is None:
            return []
        return await self._poller.poll_claimed()

    async def poll_feed(self, feed_id: int) -> PollResult | None:
        """Poll one feed if it is enabled, due and claimed by no other worker (a feed's job)."""
        if self._poller is None:
            return None
        results = await self._poller.poll_claimed(feed_ids=[feed_id])
        return results[0] if results else None

    # Publishing

    def paused(self) -> str | None:
        return self._store.paused()

    async def publish(self, *, regular: bool = True, digests_only: bool = False) -> PublishReport:
        """Send the due one-off posts and, with `regular`, what the slot allows of the others.

        `digests_only` (a digest time's job): collect the digests that are due and send those,
        within the caps and quiet hours as at a slot; every other post waits for its slot.
        """
        report = PublishReport()
        async with self._publishing:
            if self.stopping:
                return report
            report.paused = self.paused()
            if report.paused is not None:
                logger.info("publishing is paused (%s); the queue waits", report.paused)
                return report
            report.paused = await self._busy_sender()
            if report.paused is not None:
                logger.info("%s; this one leaves the queue to it", report.paused)
                return report
            await self._edit_revised(report)
            now = self._clock()
            self._collect_digests(now)
            queued = {
                post.id: post
                for post in self._store.posts(states=[PostState.QUEUED])
                if not digests_only or post.kind is PostKind.DIGEST
            }
            if self._config.approval and regular:
                for post in [post for post in queued.values() if _needs_approval(post)]:
                    del queued[post.id]
                    if self._hold(post):
                        report.held.append(post.id)
            schedule = self._config.schedule
            allowance = schedule.allowance(now, self._store.sent_times(now - _HISTORY)) if regular else 0
            pending = [Pending(post.id, post.created, post.due) for post in queued.values()]
            previews_only = self._previewer is not None and self._store.dry_run() is not None
            for choice in choose_posts(pending, now=now, allowance=allowance):
                if self.stopping:
                    break
                if previews_only:
                    await self._preview(queued[choice.id], report)
                    continue
                with log_fields(post_id=choice.id):
                    await self._send(queued[choice.id], report)
                # A post to try again holds back the ones after it, so the channel gets them
                # in feed order at the next slot.
                if report.paused is not None or report.retry:
                    break
            # After the sends: a post's status follows it in the same pass.
            await self._cross_post(report)
        if report.sent or report.failed or report.uncertain or report.retry:
            logger.info(
                "publish pass: %d sent, %d to retry, %d failed, %d uncertain; %d queued",
                len(report.sent),
                len(report.retry),
                len(report.failed),
                len(report.uncertain),
                len(queued) - len(report.sent) - len(report.failed) - len(report.uncertain),
            )
        if report.previewed:
            logger.info("dry run: %d posts previewed to the admins; they stay queued", len(report.previewed))
        if report.held:
            logger.info("publish pass: %d posts put to the admins for approval", len(report.held))
            await self._watcher.on_awaiting([post for post in map(self._store.post, report.held) if post])
        await self._report_uncertain(report)
        self._tell(report)
        return report

    async def publish_approved(self, post_id: int) -> PublishReport:
        """An admin's [Publish]: send a post awaiting approval now, as a slot would send it.

        The claim is the compare-and-set ``awaiting → sending``, so of two clicks (or two admins)
        one sends and the other finds nothing to do: an empty report. Paused or stopping, nothing
        is claimed and the report says why; the post keeps waiting for a decision.
        """
        report = PublishReport()
        async with self._publishing:
            report.paused = "hashbot is stopping" if self.stopping else self.paused()
            post = self._store.post(post_id)
            if report.paused is None and post is not None and post.state is PostState.AWAITING:
                with log_fields(post_id=post_id):
                    await self._send(post, report)
                await self._cross_post(report)  # its status follows at once, not at the next pass
        await self._report_uncertain(report)
        self._tell(report)
        return report

    def _tell(self, report: PublishReport) -> None:
        for listener in self._report_listeners:
            listener(report)

    async def _preview(self, queued: QueuedPost, report: PublishReport) -> None:
        """Dry run: show the admins what this slot would publish, once, and leave it queued.

        Nothing is claimed, so turning dry run off publishes exactly the posts previewed, in order.
        """
        assert self._previewer is not None
        if queued.previewed is not None:
            return  # shown already, by this process or before a restart
        post = self.renderable(queued)
        if post is None:
            report.failed.append(queued.id)
            return
        try:
            await self._previewer.publish(post)
        except PublishError as exc:
            logger.warning("dry run: post %d could not be previewed: %s", queued.id, exc)
            return
        self._store.preview(queued.id, now=self._clock())
        report.previewed.append(queued.id)

    async def post_now(
        self, article: Article, *, chat: str, again: bool = False, template: str | None = None
    ) -> PostNow:
        """Publish `article` to `chat` now (`/post`, `hashbot post`), recorded as a ``manual`` post.

        If the chat has it already (same normalized link or text hash), nothing is done and the
        chat's post is returned, unless `again`; a post of it still waiting is sent now instead of
        a copy; one that failed or was skipped is queued anew. Publishing paused, nothing stays
        queued behind the admin's back: the post is cancelled and the report says why.
        """
        paused = "hashbot is stopping" if self.stopping else self.paused()
        if paused is not None:
            return PostNow(report=PublishReport(paused=paused))
        now, keys = self._clock(), dedup_keys(article)
        existing = None if again else self._store.post_with_keys(chat, keys)
        if existing is not None and existing.state in (
            PostState.SENT,
            PostState.SENDING,
            PostState.UNCERTAIN,
        ):
            return PostNow(duplicate=existing)
        if existing is not None and existing.state in (PostState.QUEUED, PostState.AWAITING):
            post_id = existing.id
        else:
            # A copy gets no keys: the chat's earlier post of the article keeps them.
            copy_keys = () if existing or again else keys
            fresh = NewPost(
                article=article, chat=chat, keys=copy_keys, kind=PostKind.MANUAL, template=template
            )
            enqueued = self._store.enqueue(fresh, now=now)
            if enqueued is None:  # queued by another process meanwhile
                return PostNow(duplicate=self._store.post_with_keys(chat, keys))
            post_id = enqueued
        report = PublishReport()
        async with self._publishing:
            report.paused = "hashbot is stopping" if self.stopping else self.paused()
            post = self._store.post(post_id)
            if report.paused is None and post is not None:
                await self._send(post, report)
                await self._cross_post(report)  # its status follows at once, not at the next pass
        post = self._store.post(post_id)
        if report.paused is not None and post is not None and post.kind is PostKind.MANUAL:
            note = post.last_error or f"not published: {report.paused}"  # why, for /queue and the CLI
            self._store.decide(post_id, PostEvent.CANCEL, now=self._clock(), note=note)
        await self._report_uncertain(report)
        return PostNow(post=self._store.post(post_id), report=report)

    def _hold(self, queued: QueuedPost) -> bool:
        """Move a feed post to ``awaiting``; a post that cannot be rendered fails instead."""
        if self.renderable(queued) is None:
            return False
        return self._store.hold(queued.id, now=self._clock())

    async def _report_uncertain(self, report: PublishReport) -> None:
        if report.uncertain:
            await self._watcher.on_uncertain(
                [post for post in map(self._store.post, report.uncertain) if post]
            )

    def renderable(self, queued: QueuedPost) -> Post | None:
        """The rendered post, or None after recording it ``failed`` (a broken template, say)."""
        try:
            return self.render(queued)
        except HashbotError as exc:
            self._store.reject(queued.id, now=self._clock(), error=str(exc))
            logger.error("post %d cannot be rendered: %s", queued.id, exc)
            return None

    def render(self, queued: QueuedPost, *, long_read: str | None = None) -> Post:
        """The post for a queued article: its feed's template, tags and settings, and its feed's chat.

        Tags an admin chose replace the extracted ones; a feed's tags come first among them. The
        feed's settings are read now, so a feed renamed after the post was queued shows its new name.
        The extracted tags are in the chat's vocabulary, as the store holds it at this moment.
        `long_read` is the page of the article's full text for the post to link.
        """
        planner, chosen, now = self._planner, None, self._clock()
        if queued.tags_edited:
            chosen = [Tag(name, float("inf"), TagReason.FIXED) for name in queued.tags]
        elif queued.tags:
            options = planner.tag_options
            planner = replace(planner, tag_options=replace(options, fixed=options.fixed + queued.tags))
        vocabulary = NO_VOCABULARY if chosen is not None else self._vocabularies(queued.chat, now=now)
        feed = self._store.feed(queued.feed_id) if queued.feed_id is not None else None
        if queued.kind is PostKind.DIGEST:
            post = planner.plan_digest(
                queued.articles, now=now, heading=feed.label if feed else None, vocabulary=vocabulary
            )
        else:
            post = planner.plan(
                queued.article,
                template=queued.template,
                now=now,
                tags=chosen,
                feed=feed.settings() if feed else None,
                vocabulary=vocabulary,
                long_read=long_read,
            )
        if queued.chat and (queued.chat != self._config.channel or queued.topic is not None):
            post = replace(post, target=Target(chat=queued.chat, thread_id=queued.topic))
        return replace(post, silent=True) if queued.silent else post

    async def _send(self, queued: QueuedPost, report: PublishReport) -> None:
        store, post_id, clock = self._store, queued.id, self._clock
        post = self.renderable(queued)
        if post is None:
            report.failed.append(post_id)
            return
        # Committed before the send: after a crash the post is found here, never sent twice.
        # Sending a post awaiting approval approves it: if it cannot go now, it waits in the queue.
        report.paused = await self._busy_sender()  # renewed before every send, which may wait
        if report.paused is not None or not store.claim(post_id, now=clock(), tags=post.tag_names):
            return  # another worker sends; or cancelled, decided or taken meanwhile
        post = await self._with_long_read(queued, post)
        try:
            receipt = await self._timed_publish(post, report)
        except PublishPaused as exc:
            self._back_to_queue(post_id, None)
            report.paused = str(exc)
        except PublishForbidden as exc:
            # The bot's publish gate has paused publishing and told the admins (the one 403 path).
            self._back_to_queue(post_id, str(exc))
            report.paused = self.paused() or exc.pause_reason
        except PublishUncertain as exc:
            store.mark_uncertain(post_id, now=clock(), error=str(exc), tags=post.tag_names)
            report.uncertain.append(post_id)
        except PublishRefused as exc:
            store.mark_failed(post_id, now=clock(), error=str(exc))
            report.failed.append(post_id)
            logger.error("post %d failed: %s", post_id, exc)
        except PublishError as exc:
            if queued.attempts + 1 >= MAX_SEND_ATTEMPTS:
                store.mark_failed(post_id, now=clock(), error=str(exc))
                report.failed.append(post_id)
                logger.error("post %d failed after %d attempts: %s", post_id, MAX_SEND_ATTEMPTS, exc)
            else:
                self._back_to_queue(post_id, str(exc))
                report.retry.append(post_id)
                logger.warning("post %d not delivered, tried again at the next slot: %s", post_id, exc)
        except Exception as exc:  # a bug after the request may have left: never resend blindly
            logger.exception("post %d: unexpected error while sending", post_id)
            store.mark_uncertain(post_id, now=clock(), error=f"internal error: {exc!r}", tags=post.tag_names)
            report.uncertain.append(post_id)
        else:
            if receipt.preview and not self._config.previews_count_as_sent:
                store.mark_previewed(post_id, now=clock(), note="previewed in dry run, not published")
                report.skipped.append(post_id)
                return
            # They enter the chat's tag history.
            store.mark_sent(post_id, now=clock(), message_id=receipt.message_id, tags=post.tag_names)
            report.sent.append(post_id)
            if self._cross_posts(queued):
                store.queue_status(post_id, now=clock())

    async def _cross_post(self, report: PublishReport) -> None:
        """Post the due Mastodon statuses, a few per pass; a failure waits its backoff, alone.

        Each status is the post's article in the Mastodon template. Its retries, waits and final
        failure are its own: the Telegram post is sent and stays so whatever Mastodon does.
        """
        if self._mastodon is None or self._store.dry_run() is not None:
            return  # a dry run (`/dryrun`) publishes nothing, on Mastodon neither; the statuses wait
        for status in self._store.due_statuses(self._clock(), limit=MASTODON_PER_PASS):
            queued = self._store.post(status.post_id)
            if queued is None or self.stopping:
                continue
            try:
                text = self._planner.plan(queued.article, template=MASTODON_TEMPLATE, now=self._clock()).body
                url = await self._mastodon.post_status(text, key=f"hashbot-post-{queued.id}")
            except (MastodonError, RenderError) as exc:
                retry_at = self._status_retry(status.attempts, exc)
                self._store.status_failed(queued.id, str(exc), retry_at=retry_at)
                logger.warning(
                    "post %d: Mastodon status %s: %s",
                    queued.id,
                    f"tried again at {retry_at:%Y-%m-%d %H:%M} UTC" if retry_at else "given up",
                    exc,
                )
                if isinstance(exc, MastodonError) and exc.retry_at is not None:
                    return  # rate limited: the others would be refused too
                continue
            self._store.status_sent(queued.id, url)
            report.cross_posted.append(queued.id)
            logger.info("post %d: Mastodon status %s", queued.id, url)

    def _cross_posts(self, queued: QueuedPost) -> bool:
        """Whether a post sent to the channel becomes a Mastodon status (a digest never does)."""
        wanted = self._config.mastodon_all or queued.mastodon
        return self._mastodon is not None and wanted and queued.kind is not PostKind.DIGEST

    def _status_retry(self, attempts: int, exc: HashbotError) -> datetime | None:
        """When to try a failed status again, or None to give up."""
        if not isinstance(exc, MastodonError) or not exc.retry or attempts + 1 >= len(MASTODON_BACKOFF):
            return None
        return max(exc.retry_at or self._clock(), self._clock() + MASTODON_BACKOFF[attempts])

    async def _timed_publish(self, post: Post, report: PublishReport) -> Receipt:
        started = time.perf_counter()
        try:
            return await self._publisher.publish(post)
        finally:
            report.send_seconds.append(time.perf_counter() - started)
            self._last_send = self._clock()

    def _collect_digests(self, now: datetime) -> None:
        """Turn the waiting items of every digest feed whose digest time has come into digest posts.

        They then go through the queue like any post: approval, slots, caps and rate limits.
        """
        for feed in self._store.feeds():
            items = self._store.digest_items(feed.id) if feed.digest_at else []
            if not items:
                continue
            times = [day_time.fromisoformat(moment) for moment in feed.digest_at]
            since = feed.last_digest or items[0].created
            if not digest_due(times, since=since, now=now, tz=self._config.schedule.tz):
                continue
            posts = [self._digest_post(feed, chunk) for chunk in self._digest_chunks(feed, items)]
            queued = self._store.collect_digest(feed.id, [item.id for item in items], posts, now=now)
            logger.info("feed %s: %d items collected into digest posts %s", feed.label, len(items), queued)

    def _digest_chunks(self, feed: Feed, items: Sequence[DigestItem]) -> list[list[DigestItem]]:
        """The items in digests of at most DIGEST_ITEMS, halved until each renders; none is dropped."""
        pending = [list(items[start : start + DIGEST_ITEMS]) for start in range(0, len(items), DIGEST_ITEMS)]
        chunks: list[list[DigestItem]] = []
        while pending:
            chunk = pending.pop(0)
            try:
                self._planner.plan_digest(
                    [item.article for item in chunk], now=self._clock(), heading=feed.label
                )
            except HashbotError:
                if len(chunk) > 1:
                    half = len(chunk) // 2
                    pending[:0] = [chunk[:half], chunk[half:]]
                    continue
            chunks.append(chunk)
        return chunks

    def _digest_post(self, feed: Feed, chunk: Sequence[DigestItem]) -> NewPost:
        articles = tuple(item.article for item in chunk)
        return NewPost(
            article=articles[0],
            articles=articles,
            chat=feed.chat or self._config.channel or "",
            # No dedup keys: a digest is never a duplicate, and refusing one would lose its items.
            keys=(),
            feed_id=feed.id,
            topic=feed.topic,
            tags=feed.tags,
            kind=PostKind.DIGEST,
            silent=feed.silent,
        )

    async def _edit_revised(self, report: PublishReport) -> None:
        """Edit the channel messages of sent posts whose item was corrected at the source.

        Edits take no place in a slot (nothing new reaches the channel). A refused edit (the message
        was deleted, the new text cannot be a caption) is given up with a warning; one that could
        not reach Telegram is tried again at the next pass.
        """
        if self._editor is None or self._store.dry_run() is not None:
            return  # a dry run (`/dryrun`) changes nothing in the channel; the edits wait
        for queued in self._store.posts_to_edit():
            if self.stopping:
                return
            try:
                if queued.message_id is not None:
                    await self._editor.edit(self.render(queued), queued.message_id)
                    report.edited.append(queued.id)
                    logger.info("post %d edited: its item was corrected at the source", queued.id)
            except (PublishRefused, PublishUncertain, PublishForbidden, RenderError) as exc:
                logger.warning("post %d: its correction cannot be shown, left as it is: %s", queued.id, exc)
            except PublishError as exc:
                logger.warning("post %d: editing failed, tried again at the next pass: %s", queued.id, exc)
                continue
            self._store.edit_done(queued.id)

    async def _with_long_read(self, queued: QueuedPost, post: Post) -> Post:
        """The post linking the article's full text, when it shows only part of a long article."""
        wanted = (self._config.long_reads_for_all or queued.telegraph) and queued.kind is not PostKind.DIGEST
        if self._long_reads is None or not wanted or shows_whole_article(queued.article, post):
            return post
        page = await self._long_reads.page_for(queued.article)
        if page is None:
            return post
        try:
            return self.render(queued, long_read=page)
        except HashbotError as exc:  # the post rendered without the link: it goes as it was
            logger.warning(
                "post %d: the long read's link does not fit (%s); posting without it", queued.id, exc
            )
            return post

    def _back_to_queue(self, post_id: int, error: str | None) -> None:
        self._store.requeue(post_id, now=self._clock(), error=error)


def _needs_approval(post: QueuedPost) -> bool:
    """A feed post (or digest) no admin has approved; one-off and manual posts an admin queued."""
    return post.kind.awaits_approval and not post.approved
