"""Which handler takes an update: PTB's handler groups, declared as data in one place.

PTB tries the groups in the order of their numbers and, within a group, its handlers in order
until one matches. A match does not stop the other groups unless its handler raises
``ApplicationHandlerStop``; so a catch-all must sit after the handlers it backs up, in their group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes

Handler: TypeAlias = BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]

#: An admin's answer to a question the bot asked (the tags after [Edit tags]): tried before any
#: other handler, which it stops (ApplicationHandlerStop) when the message was the answer.
ANSWERS = -1
#: Commands, buttons and reactions, then the catch-alls: the first that matches takes the update.
UPDATES = 0


@dataclass(frozen=True, slots=True)
class HandlerGroups:
    """Every handler of the bot, by the group it runs in (``Application.add_handlers(groups())``)."""

    answers: Sequence[Handler]
    handlers: Sequence[Handler]
    #: Each takes what no handler took: an unknown command, a pasted article, a stray click.
    fallbacks: Sequence[Handler]

    def groups(self) -> dict[int, Sequence[Handler]]:
        return {ANSWERS: list(self.answers), UPDATES: [*self.handlers, *self.fallbacks]}
