"""The channel vocabulary read from the store: what the planner is handed for a chat's posts.

The chat's tag history (its most used tags of the last days) becomes a
:class:`~bot.hashtags.vocabulary.Vocabulary`; the admins' runtime rules become aliases and a
blocklist that come after the settings' own. :class:`VocabularyCache` keeps each chat's
vocabulary between posts and brings it up to date from what changed, so an admin's ``/alias``
(or ``hashbot vocab alias`` from another process) changes the very next post, without a restart
and without reading the whole history again for every post.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.hashtags import tag_key
from bot.hashtags.vocabulary import Vocabulary
from bot.models import TagUse
from bot.pipeline import NO_VOCABULARY, ChatVocabulary
from bot.storage import Store, TagRule

#: The most used tags a vocabulary holds: a channel's whole working vocabulary, and bounded.
VOCABULARY_SIZE = 10_000
#: How long a chat's history read stays the base of its vocabulary. The tags written since are
#: added on top at every post; a full read again lets tags that left the window go, and corrects
#: a post whose tags were decided before the read and sent after it (counted twice until then).
REFRESH = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One chat's vocabulary as built, and what it was built from."""

    read_at: datetime
    base: tuple[TagUse, ...]
    #: Tags written at `read_at` or later that the base read already counted.
    counted: tuple[str, ...]
    rules: tuple[TagRule, ...]
    added: tuple[str, ...]
    vocabulary: ChatVocabulary


class VocabularyCache:
    """Each chat's vocabulary, kept between posts; one store read of the history per :data:`REFRESH`.

    Every call reads what is cheap to read and may have changed: the admins' rules (a few rows)
    and the tags the chat's history received since the base was read (an index range, a few
    posts' worth). The vocabulary is rebuilt only when either changed, from the base and those
    tags, in memory.
    """

    def __init__(self, store: Store, *, days: int, blocked: Iterable[str] = ()) -> None:
        #: The settings' blocklist: never a tag any candidate is respelled into.
        self._store, self._days, self._blocked = store, days, tuple(blocked)
        self._entries: dict[str, _Entry] = {}

    def __call__(self, chat: str | None, *, now: datetime) -> ChatVocabulary:
        """The vocabulary of `chat` over the last `days` (none if 0 or no chat), with the rules."""
        rules = tuple(self._store.tag_rules())
        if self._days <= 0 or not chat:
            return _with_rules(None, rules)
        entry = self._entries.get(chat)
        if entry is None or now - entry.read_at >= REFRESH or now < entry.read_at:
            entry = self._read(chat, rules, now=now)
        else:
            added = _without(self._store.tags_since(chat=chat, since=entry.read_at), entry.counted)
            if added != entry.added or rules != entry.rules:
                entry = self._build(entry, rules, added)
        self._entries[chat] = entry
        return entry.vocabulary

    def _read(self, chat: str, rules: tuple[TagRule, ...], *, now: datetime) -> _Entry:
        """A full read of the chat's history: its most used tags of the window."""
        uses = self._store.tag_uses(chat=chat, since=now - timedelta(days=self._days), limit=VOCABULARY_SIZE)
        # Written in the same instant as the read (or stamped later): in the base already.
        counted = tuple(self._store.tags_since(chat=chat, since=now))
        empty = _Entry(now, tuple(uses), counted, (), (), NO_VOCABULARY)
        return self._build(empty, rules, ())

    def _build(self, entry: _Entry, rules: tuple[TagRule, ...], added: tuple[str, ...]) -> _Entry:
        never = {tag_key(tag) for tag in (*self._blocked, *(rule.tag for rule in rules if rule.blocked))}
        uses = (*entry.base, *(TagUse(tag, 1) for tag in added))
        vocabulary = Vocabulary(use for use in uses if tag_key(use.name) not in never)
        built = _with_rules(vocabulary or None, rules)
        return _Entry(entry.read_at, entry.base, entry.counted, rules, added, built)


def _with_rules(vocabulary: Vocabulary | None, rules: Iterable[TagRule]) -> ChatVocabulary:
    aliases = {rule.tag: rule.alias for rule in rules if rule.alias is not None}
    blocklist = tuple(rule.tag for rule in rules if rule.blocked)
    return ChatVocabulary(vocabulary, aliases, blocklist)


def _without(tags: list[str], counted: tuple[str, ...]) -> tuple[str, ...]:
    """`tags` less one of each tag in `counted` (those the base read had)."""
    left, kept = Counter(counted), list[str]()
    for tag in tags:
        if left[tag]:
            left[tag] -= 1
        else:
            kept.append(tag)
    return tuple(kept)
