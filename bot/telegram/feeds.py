"""/feeds, /addfeed and /removefeed: the feed list, managed from Telegram.

/addfeed goes through :func:`bot.ingest.subscribe.subscribe`, exactly as `hashbot feeds add
--check` does: the address is fetched once, so the admin learns at once whether it is a feed, and
nothing is saved when it is not.
"""

from __future__ import annotations

import logging
import math
from datetime import tzinfo

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.clock import Clock
from bot.errors import HashbotError
from bot.ingest.http import Fetcher
from bot.ingest.local import is_web_address
from bot.ingest.subscribe import find_feed, subscribe
from bot.planner import local_time
from bot.storage import Feed, NewFeed, Store
from bot.telegram.auth import Admins
from bot.telegram.commands import usage
from bot.telegram.handlers import Handler
from bot.telegram.replies import clip, fit, reply

logger = logging.getLogger(__name__)

#: Feeds per /feeds page: ten feeds of three clipped lines stay far below a message's limit.
PAGE = 10


def feed_lines(feed: Feed, tz: tzinfo) -> list[str]:
    """A feed in /feeds: id, state and name; its address; its last error if it is failing."""
    state = "⛔ off" if not feed.enabled else "⚠️ failing" if feed.error_count else "✅ ok"
    lines = [f"#{feed.id} {state} · {clip(feed.label, 60)}"]
    details = [clip(feed.url, 80)] if feed.name else []
    polled = feed.last_checked
    details.append(f"last poll {local_time(polled, tz)}" if polled else "not polled yet")
    if feed.chat:
        details.append(f"to {feed.chat}" + (f" topic {feed.topic}" if feed.topic else ""))
    lines.append("    " + " · ".join(details))
    if feed.last_error:
        lines.append(f"    {feed.error_count} error(s) in a row, last: {clip(feed.last_error, 120)}")
    return lines


class FeedCommands:
    """The feed handlers, on the store and the HTTP fetcher of the running bot."""

    def __init__(
        self, *, store: Store, fetcher: Fetcher, admins: Admins, interval: int, tz: tzinfo, clock: Clock
    ) -> None:
        self._store = store
        self._clock = clock
        self._tz = tz
        self._fetcher = fetcher
        self._admins = admins
        self._interval = interval

    def handlers(self) -> list[Handler]:
        admin = self._admins.only
        return [
            CommandHandler("feeds", admin("/feeds", self.feeds)),
            # Fetching a feed may take seconds: it runs beside other updates, not before them.
            CommandHandler("addfeed", admin("/addfeed", self.addfeed), block=False),
            CommandHandler("removefeed", admin("/removefeed", self.removefeed)),
        ]

    async def feeds(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = context.args or []
        if len(args) > 1 or (args and not args[0].isdecimal()) or (args and int(args[0]) < 1):
            await reply(update, usage("feeds"))
            return
        feeds = self._store.feeds()
        if not feeds:
            await reply(update, "No feeds yet. Subscribe with /addfeed <url>.")
            return
        pages = math.ceil(len(feeds) / PAGE)
        page = min(int(args[0]) if args else 1, pages)
        shown = feeds[(page - 1) * PAGE : page * PAGE]
        off = sum(not feed.enabled for feed in feeds)
        failing = sum(feed.enabled and feed.error_count > 0 for feed in feeds)
        head = f"Feeds: {len(feeds)} ({off} off, {failing} failing)"
        if pages > 1:
            head += f" · page {page} of {pages}" + (f", /feeds {page + 1} for more" if page < pages else "")
        lines = [head, *(line for feed in shown for line in feed_lines(feed, self._tz))]
        await reply(update, fit(lines, more=lambda left: f"… {left} more lines"))

    async def addfeed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = context.args or []
        if not args or not is_web_address(args[0]):
            await reply(update, usage("addfeed"))
            return
        url, name = args[0], " ".join(args[1:]) or None
        try:
            feed, probe = await subscribe(
                self._store,
                NewFeed(url=url, name=name, interval=self._interval),
                clock=self._clock,
                fetcher=self._fetcher,
            )
        except HashbotError as exc:
            await reply(update, f"Not added: {exc}")
            return
        assert probe is not None
        user = update.effective_user
        logger.info("feed %s (%s) added by user %s", feed.id, feed.url, user.id if user else "unknown")
        lines = [f"Added feed #{feed.id}: {feed.label}, {probe.items} items now."]
        if probe.given:
            lines.append(f"{probe.given} is a web page; its feed {feed.url} was added instead.")
        lines.append("Its first poll queues only the newest items; /feeds shows how it is doing.")
        await reply(update, "\n".join(lines))

    async def removefeed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = context.args or []
        if len(args) != 1:
            await reply(update, usage("removefeed"))
            return
        feed = find_feed(self._store, args[0])
        if feed is None:
            await reply(update, f"There is no feed {args[0]}. /feeds shows their ids and addresses.")
            return
        self._store.remove_feed(feed.id)
        user = update.effective_user
        logger.info("feed %s (%s) removed by user %s", feed.id, feed.url, user.id if user else "unknown")
        await reply(update, f"Removed feed #{feed.id}: {feed.label}. Posts it already queued stay queued.")
