"""`hashbot stats`: what the channel published, from the store's tag history, and its chart.

The figures need the store and the statistics alone: no tag engine, and matplotlib only for --png.
"""

from __future__ import annotations

from bot.cli._common import EXIT_FAILED, EXIT_OK, Console, open_db
from bot.cli._table import StatsOptions
from bot.clock import utcnow
from bot.config import Settings
from bot.errors import HashbotError
from bot.stats import channel_stats, day_bounds, report_lines


def stats(options: StatsOptions, settings: Settings, console: Console) -> int:
    now = utcnow()
    bounds = day_bounds(now, days=options.days, tz=settings.tz)
    with open_db(settings) as store:
        counts = store.published_counts(bounds=bounds, chat=options.chat)
    figures = channel_stats(
        counts, now=now, days=options.days, tz=settings.tz, scope=options.chat or "all chats"
    )
    for line in report_lines(figures):
        print(line, file=console.out)
    if options.png is None:
        return EXIT_OK
    if figures.empty:
        console.error(f"{options.png}: not written, there is nothing to chart")
        return EXIT_FAILED
    from bot.chart import render_chart  # matplotlib is imported only when a chart is asked for

    png = render_chart(figures)
    try:
        options.png.write_bytes(png)
    except OSError as exc:
        raise HashbotError(f"{options.png}: cannot write the chart: {exc.strerror}") from exc
    print(f"chart written to {options.png} ({len(png) // 1024} KiB)", file=console.out)
    return EXIT_OK
