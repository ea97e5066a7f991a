"""The statistics folded into local days, printed, captioned and drawn."""

from __future__ import annotations

import struct
import sys
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.chart import render_chart
from bot.errors import ChartUnavailable
from bot.models import TagUse
from bot.stats import CAPTION_LENGTH, caption, channel_stats, day_bounds, empty_message, report_lines
from bot.storage import PublishedCounts, TagReactions

NOW = datetime(2026, 3, 29, 10, 0, tzinfo=UTC)  # the morning Europe moves its clocks forward
KOLKATA = ZoneInfo("Asia/Kolkata")  # UTC+05:30: days start at 18:30 UTC


def _counts(*sent: tuple[datetime, int], reactions: tuple[TagReactions, ...] = ()) -> PublishedCounts:
    return PublishedCounts(
        sent=sent,
        feeds=(("World desk", 3), (None, 1)),
        tags=(TagUse("Ukraine", 3), TagUse("EmmanuelMacron", 2)),
        reactions=reactions,
        reacted_posts=sum(item.posts for item in reactions),
        reactions_total=sum(item.reactions for item in reactions),
    )


def test_counts_fold_into_local_days_with_every_day_listed() -> None:
    counts = _counts(
        (datetime(2026, 3, 27, 18, 15, tzinfo=UTC), 1),  # 23:45 in Kolkata, the 27th
        (datetime(2026, 3, 27, 18, 30, tzinfo=UTC), 2),  # 00:00 in Kolkata, the 28th
        (datetime(2026, 3, 29, 9, 45, tzinfo=UTC), 1),
    )
    stats = channel_stats(counts, now=NOW, days=4, tz=KOLKATA)
    assert stats.per_day == (
        (date(2026, 3, 26), 0),
        (date(2026, 3, 27), 1),
        (date(2026, 3, 28), 2),
        (date(2026, 3, 29), 1),
    )
    assert stats.posts == 4 and stats.days == 4


def test_day_bounds_are_the_local_midnights_and_the_day_of_a_clock_change_is_shorter() -> None:
    paris = ZoneInfo("Europe/Paris")
    bounds = day_bounds(NOW, days=3, tz=paris)
    assert bounds == tuple(datetime(2026, 3, day, tzinfo=paris) for day in (27, 28, 29, 30))
    instants = [bound.astimezone(UTC) for bound in bounds]  # what the store compares
    lengths = [later - earlier for earlier, later in pairwise(instants)]
    assert lengths == [timedelta(hours=24), timedelta(hours=24), timedelta(hours=23)]
    assert day_bounds(NOW, days=1, tz=KOLKATA)[0].astimezone(UTC) == datetime(2026, 3, 28, 18, 30, tzinfo=UTC)


def test_the_report_prints_the_figures_the_caption_carries() -> None:
    reactions = (TagReactions("EmmanuelMacron", 2, 30), TagReactions("Ukraine", 3, 12))
    stats = channel_stats(
        _counts((NOW - timedelta(days=1), 3), (NOW, 1), reactions=reactions),
        now=NOW,
        days=7,
        tz=UTC,
        scope="@news",
    )
    lines = report_lines(stats)
    assert lines[0] == "4 posts to @news in the last 7 days (0.6 a day; most on 2026-03-28: 3)"
    assert "      1  (no feed: scheduled or pasted)" in lines
    assert "      3  #Ukraine" in lines
    assert "   15.0  #EmmanuelMacron (30 on 2 posts)" in lines
    text = caption(stats)
    assert text.startswith(lines[0])
    assert "#Ukraine 3 #EmmanuelMacron 2" in text
    assert "most per post: #EmmanuelMacron 15.0 #Ukraine 4.0" in text


def test_a_long_caption_is_cut_to_telegrams_limit() -> None:
    many = PublishedCounts(
        sent=((NOW, 1),), tags=tuple(TagUse("T" + "x" * 150 + str(n), 1) for n in range(10))
    )
    text = caption(channel_stats(many, now=NOW, days=1, tz=UTC))
    assert len(text) == CAPTION_LENGTH and text.endswith("…")


def test_no_history_says_so_instead_of_an_empty_chart() -> None:
    stats = channel_stats(PublishedCounts(), now=NOW, days=30, tz=UTC, scope="@news")
    assert stats.empty
    assert report_lines(stats) == [empty_message(stats)]
    assert empty_message(stats).startswith("No posts were sent to @news in the last 30 days")
    with pytest.raises(ValueError, match="no posts"):
        render_chart(stats)


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_chart_is_a_phone_sized_png() -> None:
    stats = channel_stats(
        _counts((NOW, 4), reactions=(TagReactions("Ukraine", 3, 12),)), now=NOW, days=30, tz=UTC
    )
    assert _png_size(render_chart(stats)) == (1080, 1500)


def test_without_matplotlib_the_chart_is_refused_with_the_way_to_get_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    stats = channel_stats(_counts((NOW, 4)), now=NOW, days=3, tz=UTC)
    with pytest.raises(ChartUnavailable, match=r"pip install 'hashbot\[chart\]'"):
        render_chart(stats)
