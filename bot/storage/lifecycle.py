"""The post lifecycle as data: the states a queued post can be in, what moves it, and where to.

:data:`TRANSITIONS` is the whole lifecycle: for each event, the states it may start from and the
state it leaves the post in. Nothing else decides whether a post may move. A store applies an
event the way sqlite-utils pairs ``transform_sql`` with ``transform``: it reads the post, asks the
pure :func:`plan` for the post as the event leaves it (None when the table refuses), and writes
that in the same transaction. So every rule about a move (``claim`` counts an attempt, ``mark_sent``
stamps the time) is here, in Python, and none is hidden in SQL.

    queued ──hold──▶ awaiting                 awaiting ──approve──▶ queued
    queued | awaiting ──claim──▶ sending      sending ──mark_sent──▶ sent
    sending ──requeue──▶ queued               sending ──mark_uncertain──▶ uncertain
    sending ──mark_failed──▶ failed           sending ──mark_previewed──▶ skipped
    queued | awaiting ──reject──▶ failed      queued | awaiting ──cancel──▶ skipped
    awaiting ──skip──▶ skipped                awaiting ──edit_tags──▶ awaiting
    uncertain ──resend──▶ queued              uncertain ──confirm_sent──▶ sent
    awaiting ──schedule──▶ queued              queued ──preview──▶ queued

Standard library only, like the records, so the pure core can read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.storage.records import QueuedPost


class PostState(StrEnum):
    """Where a queued post stands; :data:`TRANSITIONS` says how it moves between them."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    #: Found in ``sending`` after a crash, or its answer was lost: it may or may not be in the chat.
    UNCERTAIN = "uncertain"
    #: With approval on: shown to the admins, waiting for [Publish], [Queue] or [Skip].
    AWAITING = "awaiting"


class PostKind(StrEnum):
    """How a post came to be queued, which decides when it goes out and whether it waits for approval."""

    #: An item of a subscribed feed (or of the dry run's example feed): goes at a publishing slot.
    FEED = "feed"
    #: Timed by an admin (`/schedule`, `hashbot schedule`): goes at its time, whatever the slots say.
    ONE_OFF = "one_off"
    #: Queued by an admin by hand, without a time: goes at a slot, never waits for approval.
    MANUAL = "manual"
    #: Several articles in one post (a feed's digest): goes at a slot like a feed item.
    DIGEST = "digest"

    @property
    def awaits_approval(self) -> bool:
        """Whether, with approval on, the post waits for an admin before the channel.

        Posts an admin queued (one-off, manual) were decided by that admin already.
        """
        return self in (PostKind.FEED, PostKind.DIGEST)


class PostEvent(StrEnum):
    """What happens to a queued post; each is a method of :class:`bot.storage.Store`."""

    #: With approval on, a slot puts a feed post to the admins instead of sending it.
    HOLD = "hold"
    #: Taken for sending, committed before the send (from ``awaiting``: an admin's [Publish]).
    CLAIM = "claim"
    #: Telegram accepted it.
    MARK_SENT = "mark_sent"
    #: "Sent" to a preview in a dry run: it will not be published.
    MARK_PREVIEWED = "mark_previewed"
    #: Shown to the admins while the live bot is in dry run (`/dryrun on`): it stays queued, and
    #: is published when dry run is turned off.
    PREVIEW = "preview"
    #: Not delivered (Telegram unreachable, publishing paused): tried again later.
    REQUEUE = "requeue"
    #: The answer was lost, or hashbot stopped mid-send: only a person can tell if it went out.
    MARK_UNCERTAIN = "mark_uncertain"
    #: Telegram refused it for good, or every attempt failed.
    MARK_FAILED = "mark_failed"
    #: It cannot be rendered (a broken template): it fails before anything is sent.
    REJECT = "reject"
    #: An admin's new tags for a post they are asked about.
    EDIT_TAGS = "edit_tags"
    # The admins' decisions (Store.decide):
    #: [Queue] on an approval preview: back to the queue, approved, for a later slot.
    APPROVE = "approve"
    #: [Skip] on an approval preview.
    SKIP = "skip"
    #: `/cancel`: out of the queue, whether or not it awaits approval.
    CANCEL = "cancel"
    #: [Resend] on an uncertain post: queued to go out at once.
    RESEND = "resend"
    #: [Mark sent] on an uncertain post: an admin found it in the chat.
    CONFIRM_SENT = "confirm_sent"
    #: [Schedule…] on a pasted post's preview: it becomes a one-off post at the admin's time.
    SCHEDULE = "schedule"


