"""One poll pass and one publish pass: what every scheduled job and `hashbot run --once` call.

A post moves ``queued → sending → sent``. ``sending`` is committed *before* the send, so a crash
between Telegram's answer and its record leaves the post in ``sending``; :meth:`Runner.recover`
turns those into ``uncertain`` at start-up instead of sending them again. Other outcomes:

- a refused post (bad template, Telegram's 400) is ``failed`` for good;
- a post that could not be delivered (Telegram unreachable) goes back to ``queued`` with its error
  and is tried again at the next slot, until :data:`MAX_SEND_ATTEMPTS`, then ``failed``;
- 403 (the bot was removed from the channel) pauses publishing, persisted, and the post waits;
- a send whose answer was lost (:class:`~bot.errors.PublishUncertain`) is ``uncertain``;
- a post "sent" to a preview while the live bot is in dry run, or handed to the admins for
  approval (``HASHBOT_APPROVAL``), is ``skipped`` here; approval publishes it on [Publish].

Nothing here knows about Telegram or the scheduler: the jobs call these methods with the clock
they were given, and tests call them directly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from bot.errors import (
    HashbotError,
    PublishError,
    PublishForbidden,
    PublishPaused,
    PublishRefused,
    PublishUncertain,
)
from bot.ingest.links import dedup_keys
from bot.ingest.poller import Poller, PollResult
from bot.models import Article, Post, Target
from bot.pipeline import PostPlanner, Publisher
from bot.planner import Pending, PublishSchedule, choose_posts
from bot.storage import NewPost, PostState, QueuedPost, Store

logger = logging.getLogger(__name__)

#: Deliveries tried (one per slot) before a post that Telegram never accepted is given up.
MAX_SEND_ATTEMPTS = 5
#: The store flag that holds why publishing is paused; absent when it is not.
PAUSED = "paused"
#: A day and an hour of sent history covers both caps whatever the time zone.
_HISTORY = timedelta(hours=25)

Clock = Callable[[], datetime]
OnUncertain = Callable[[Sequence[QueuedPost]], Awaitable[None]]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class PublishReport:
    """What one publish pass did, by post id."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)
    uncertain: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    paused: str | None = None


def queue_one_off(store: Store, article: Article, *, when: datetime, chat: str, now: datetime) -> int | None:
    """Queue `article` to go out at `when` whatever the slots say; None if the chat already has it."""
    post = NewPost(article=article, chat=chat, keys=dedup_keys(article), scheduled=when)
    return store.enqueue(post, now=now)


async def _nobody(posts: Sequence[QueuedPost]) -> None:
    return None


