"""Who may command the bot: the admins named in the settings, and nobody else.

Refusals are logged with the user id and the command only, never the message's contents.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterable
from functools import wraps
from typing import Any

from telegram import Bot, Update, User
from telegram.error import TelegramError
from telegram.ext import ContextTypes

logger = logging.getLogger(__name__)

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]

REFUSAL = "Sorry, only the channel's admins can use this bot."


class Admins:
    """The admins' user ids, the check on every update, and how to reach them all."""

    def __init__(self, ids: Iterable[int]) -> None:
        self.ids = tuple(dict.fromkeys(ids))

    def allows(self, user: User | None) -> bool:
        return user is not None and user.id in self.ids

    def only(self, action: str, callback: Callback) -> Callback:
        """`callback` for admins; a short refusal, logged without contents, for anyone else."""

        @wraps(callback)
        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            if self.allows(update.effective_user):
                await callback(update, context)
                return
            user = update.effective_user
            logger.info("refused %s from user %s", action, user.id if user else "unknown")
            if update.callback_query is not None:
                await update.callback_query.answer(REFUSAL, show_alert=True)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(REFUSAL)

        return guarded

    async def tell(self, bot: Bot, text: str) -> int:
        """Send `text` to every admin; one unreachable admin does not keep it from the others.

        Returns how many admins it reached.
        """
        reached = 0
        for admin in self.ids:
            try:
                await bot.send_message(admin, text)
            except TelegramError as exc:
                logger.warning("could not notify admin %s: %s", admin, exc.message)
            else:
                reached += 1
        return reached
