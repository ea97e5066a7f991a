"""The whole bot, wired as `hashbot run` wires it, polling the fake Bot API for one test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from auxil.fake_bot_api import RecordedSleep
from bot.app import Hashbot, open_bot
from bot.config import Settings
from bot.telegram import RetryPolicy


@asynccontextmanager
async def running(settings: Settings, sleep: RecordedSleep, retry: RetryPolicy) -> AsyncIterator[Hashbot]:
    async with (
        open_bot(settings, retry=retry, sleep=sleep) as hashbot,
        hashbot.running(poll_timeout=1),
    ):
        yield hashbot
