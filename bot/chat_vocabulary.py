"""A chat's vocabulary and its admins' rules as the tag engine takes them: pure, read by the caller.

Apart from the planner so that `hashbot tags`, which renders nothing, can tag in a chat's words
without loading the renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from bot.hashtags import TagOptions
from bot.hashtags.vocabulary import Vocabulary


@dataclass(frozen=True, slots=True)
class ChatVocabulary:
    """What a chat's history and its admins add to the settings' tag options, read by the caller.

    The admins' aliases and blocks come after the settings' own: an alias in `.env` wins over an
    admin's alias for the same tag, and a tag blocked in `.env` stays blocked.
    """

    vocabulary: Vocabulary | None = None
    aliases: Mapping[str, str] = field(default_factory=dict)
    blocklist: tuple[str, ...] = ()

    def options(self, base: TagOptions) -> TagOptions:
        if not self.aliases and not self.blocklist:
            return base
        aliases = {**self.aliases, **base.aliases}  # the later wins, key for key
        return replace(base, aliases=aliases, blocklist=base.blocklist + self.blocklist)


NO_VOCABULARY = ChatVocabulary()
