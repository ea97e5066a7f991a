"""Putting a queued post into any state the way hashbot would: through the lifecycle's own events."""

from __future__ import annotations

from collections import deque
from datetime import datetime

from bot.storage import TRANSITIONS, PostEvent, PostState, Store


def path_to(state: PostState) -> list[PostEvent]:
    """The shortest run of events that takes a new (queued) post to `state`, read off the table."""
    paths: dict[PostState, list[PostEvent]] = {PostState.QUEUED: []}
    todo = deque([PostState.QUEUED])
    while todo:
        current = todo.popleft()
        for event, moves in TRANSITIONS.items():
            target = moves.get(current)
            if target is not None and target not in paths:
                paths[target] = [*paths[current], event]
                todo.append(target)
    if state not in paths:
        raise AssertionError(f"no event leads from queued to {state}")
    return paths[state]


def move_to(
    store: Store,
    post_id: int,
    state: PostState,
    *,
    now: datetime,
    note: str | None = None,
    message_id: int = 1,
) -> None:
    """Take a queued post to `state`; the last event carries `note` (its error) and `message_id`."""
    events = path_to(state)
    for number, event in enumerate(events, start=1):
        last = number == len(events)
        tags = () if event is PostEvent.EDIT_TAGS else None
        moved = store.transition(
            post_id,
            event,
            now=now,
            note=note if last else None,
            message_id=message_id if event is PostEvent.MARK_SENT else None,
            tags=tags,
        )
        assert moved, f"{event} refused on the way to {state}"