class Runner:
    """Polls feeds into the store and publishes what the schedule lets out, one pass at a time."""

    def __init__(
        self,
        *,
        store: Store,
        planner: PostPlanner,
        publisher: Publisher,
        schedule: PublishSchedule,
        poller: Poller | None = None,
        channel: str | None = None,
        clock: Clock = utcnow,
        on_uncertain: OnUncertain = _nobody,
        previews_count_as_sent: bool = False,
    ) -> None:
        self.store = store
        self.schedule = schedule
        self.clock = clock
        self._planner = planner
        self._publisher = publisher
        self._poller = poller
        self._channel = channel
        self._on_uncertain = on_uncertain
        #: A dry run on a copy of the store records previews as sent, so caps behave as for real.
        self._previews_count_as_sent = previews_count_as_sent
        self._publishing = asyncio.Lock()
        self.stopping = False

    # Start-up and shutdown

    async def recover(self) -> list[QueuedPost]:
        """Posts a crash left in ``sending`` become ``uncertain`` and admins are asked about them."""
        stuck = self.store.mark_sending_uncertain(now=self.clock())
        for post in stuck:
            logger.warning(
                "post %d was being sent when hashbot stopped: marked uncertain, admins decide", post.id
            )
        if stuck:
            await self._on_uncertain(stuck)
        return stuck

    async def stop(self) -> None:
        """Let the send in flight finish and record it; no further post is sent."""
        self.stopping = True
        async with self._publishing:
            pass

    # Polling

    async def poll_due(self) -> list[PollResult]:
        """Poll every enabled feed whose next check has come (the `--once` pass)."""
        if self._poller is None:
            return []
        return await self._poller.poll_many(self.store.due_feeds(self.clock()))

    async def poll_feed(self, feed_id: int) -> PollResult | None:
        """Poll one feed if it is still there and enabled (what a feed's job does)."""
        feed = self.store.feed(feed_id)
        if self._poller is None or feed is None or not feed.enabled:
            return None
        [result] = await self._poller.poll_many([feed])
        return result

    # Publishing

    def paused(self) -> str | None:
        return self.store.flag(PAUSED)

    async def publish(self, *, regular: bool = True) -> PublishReport:
        """Send the due one-off posts and, with `regular`, what the slot allows of the others."""
        report = PublishReport()
        async with self._publishing:
            if self.stopping:
                return report
            report.paused = self.paused()
            if report.paused is not None:
                logger.info("publishing is paused (%s); the queue waits", report.paused)
                return report
            now = self.clock()
            queued = {post.id: post for post in self.store.posts(states=[PostState.QUEUED])}
            allowance = self.schedule.allowance(now, self.store.sent_times(now - _HISTORY)) if regular else 0
            pending = [Pending(post.id, post.created, post.scheduled) for post in queued.values()]
            for choice in choose_posts(pending, now=now, allowance=allowance):
                if self.stopping:
                    break
                await self._send(queued[choice.id], report)
                if report.paused is not None:
                    break
        if report.sent or report.failed or report.uncertain or report.retry:
            logger.info(
                "publish pass: %d sent, %d to retry, %d failed, %d uncertain; %d queued",
                len(report.sent),
                len(report.retry),
                len(report.failed),
                len(report.uncertain),
                len(queued) - len(report.sent) - len(report.failed) - len(report.uncertain),
            )
        if report.uncertain:
            await self._on_uncertain([post for post in map(self.store.post, report.uncertain) if post])
        return report

    def render(self, queued: QueuedPost) -> Post:
        """The post for a queued article: its feed's template and tags, and its feed's chat."""
        planner = self._planner
        if queued.tags:
            options = planner.tag_options
            planner = replace(planner, tag_options=replace(options, fixed=options.fixed + queued.tags))
        post = planner.plan(queued.article, template=queued.template, now=self.clock())
        if queued.chat and (queued.chat != self._channel or queued.topic is not None):
            post = replace(post, target=Target(chat=queued.chat, thread_id=queued.topic))
        return post

    async def _send(self, queued: QueuedPost, report: PublishReport) -> None:
        store, post_id = self.store, queued.id
        try:
            post = self.render(queued)
        except HashbotError as exc:
            store.set_post_state(post_id, PostState.FAILED, now=self.clock(), error=str(exc))
            report.failed.append(post_id)
            logger.error("post %d cannot be rendered: %s", post_id, exc)
            return
        # Committed before the send: after a crash the post is found here, never sent twice.
        if not store.set_post_state(
            post_id, PostState.SENDING, now=self.clock(), only_from=[PostState.QUEUED]
        ):
            return  # cancelled or taken meanwhile
        try:
            receipt = await self._publisher.publish(post)
        except PublishPaused as exc:
            self._back_to_queue(post_id, None)
            report.paused = str(exc)
        except PublishForbidden as exc:
            reason = f"Telegram refused the bot in {exc.chat}: {exc.reason}"
            self._back_to_queue(post_id, str(exc))
            if store.flag(PAUSED) is None:
                store.set_flag(PAUSED, reason)
            report.paused = reason
        except PublishUncertain as exc:
            store.set_post_state(post_id, PostState.UNCERTAIN, now=self.clock(), error=str(exc))
            report.uncertain.append(post_id)
        except PublishRefused as exc:
            store.set_post_state(post_id, PostState.FAILED, now=self.clock(), error=str(exc))
            report.failed.append(post_id)
            logger.error("post %d failed: %s", post_id, exc)
        except PublishError as exc:
            if queued.attempts + 1 >= MAX_SEND_ATTEMPTS:
                store.set_post_state(post_id, PostState.FAILED, now=self.clock(), error=str(exc))
                report.failed.append(post_id)
                logger.error("post %d failed after %d attempts: %s", post_id, MAX_SEND_ATTEMPTS, exc)
            else:
                self._back_to_queue(post_id, str(exc))
                report.retry.append(post_id)
                logger.warning("post %d not delivered, tried again at the next slot: %s", post_id, exc)
        except Exception as exc:  # a bug after the request may have left: never resend blindly
            logger.exception("post %d: unexpected error while sending", post_id)
            store.set_post_state(
                post_id, PostState.UNCERTAIN, now=self.clock(), error=f"internal error: {exc!r}"
            )
            report.uncertain.append(post_id)
        else:
            handed_on = {
                "preview": None if self._previews_count_as_sent else "previewed in dry run, not published",
                "approval": "handed to the admins for approval; their [Publish] sends it",
            }.get(receipt.destination)
            if handed_on is not None:
                store.set_post_state(post_id, PostState.SKIPPED, now=self.clock(), error=handed_on)
                report.skipped.append(post_id)
                return
            store.set_post_state(post_id, PostState.SENT, now=self.clock(), message_id=receipt.message_id)
            report.sent.append(post_id)

    def _back_to_queue(self, post_id: int, error: str | None) -> None:
        self.store.set_post_state(
            post_id, PostState.QUEUED, now=self.clock(), error=error, only_from=[PostState.SENDING]
        )
