"""Helpers for run-loop tests: a clock the test moves, and an RSS feed of numbered stories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime


class Clock:
    """`now` as the test sets it: jobs are driven by calling them at the times they were planned for."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def story_title(number: int) -> str:
    return f"Story {number:03d}: the harbour council votes on the night ferry"


def rss(numbers: range, *, base: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> bytes:
    """A feed of stories, newest first as feeds list them, each dated a minute after the previous."""
    items = "".join(
        f"""<item><title>{story_title(n)}</title><link>https://news.example.org/story/{n}</link>
        <guid>story-{n}</guid><pubDate>{format_datetime(base + timedelta(minutes=n))}</pubDate>
        <description>The harbour council of Porto Velho met on evening {n} to vote on the night
        ferry to the islands. Fishermen and nurses asked for a later crossing.</description></item>"""
        for n in reversed(numbers)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Harbour News</title>'
        f"<link>https://news.example.org/</link><description>Local news</description>{items}</channel></rss>"
    ).encode()
