"""`/schedule <when> <url|text>`: queue a one-off post for a given local time.

``/schedule 18:30 https://…`` means the next 18:30 in the configured time zone; a full date works
too (``/schedule 2026-12-01 09:00 …``). The post is stored like any other, so it survives restarts;
the scheduler is told at once so it arms the post's job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, tzinfo

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.clock import Clock
from bot.errors import HashbotError
from bot.planner import local_time, parse_when, starts_with_date
from bot.runner import queue_one_off
from bot.storage import Store
from bot.telegram.auth import Admins
from bot.telegram.commands import LoadArticle, argument_text, usage
from bot.telegram.handlers import Handler

logger = logging.getLogger(__name__)

USAGE = usage("schedule")


def split_when(text: str, *, now: datetime, tz: tzinfo) -> tuple[datetime, str]:
    """The moment at the start of `text` (a time, or a date and a time) and what follows it.

    A text opening with a date always takes its next word as the time, so a date in the past is
    answered as such, not as "'2020-01-01' is not a time".
    """
    if starts_with_date(text):
        words = text.split(maxsplit=2)
        return parse_when(" ".join(words[:2]), now=now, tz=tz), " ".join(words[2:]).strip()
    head, _, rest_text = text.partition(" ")
    return parse_when(head, now=now, tz=tz), rest_text.strip()


class ScheduleCommand:
    """The `/schedule` handler: parse the time, load the article, queue it, wake the scheduler."""

    def __init__(
        self,
        *,
        store: Store,
        admins: Admins,
        load: LoadArticle,
        channel: str,
        tz: tzinfo,
        clock: Clock,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._admins = admins
        self._load = load
        self._channel = channel
        self._tz = tz
        self._clock = clock
        self._on_queued = on_queued

    def handlers(self) -> list[Handler]:
        return [CommandHandler("schedule", self._admins.only("/schedule", self.schedule))]

    async def schedule(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        text, now = argument_text(message), self._clock()
        try:
            when, source = split_when(text, now=now, tz=self._tz)
        except ValueError as exc:
            await message.reply_text(f"{exc}.\n{USAGE}" if text else USAGE)
            return
        if not source:
            await message.reply_text(USAGE)
            return
        try:
            article = await self._load(source, source="message")
        except HashbotError as exc:
            await message.reply_text(f"Not scheduled: {exc}")
            return
        post_id = queue_one_off(self._store, article, when=when, chat=self._channel, now=now)
        if post_id is None:
            await message.reply_text(
                "Not scheduled: that article is already queued or published in the channel."
            )
            return
        self._on_queued()
        logger.info("post %d scheduled for %s by user %s", post_id, when.isoformat(), message.chat_id)
        await message.reply_text(f"Scheduled as post {post_id} for {local_time(when, self._tz)}.")
