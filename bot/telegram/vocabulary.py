"""/alias, /unalias, /block, /unblock, /vocab and /stats: the channel vocabulary from a phone.

Rules go to the store at once and the runner reads them for every post it renders, so the next
post follows them without a restart. `.env`'s aliases and blocklist still come first. /stats
sends the same chart and figures as `hashbot stats --png`; without matplotlib it sends the
figures as text. Its read of the store (about 0.3 s at 100,000 posts) and the drawing are done on
worker threads, so the bot keeps answering meanwhile: a store's connection serves only the thread
that opened it, so the read opens one of its own (:func:`on_a_worker_thread`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import datetime, tzinfo
from typing import Protocol

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CommandHandler, ContextTypes

from bot.clock import Clock
from bot.errors import ChartUnavailable
from bot.hashtags import TagOptions, normalize
from bot.stats import caption, channel_stats, day_bounds, report_lines
from bot.storage import PublishedCounts, Store, TagRule
from bot.telegram.auth import Admins
from bot.telegram.commands import usage
from bot.telegram.handlers import Handler
from bot.telegram.replies import fit, reply

logger = logging.getLogger(__name__)

#: Tags /vocab lists at most; the message limit cuts earlier if it must.
VOCAB_SHOWN = 40
DEFAULT_DAYS, MAX_DAYS = 30, 366


class CountsReader(Protocol):
    """Reads /stats's figures from the store (:meth:`~bot.storage.Store.published_counts`)."""

    async def __call__(self, bounds: Sequence[datetime]) -> PublishedCounts: ...


def on_a_worker_thread(open_store: Callable[[], Store]) -> CountsReader:
    """Each read on a worker thread, on a connection `open_store` opens there and closes after."""

    def read(bounds: Sequence[datetime]) -> PublishedCounts:
        with closing(open_store()) as store:
            return store.published_counts(bounds=bounds)

    async def counts(bounds: Sequence[datetime]) -> PublishedCounts:
        return await asyncio.to_thread(read, bounds)

    return counts


def in_place(store: Store) -> CountsReader:
    """Reads on the event loop, for a store only its own connection can see (a dry run's copy)."""

    async def counts(bounds: Sequence[datetime]) -> PublishedCounts:
        return store.published_counts(bounds=bounds)

    return counts


