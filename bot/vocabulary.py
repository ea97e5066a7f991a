"""The channel vocabulary read from the store: what the planner is handed for a chat's posts.

The chat's tag history (its most used tags of the last days) becomes a
:class:`~bot.hashtags.vocabulary.Vocabulary`; the admins' runtime rules become aliases and a
blocklist that come after the settings' own. Read afresh for every post, so an admin's
``/alias`` changes the very next post, without a restart.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.hashtags import tag_key
from bot.hashtags.vocabulary import Vocabulary
from bot.pipeline import ChatVocabulary
from bot.storage import Store

#: The most used tags a vocabulary holds: a channel's whole working vocabulary, and bounded.
VOCABULARY_SIZE = 10_000


def chat_vocabulary(
    store: Store, chat: str | None, *, now: datetime, days: int, blocked: Iterable[str] = ()
) -> ChatVocabulary:
    """The vocabulary of `chat` over the last `days` (none if 0), with the admins' rules.

    A blocked tag (by the admins, or in `blocked`: the settings' blocklist) is left out of the
    vocabulary, so no candidate is ever respelled into it.
    """
    rules = store.tag_rules()
    aliases = {rule.tag: rule.alias for rule in rules if rule.alias is not None}
    blocklist = tuple(rule.tag for rule in rules if rule.blocked)
    vocabulary = None
    if days > 0 and chat:
        never = {tag_key(tag) for tag in (*blocklist, *blocked)}
        since = now - timedelta(days=days)
        uses = store.tag_uses(chat=chat, since=since, limit=VOCABULARY_SIZE)
        vocabulary = Vocabulary(use for use in uses if tag_key(use.name) not in never)
    return ChatVocabulary(vocabulary or None, aliases, blocklist)
