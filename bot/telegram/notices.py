"""Notices for admins (a feed disabled, a feed moved), delivered every minute by the notices job.

The poller writes notices into the store; this job sends the unread ones to every admin. Each
notice is claimed in the store before it is sent, so it goes out at most once even when two
deliveries race (two jobs, two bot processes on one database). A notice no admin could be sent
(Telegram unreachable) is released and tried again on the next run: it is not lost.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Bot

from bot.scheduler import Jobs
from bot.storage import Store
from bot.telegram.auth import Admins

logger = logging.getLogger(__name__)

#: How often the job looks for new notices.
INTERVAL = timedelta(minutes=1)
NOTICES_JOB = "notices"


class NoticeJob:
    """Sends the store's unread notices to the admins and marks them read."""

    def __init__(self, *, store: Store, admins: Admins) -> None:
        self._store = store
        self._admins = admins

    async def deliver(self, bot: Bot) -> int:
        """Send every unread notice to every admin; returns how many notices reached someone."""
        claimed = self._store.claim_notices()
        undelivered = []
        for notice in claimed:
            if await self._admins.tell(bot, f"⚠️ {notice.message}"):
                logger.info("notice %d sent to the admins", notice.id)
            else:
                undelivered.append(notice.id)
        if undelivered:
            logger.warning("%d notice(s) reached no admin; they will be sent again", len(undelivered))
            self._store.release_notices(undelivered)
        return len(claimed) - len(undelivered)

    def schedule(self, jobs: Jobs, bot: Bot, *, interval: timedelta = INTERVAL) -> None:
        """Run :meth:`deliver` every `interval`, as the job NOTICES_JOB.

        The first run is one interval away, so the caller delivers once itself at start.
        """

        async def deliver() -> None:
            await self.deliver(bot)

        jobs.every(NOTICES_JOB, deliver, interval)