_Q, _A, _S = PostState.QUEUED, PostState.AWAITING, PostState.SENDING

#: For each event, the states it may start from and the state it leads to. The one rule book.
TRANSITIONS: Mapping[PostEvent, Mapping[PostState, PostState]] = MappingProxyType(
    {
        PostEvent.HOLD: {_Q: _A},
        PostEvent.CLAIM: {_Q: _S, _A: _S},
        PostEvent.MARK_SENT: {_S: PostState.SENT},
        PostEvent.MARK_PREVIEWED: {_S: PostState.SKIPPED},
        PostEvent.PREVIEW: {_Q: _Q},
        PostEvent.REQUEUE: {_S: _Q},
        PostEvent.MARK_UNCERTAIN: {_S: PostState.UNCERTAIN},
        PostEvent.MARK_FAILED: {_S: PostState.FAILED},
        PostEvent.REJECT: {_Q: PostState.FAILED, _A: PostState.FAILED},
        PostEvent.EDIT_TAGS: {_A: _A},
        PostEvent.APPROVE: {_A: _Q},
        PostEvent.SKIP: {_A: PostState.SKIPPED},
        PostEvent.CANCEL: {_Q: PostState.SKIPPED, _A: PostState.SKIPPED},
        PostEvent.RESEND: {PostState.UNCERTAIN: _Q},
        PostEvent.CONFIRM_SENT: {PostState.UNCERTAIN: PostState.SENT},
        PostEvent.SCHEDULE: {_A: _Q},
    }
)

#: The events that are an admin's decision on a post (what :meth:`Store.decide` takes).
DECISIONS = frozenset(
    {PostEvent.APPROVE, PostEvent.SKIP, PostEvent.CANCEL, PostEvent.RESEND, PostEvent.CONFIRM_SENT}
)
#: Events after which the post never waits for approval again: an admin let it go.
_APPROVING = frozenset({PostEvent.APPROVE, PostEvent.RESEND, PostEvent.SCHEDULE})
#: Events whose `tags` are those a send goes out with: the post keeps them as ``sending_tags``.
_SENDING = frozenset({PostEvent.CLAIM, PostEvent.MARK_SENT, PostEvent.MARK_UNCERTAIN})


def allowed(event: PostEvent, state: PostState) -> bool:
    """Whether the table lets `event` happen to a post in `state`."""
    return state in TRANSITIONS[event]


def plan(
    post: QueuedPost,
    event: PostEvent,
    *,
    now: datetime,
    message_id: int | None = None,
    note: str | None = None,
    tags: Sequence[str] | None = None,
    scheduled: datetime | None = None,
) -> QueuedPost | None:
    """The post as `event` at `now` leaves it; None when the table does not allow it from its state.

    `note` becomes the post's ``last_error`` (an error, or who decided); a move without one clears
    it, so a post delivered after a retry does not keep the retry's error. `tags` are required by
    ``edit_tags``, its new tags; given to a send's events (claim, mark_sent, mark_uncertain) they
    are the tags the send goes out with. `scheduled` (the one-off post's time) is read by ``schedule``.
    """
    target = TRANSITIONS[event].get(post.state)
    if target is None:
        return None
    if event is PostEvent.EDIT_TAGS:
        if tags is None:
            raise ValueError("edit_tags needs the new tags")
        return replace(post, tags=tuple(tags), tags_edited=True)
    if event is PostEvent.PREVIEW:
        return replace(post, previewed=now)
    if event is PostEvent.SCHEDULE:
        if scheduled is None:
            raise ValueError("schedule needs the post's time")
        # A one-off post, like one queued by /schedule: it goes at its time, whatever the slots say.
        post = replace(post, kind=PostKind.ONE_OFF, scheduled=scheduled)
    # Sending a post awaiting approval approves it: if it cannot go now, it waits in the queue.
    approves = event in _APPROVING or (event is PostEvent.CLAIM and post.state is PostState.AWAITING)
    return replace(
        post,
        state=target,
        last_error=note,
        message_id=post.message_id if message_id is None else message_id,
        sent=now if target is PostState.SENT else post.sent,
        attempts=post.attempts + (event is PostEvent.CLAIM),
        approved=post.approved or approves,
        resend_requested=now if event is PostEvent.RESEND else post.resend_requested,
        sending_tags=tuple(tags) if tags is not None and event in _SENDING else post.sending_tags,
    )


__all__ = ["DECISIONS", "TRANSITIONS", "PostEvent", "PostKind", "PostState", "allowed", "plan"]
