"""What a channel published: posts per local day, per feed, its top tags and their reactions.

Pure: :func:`day_bounds` says which instants start and end the local days of a window, the store
counts the posts between them, and :func:`channel_stats` folds those counts into the figures
`hashbot stats` prints, `/stats` captions and the chart draws. The same :class:`ChannelStats`
feeds all three, so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.models import TagUse
from bot.render import CAPTION_LENGTH
from bot.storage.records import PublishedCounts, TagReactions

#: Tags, feeds and reaction lines shown at most.
TOP = 10


@dataclass(frozen=True, slots=True)
class ChannelStats:
    """The figures of one window of days, ready to print or draw."""

    #: Who the figures are about: a chat, or every chat the bot posts to.
    scope: str
    #: Every local day of the window, oldest first, with the posts sent that day (zeros included).
    per_day: tuple[tuple[date, int], ...]
    feeds: tuple[tuple[str, int], ...]
    tags: tuple[TagUse, ...]
    reactions: tuple[TagReactions, ...]
    reacted_posts: int
    reactions_total: int

    @property
    def posts(self) -> int:
        return sum(count for _, count in self.per_day)

    @property
    def days(self) -> int:
        return len(self.per_day)

    @property
    def empty(self) -> bool:
        return self.posts == 0


def day_bounds(now: datetime, *, days: int, tz: tzinfo) -> tuple[datetime, ...]:
    """The local midnights around the window (today and the `days - 1` before it), oldest first.

    `days + 1` instants: day n runs from the n-th to the next. Each midnight has its own UTC
    offset, so the day the clocks change is 23 or 25 hours long, as the channel lived it.
    """
    today = now.astimezone(tz).date()
    return tuple(
        datetime.combine(today - timedelta(days=back), time(), tzinfo=tz) for back in range(days - 1, -2, -1)
    )


def channel_stats(
    counts: PublishedCounts, *, now: datetime, days: int, tz: tzinfo, scope: str = "all chats"
) -> ChannelStats:
    """The figures of the `days` local days up to `now`'s, from the store's counts in :func:`day_bounds`."""
    first = day_bounds(now, days=days, tz=tz)[0].date()
    per_day = dict.fromkeys((first + timedelta(days=offset) for offset in range(days)), 0)
    for start, count in counts.sent:
        day = start.astimezone(tz).date()
        if day in per_day:
            per_day[day] += count
    return ChannelStats(
        scope=scope,
        per_day=tuple(per_day.items()),
        feeds=tuple((label or "(no feed: scheduled or pasted)", count) for label, count in counts.feeds),
        tags=counts.tags,
        reactions=counts.reactions,
        reacted_posts=counts.reacted_posts,
        reactions_total=counts.reactions_total,
    )


def empty_message(stats: ChannelStats) -> str:
    return (
        f"No posts were sent to {stats.scope} in the last {_days(stats.days)}: no statistics yet. "
        "They count the posts hashbot publishes from now on."
    )


def _days(days: int) -> str:
    return "day" if days == 1 else f"{days} days"


def summary(stats: ChannelStats) -> str:
    """One line: how many posts, over how many days, how many a day."""
    busiest_day, busiest = max(stats.per_day, key=lambda item: (item[1], item[0]))
    return (
        f"{stats.posts} posts to {stats.scope} in the last {_days(stats.days)} "
        f"({stats.posts / stats.days:.1f} a day; most on {busiest_day:%Y-%m-%d}: {busiest})"
    )


def report_lines(stats: ChannelStats) -> list[str]:
    """The full figures, for a terminal: summary, every day, feeds, top tags, reactions by tag."""
    if stats.empty:
        return [empty_message(stats)]
    lines = [summary(stats), "", "Posts per day:"]
    lines += [f"  {day:%Y-%m-%d %a}  {count:>5}" for day, count in stats.per_day]
    lines += ["", "Posts per feed:"]
    lines += [f"  {count:>5}  {label}" for label, count in stats.feeds[:TOP]]
    lines += ["", "Top tags:"]
    lines += [f"  {use.uses:>5}  #{use.name}" for use in stats.tags[:TOP]]
    lines += ["", *_reaction_lines(stats)]
    return lines


def _reaction_lines(stats: ChannelStats) -> list[str]:
    if not stats.reactions_total:
        return ["Reactions: none recorded (the bot must be an admin of the channel to see them)."]
    lines = [f"Reactions: {stats.reactions_total} on {stats.reacted_posts} posts; per post, by tag:"]
    lines += [
        f"  {item.per_post:>5.1f}  #{item.tag} ({item.reactions} on {item.posts} posts)"
        for item in stats.reactions[:TOP]
    ]
    return lines


def caption(stats: ChannelStats, *, limit: int = CAPTION_LENGTH) -> str:
    """The chart's caption: the same figures, shortened (days are in the chart) to fit `limit`."""
    if stats.empty:
        return empty_message(stats)[:limit]
    parts = [
        summary(stats),
        "Feeds: " + ", ".join(f"{label} {count}" for label, count in stats.feeds[:5]),
        "Top tags: " + " ".join(f"#{use.name} {use.uses}" for use in stats.tags[:TOP]),
    ]
    if stats.reactions_total:
        best = " ".join(f"#{item.tag} {item.per_post:.1f}" for item in stats.reactions[:5])
        parts.append(
            f"Reactions: {stats.reactions_total} on {stats.reacted_posts} posts; most per post: {best}"
        )
    text = "\n".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"