class VocabularyCommands:
    """The handlers that read and edit the channel vocabulary, and /stats."""

    def __init__(
        self,
        *,
        store: Store,
        admins: Admins,
        channel: str,
        tz: tzinfo,
        clock: Clock,
        tag_options: TagOptions,
        read_counts: CountsReader,
    ) -> None:
        self._store = store
        self._read_counts = read_counts
        self._options = tag_options
        self._admins = admins
        self._channel = channel
        self._tz = tz
        self._clock = clock

    def handlers(self) -> list[Handler]:
        admin = self._admins.only
        return [
            CommandHandler("alias", admin("/alias", self.alias)),
            CommandHandler("unalias", admin("/unalias", self.unalias)),
            CommandHandler("block", admin("/block", self.block)),
            CommandHandler("unblock", admin("/unblock", self.unblock)),
            CommandHandler("vocab", admin("/vocab", self.vocab)),
            # Reading and drawing take a second: other updates go on meanwhile.
            CommandHandler("stats", admin("/stats", self.stats), block=False),
        ]

    def _tags(self, args: list[str] | None, count: int) -> list[str] | None:
        """Exactly `count` arguments, each made a tag as every tag is; None if they are not."""
        if args is None or len(args) != count:
            return None
        options = self._options
        tags = [normalize(arg, case=options.case, script=options.script) for arg in args]
        return None if None in tags else [tag for tag in tags if tag is not None]

    async def alias(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        tags = self._tags(context.args, 2)
        if tags is None:
            await reply(update, f"{usage('alias')}\nFor example: /alias UK GrandeBretagne")
            return
        source, target = tags
        self._store.set_tag_rule(TagRule(source, target, author=_author(update)), now=self._clock())
        logger.info("alias #%s → #%s set by user %s", source, target, _author(update))
        await reply(update, f"#{source} is now written #{target}, from the next post on.")

    async def unalias(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        tags = self._tags(context.args, 1)
        if tags is None:
            await reply(update, usage("unalias"))
            return
        [tag] = tags
        removed = self._store.remove_tag_rule(tag, blocked=False)
        if removed is not None:
            await reply(update, f"#{removed.tag} has no alias any more.")
        else:
            await reply(update, f"#{tag} had no alias. /vocab lists the rules.")

    async def block(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        tags = self._tags(context.args, 1)
        if tags is None:
            await reply(update, usage("block"))
            return
        [tag] = tags
        self._store.set_tag_rule(TagRule(tag, author=_author(update)), now=self._clock())
        logger.info("tag #%s blocked by user %s", tag, _author(update))
        await reply(update, f"#{tag} is blocked: no new post gets it. /unblock {tag} allows it again.")

    async def unblock(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        tags = self._tags(context.args, 1)
        if tags is None:
            await reply(update, usage("unblock"))
            return
        [tag] = tags
        removed = self._store.remove_tag_rule(tag, blocked=True)
        if removed is not None:
            await reply(update, f"#{removed.tag} is allowed again.")
        else:
            await reply(update, f"#{tag} was not blocked. /vocab lists the rules.")

    async def vocab(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = context.args or []
        if len(args) > 1:
            await reply(update, usage("vocab"))
            return
        prefix = args[0].lstrip("#") if args else ""
        uses = self._store.tag_uses(chat=self._channel, prefix=prefix)
        rules = self._store.tag_rules()
        scope = f" starting with {prefix}" if prefix else ""
        if uses:
            lines = [f"Tags of {self._channel}{scope}, by posts ({len(uses)}):"]
            lines += [f"{use.uses} #{use.name}" for use in uses[:VOCAB_SHOWN]]
            if len(uses) > VOCAB_SHOWN:
                lines.append(f"… and {len(uses) - VOCAB_SHOWN} more: /vocab PREFIX narrows the list")
        else:
            lines = [f"No tags{scope} in {self._channel}'s posts yet."]
        aliases = [f"#{rule.tag} → #{rule.alias}" for rule in rules if rule.alias is not None]
        blocked = [f"#{rule.tag}" for rule in rules if rule.blocked]
        if aliases:
            lines += ["", "Aliases: " + ", ".join(aliases)]
        if blocked:
            lines += ["", "Blocked: " + " ".join(blocked)]
        await reply(update, fit(lines, more=lambda left: f"… {left} more lines"))

    async def stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = context.args or []
        days = _days(args)
        message = update.effective_message
        if days is None or message is None:
            await reply(update, f"{usage('stats')}\nDays: 1 to {MAX_DAYS}, {DEFAULT_DAYS} by default.")
            return
        now = self._clock()
        counts = await self._read_counts(day_bounds(now, days=days, tz=self._tz))
        stats = channel_stats(counts, now=now, days=days, tz=self._tz)
        if stats.empty:
            await reply(update, report_lines(stats)[0])
            return
        from bot.chart import render_chart  # matplotlib only when a chart is drawn

        try:
            png = await asyncio.to_thread(render_chart, stats)
        except ChartUnavailable as exc:
            logger.warning("/stats: %s", exc)
            await reply(update, fit(report_lines(stats), more=lambda left: f"… {left} more lines"))
            return
        try:
            await message.reply_photo(png, caption=caption(stats))
        except TelegramError as exc:
            logger.warning("/stats: could not send the chart: %s", exc.message)
            await reply(update, fit(report_lines(stats), more=lambda left: f"… {left} more lines"))


def _days(args: list[str]) -> int | None:
    if not args:
        return DEFAULT_DAYS
    if len(args) != 1 or not args[0].isdecimal():  # isdigit() would let "²" through to int()
        return None
    days = int(args[0])
    return days if 1 <= days <= MAX_DAYS else None


def _author(update: Update) -> str:
    return str(update.effective_user.id) if update.effective_user else "unknown"
