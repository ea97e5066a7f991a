"""Reactions to the channel's posts: Telegram's ``message_reaction_count`` updates, kept per post.

Telegram sends them only to a bot that is an administrator of the channel, and only when the
bot asks for them in ``allowed_updates`` (see :data:`ALLOWED_UPDATES`). Each update carries the
message's current counts, so the latest simply replaces the one before.
"""

from __future__ import annotations

import logging

from telegram import ReactionType, ReactionTypeCustomEmoji, ReactionTypeEmoji, Update
from telegram.constants import UpdateType
from telegram.ext import ContextTypes, MessageReactionHandler

from bot.storage import MessageReactions, Store
from bot.telegram.handlers import Handler

logger = logging.getLogger(__name__)

#: What the bot asks Telegram for: its default (everything but members and reactions), plus the
#: anonymous reaction counts of channel posts. A handler for another update type must add it here.
ALLOWED_UPDATES: tuple[str, ...] = tuple(
    kind for kind in Update.ALL_TYPES if kind not in (UpdateType.CHAT_MEMBER, UpdateType.MESSAGE_REACTION)
)


def reaction_label(reaction: ReactionType) -> str:
    """How a reaction is counted: its emoji, ``custom:<id>`` for a custom emoji, or ``paid``."""
    if isinstance(reaction, ReactionTypeEmoji):
        return reaction.emoji
    if isinstance(reaction, ReactionTypeCustomEmoji):
        return f"custom:{reaction.custom_emoji_id}"
    return str(reaction.type)


class ReactionCounter:
    """Saves each message's reaction counts; the store matches them to the post it published."""

    def __init__(self, *, store: Store) -> None:
        self._store = store

    def handlers(self) -> list[Handler]:
        return [
            MessageReactionHandler(
                self.count, message_reaction_types=MessageReactionHandler.MESSAGE_REACTION_COUNT_UPDATED
            )
        ]

    async def count(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        updated = update.message_reaction_count
        if updated is None:
            return
        counts: dict[str, int] = {}
        for reaction in updated.reactions:
            label = reaction_label(reaction.type)
            counts[label] = counts.get(label, 0) + reaction.total_count
        reactions = MessageReactions(
            chat_id=updated.chat.id,
            message_id=updated.message_id,
            counts=counts,
            at=updated.date,
            chat_username=updated.chat.username,
        )
        post_id = self._store.record_reactions(reactions)
        logger.debug(
            "reactions on message %d of %s: %d (post %s)",
            updated.message_id,
            updated.chat.id,
            reactions.total,
            post_id if post_id is not None else "unknown",
        )
