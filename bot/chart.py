"""The statistics as a PNG chart, drawn with matplotlib's Agg backend (no display, no GUI).

Portrait and large-lettered, so it reads on a phone where `/stats` sends it: posts per day on
top, the top tags below, and the tags whose posts drew the most reactions when there are any.
matplotlib is an optional extra (``pip install 'hashbot[chart]'``); without it
:func:`render_chart` raises :class:`~bot.errors.ChartUnavailable` and callers fall back to text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.errors import ChartUnavailable
from bot.stats import ChannelStats, summary

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Inches and dots per inch: 1080 × 1500 pixels, a phone screen's width.
WIDTH, HEIGHT, DPI = 7.2, 10.0, 150
BAR_COLOUR, REACTION_COLOUR = "#2a7ab9", "#e0663d"
TAGS_SHOWN = 8


def render_chart(stats: ChannelStats) -> bytes:
    """The PNG of `stats` (which must not be empty: there is nothing to draw)."""
    if stats.empty:
        raise ValueError("no posts to chart")
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ChartUnavailable(
            "the chart needs matplotlib: pip install 'hashbot[chart]' (the figures are printed without it)"
        ) from exc
    panels = 3 if stats.reactions else 2
    # Figure without pyplot: no global state, no GUI backend; savefig uses Agg for PNG.
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
    heights = [1.0, 1.2, 1.0][:panels]
    axes = figure.subplots(panels, 1, gridspec_kw={"height_ratios": heights})
    figure.suptitle(summary(stats).split(" (")[0], fontsize=18, fontweight="bold")
    _per_day(axes[0], stats)
    tags = [(f"#{use.name}", use.uses) for use in stats.tags[:TAGS_SHOWN]]
    _bars(axes[1], tags, "Top tags (posts)", BAR_COLOUR)
    if panels == 3:
        reactions = [(f"#{item.tag}", round(item.per_post, 1)) for item in stats.reactions[:TAGS_SHOWN]]
        _bars(axes[2], reactions, "Reactions per post, by tag", REACTION_COLOUR, whole=False)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _per_day(axes: Axes, stats: ChannelStats) -> None:
    from matplotlib.ticker import MaxNLocator

    days = [day for day, _ in stats.per_day]
    counts = [count for _, count in stats.per_day]
    axes.bar(range(len(days)), counts, color=BAR_COLOUR, width=0.8)
    axes.set_title(f"Posts per day ({stats.posts / stats.days:.1f} a day)", fontsize=16, loc="left")
    step = max(1, len(days) // 6)
    ticks = list(range(len(days) - 1, -1, -step))[::-1]  # the last day always labelled
    axes.set_xticks(ticks, [f"{days[index]:%d %b}" for index in ticks], fontsize=14)
    axes.tick_params(axis="y", labelsize=14)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlim(-0.6, len(days) - 0.4)


def _bars(
    axes: Axes, items: Sequence[tuple[str, float]], title: str, colour: str, *, whole: bool = True
) -> None:
    """Horizontal bars, the largest on top, each with its figure at its end (written as the
    report writes it), so the value axis is left out: on a phone it is only small print."""
    labels = [label for label, _ in reversed(items)]
    values = [value for _, value in reversed(items)]
    bars = axes.barh(labels, values, color=colour, height=0.7)
    axes.bar_label(bars, padding=4, fontsize=15, fmt="%d" if whole else "%.1f")
    axes.set_title(title, fontsize=16, loc="left")
    axes.tick_params(axis="y", labelsize=15, length=0)
    axes.set_xlim(0, max(values, default=1) * 1.2)
    axes.xaxis.set_visible(False)
    axes.spines[["top", "right", "bottom"]].set_visible(False)
