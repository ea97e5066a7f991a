"""What `hashbot status` and the bot's `/status` report about the run loop, read from the store.

Next poll and next slot are computed by the planner from the store and `now`, exactly as the
scheduler computes them, so the answer is the same whether or not a `hashbot run` is running.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from bot.planner import PublishSchedule, local_time, next_poll, poll_offset
from bot.storage import Feed, PostState, StatusState, Store
from bot.workers import SENDER


def _local(moment: datetime | None, tz: tzinfo) -> str:
    return local_time(moment, tz) if moment else "never"


def status_lines(
    store: Store, *, schedule: PublishSchedule, now: datetime, with_pause: bool = True
) -> list[str]:
    """Paused or not, dry run or not, the next slot, the queue by state, and each feed's polls.

    Without `with_pause` the first two are left out: the bot's /status says them itself.
    """
    tz = schedule.tz
    paused, dry_run = store.paused(), store.dry_run()
    slot = schedule.next_slot(now)
    lines = []
    if with_pause:
        lines.append("Publishing: " + (f"paused ({paused})" if paused else "active"))
        mode = (
            f"dry run (posts go to the admins as previews and stay queued; {dry_run})" if dry_run else "live"
        )
        lines.append(f"Mode: {mode}")
    lines.append(f"Next publishing slot: {_local(slot, tz) if slot else 'none in the coming week'}")
    sender = next((lease for lease in store.leases() if lease.name == SENDER and lease.expires > now), None)
    if sender is not None:  # taken at each send, so between sends no one holds it: nothing to say
        lines.append(f"Sender: worker {sender.owner}, its lease until {_local(sender.expires, tz)}")
    counts = store.count_posts()
    lines.append("Queue: " + ", ".join(f"{counts[state]} {state.value}" for state in PostState))
    if counts[PostState.AWAITING]:
        lines.append(
            f"  {counts[PostState.AWAITING]} awaiting approval: decide on the previews sent to the admins"
        )
    if counts[PostState.UNCERTAIN]:
        lines.append(
            f"  {counts[PostState.UNCERTAIN]} uncertain: check the channel and answer the admin question"
        )
    statuses = store.count_statuses()
    if any(statuses.values()):
        lines.append("Mastodon: " + ", ".join(f"{statuses[state]} {state.value}" for state in StatusState))
        waiting = [status for status in store.statuses() if status.state is StatusState.QUEUED]
        if waiting:
            next_try = _local(min(status.next_try for status in waiting), tz)
            lines.append(f"  next try {next_try}; last error: {waiting[0].last_error or 'none'}")
    feeds = store.feeds()
    lines.append(f"Feeds: {len(feeds)}" + ("" if feeds else " (add one with `hashbot feeds add URL`)"))
    for feed in feeds:
        if feed.enabled:
            offset = poll_offset(feed.url, timedelta(seconds=feed.interval))
            upcoming = _local(next_poll(next_check=feed.next_check, offset=offset, now=now), tz)
        else:
            upcoming = "off"
        lines.append(f"  {feed.id} {feed.label}: last poll {_local(feed.last_checked, tz)}, next {upcoming}")
        if feed.last_error:
            lines.append(f"    last error ({feed.error_count} in a row): {feed.last_error}")
        if claim := _claim_line(feed, now, tz):
            lines.append(f"    {claim}")
    return lines


def _claim_line(feed: Feed, now: datetime, tz: tzinfo) -> str | None:
    """Who polls `feed` right now; or that a worker's claim ran out without a finished poll."""
    if feed.lease_owner is None or feed.lease_expires is None:
        return None
    until = _local(feed.lease_expires, tz)
    if feed.lease_expires > now:
        return f"being polled by worker {feed.lease_owner} (its claim until {until})"
    return (
        f"worker {feed.lease_owner} stopped mid-poll (its claim ran out {until}); the next poll takes it over"
    )
