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
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.chat_vocabulary import NO_VOCABULARY, ChatVocabulary
from bot.hashtags import tag_key
from bot.hashtags.vocabulary import Vocabulary
from bot.models import TagUse
from bot.storage import Store, TagRule

#: The most used tags a vocabulary holds: a channel's whole working vocabulary, and bounded.
VOCABULARY_SIZE = 10_000
#: How long a chat's history read stays the base of its vocabulary. What changed since is added
#: on top at every post; a full read again lets the tags that left the window go.
REFRESH = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One chat's vocabulary as built, and what it was built from."""

    read_at: datetime
    #: Where the window of days began at the read.
    window: datetime
    base: tuple[TagUse, ...]
    #: The posts whose tags could still be rewritten at the read (the base counted their rows then).
    unsettled: tuple[int, ...]
    #: What :meth:`Store.tags_since` said at the read (in the base already), and at the last call.
    seen: tuple[str, ...]
    current: tuple[str, ...]
    rules: tuple[TagRule, ...]
    vocabulary: ChatVocabulary


class VocabularyCache:
    """Each chat's vocabulary, kept between posts; one store read of the history per :data:`REFRESH`.

    Every call reads what is cheap to read and may have changed: the admins' rules (a few rows),
    the tags the chat's history received since the base was read (an index range, a few posts'
    worth), and the tags of the few posts that could still change theirs then. The base plus
    what that read gained over the same read at the base is exactly what a full read would say:
    a post decided before the read and sent after it, its rows rewritten, counts once. The
    vocabulary is rebuilt only when either read changed, in memory.
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
            current = self._changes(chat, entry.read_at, entry.window, entry.unsettled)
            if current != entry.current or rules != entry.rules:
                entry = self._build(replace(entry, current=current, rules=rules))
        self._entries[chat] = entry
        return entry.vocabulary

    def _changes(
        self, chat: str, since: datetime, window: datetime, unsettled: tuple[int, ...]
    ) -> tuple[str, ...]:
        return tuple(self._store.tags_since(chat=chat, since=since, posts=unsettled, window=window))

    def _read(self, chat: str, rules: tuple[TagRule, ...], *, now: datetime) -> _Entry:
        """A full read of the chat's history: its most used tags of the window."""
        window = now - timedelta(days=self._days)
        uses = self._store.tag_uses(chat=chat, since=window, limit=VOCABULARY_SIZE)
        unsettled = tuple(self._store.unsettled_posts(chat=chat, since=window))
        seen = self._changes(chat, now, window, unsettled)
        return self._build(_Entry(now, window, tuple(uses), unsettled, seen, seen, rules, NO_VOCABULARY))

    def _build(self, entry: _Entry) -> _Entry:
        """The vocabulary of `entry`: its base, plus what the changes read gained since the read."""
        rules = entry.rules
        never = {tag_key(tag) for tag in (*self._blocked, *(rule.tag for rule in rules if rule.blocked))}
        change = Counter(tag_key(tag) for tag in entry.current)
        change.subtract(tag_key(tag) for tag in entry.seen)
        names = {tag_key(tag): tag for tag in entry.current}  # a new key in its latest spelling
        names.update((tag_key(use.name), use.name) for use in entry.base)
        uses = Counter({tag_key(use.name): use.uses for use in entry.base})
        uses.update(change)
        vocabulary = Vocabulary(
            TagUse(names[key], count) for key, count in uses.items() if count > 0 and key not in never
        )
        return replace(entry, vocabulary=_with_rules(vocabulary or None, rules))


def _with_rules(vocabulary: Vocabulary | None, rules: Iterable[TagRule]) -> ChatVocabulary:
    aliases = {rule.tag: rule.alias for rule in rules if rule.alias is not None}
    blocklist = tuple(rule.tag for rule in rules if rule.blocked)
    return ChatVocabulary(vocabulary, aliases, blocklist)
