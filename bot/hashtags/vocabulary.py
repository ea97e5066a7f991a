"""A chat's established hashtags, and how they steer an article's candidates toward them.

A hashtag is navigation: a subscriber taps ``#Macron`` and sees every post with it, which only
works if the channel writes one topic one way. :class:`Vocabulary` holds the tags a chat has
published with how often, and :meth:`Vocabulary.prefer` applies them to a ranked candidate list
before tags are chosen:

- a candidate that matches an established tag takes the chat's spelling: the same comparison
  key (``#Nato`` → ``#NATO``), a surname and the full name of one person (``#Macron`` ↔
  ``#EmmanuelMacron``), an acronym and its expansion (``#UK`` ↔ ``#UnitedKingdom``);
- it also gains a bonus that grows with the tag's uses but never exceeds :data:`MAX_BONUS`, so a
  new topic that scores clearly higher still comes in.

Pure: the vocabulary is built by whoever read the store and handed in; nothing here does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import regex

from bot.hashtags.candidates import PARTICLES
from bot.hashtags.normalize import tag_key
from bot.hashtags.rank import Ranked, sort_best_first
from bot.models import TagUse

#: A tag the chat uses often scores up to this much more (×1.5): a preference, not a lock-in.
MAX_BONUS = 0.5
#: Uses at which a tag gets half the bonus; one use gives a fifth of it (1 / (1 + 4)).
HALF_BONUS_USES = 4
#: Candidates are looked up down to the score that the bonus could still lift into the top.
#: How many ranks past the tag limit that cut lies: chosen tags skip duplicates and near-duplicates.
WINDOW = 3
#: First words that make a place, not a person's first name: #SouthAfrica is not a Mr. Africa.
QUALIFIERS = frozenset(
    {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central"}
    | {"new", "old", "great", "greater", "upper", "lower", "united", "little", "grand", "grande"}
    | {"saint", "st", "san", "santa", "sao", "nord", "sud", "est", "ouest", "nouvelle", "nueva"}
    | {"nova", "norte", "sul"}
)
_ACRONYM_LENGTH = range(2, 7)
#: The words of a tag as hashbot writes them: NATOSummit → NATO, Summit; Ukraine2026 → Ukraine, 2026.
_TAG_WORDS = regex.compile(r"\p{Lu}+(?!\p{Ll})|\p{Lu}?[\p{Ll}\p{M}]+|\p{N}+|[^\p{Lu}\p{Ll}\p{M}\p{N}_]+")
#: The same for ASCII tags, most of them, with the standard library's faster engine.
_ASCII_TAG_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")

#: What a candidate's phrase becomes as a tag: (name, key), or None when nothing taggable remains.
TagOf = Callable[[str], "tuple[str, str] | None"]


def tag_words(name: str) -> list[str]:
    """The words a tag was made of, from its capitals: EmmanuelMacron → Emmanuel, Macron."""
    words: list[str] = (_ASCII_TAG_WORDS if name.isascii() else _TAG_WORDS).findall(name)
    return words


def _is_acronym(name: str) -> bool:
    return name.isalpha() and name.isupper() and len(name) in _ACRONYM_LENGTH


def _initials(words: list[str]) -> set[str]:
    """The keys an acronym of these words would have, with and without particles (OTAN, OdTdAN)."""
    if len(words) < 2 or not all(word.isalpha() for word in words):
        return set()
    lowered = [word.lower() for word in words]
    found = {"".join(word[0] for word in lowered)}
    content = [word for word in lowered if word not in PARTICLES]
    if len(content) >= 2:
        found.add("".join(word[0] for word in content))
    return {tag_key(key) for key in found if len(key) in _ACRONYM_LENGTH}


def _person_like(words: list[str]) -> bool:
    """First and last name, capitalized, no acronym, no place qualifier: Emmanuel Macron."""
    return (
        len(words) == 2
        and all(word[:1].isupper() and not word.isupper() and word.isalpha() for word in words)
        and words[0].lower() not in QUALIFIERS
    )


def _best(uses: list[TagUse]) -> TagUse | None:
    """The most used of several matches; None when two tie, since the chat never settled it."""
    if len(uses) < 2:
        return uses[0] if uses else None
    ordered = sorted(uses, key=lambda use: -use.uses)
    return ordered[0] if ordered[0].uses > ordered[1].uses else None


class Vocabulary:
    """A chat's tags by comparison key, with the indexes for surnames and acronyms.

    Built once per chat and publish pass from the store's history (a few milliseconds for
    10,000 tags); every lookup afterwards is a dictionary access.
    """

    def __init__(self, uses: Iterable[TagUse]) -> None:
        self._by_key: dict[str, TagUse] = {}
        for use in uses:
            key = tag_key(use.name)
            known = self._by_key.get(key)
            if known is None or use.uses > known.uses:
                self._by_key[key] = TagUse(use.name, use.uses + (known.uses if known else 0))
            else:
                self._by_key[key] = TagUse(known.name, known.uses + use.uses)
        self._by_surname: dict[str, list[TagUse]] = {}
        self._by_initials: dict[str, list[TagUse]] = {}
        self._words: dict[str, list[str]] = {}
        for use in self._by_key.values():
            words = tag_words(use.name)
            if _person_like(words):
                self._by_surname.setdefault(tag_key(words[-1]), []).append(use)
            for initials in _initials(words):
                self._by_initials.setdefault(initials, []).append(use)

    def __len__(self) -> int:
        return len(self._by_key)

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def uses(self) -> list[TagUse]:
        """Every tag, most used first (then by name)."""
        return sorted(self._by_key.values(), key=lambda use: (-use.uses, use.name.casefold()))

    def established(self, name: str, key: str, *, mentioned: Callable[[str], bool]) -> TagUse | None:
        """The chat's tag for the candidate tag `name` (with key `key`), or None if it has none.

        `mentioned` tells whether the article uses a phrase (by tag key) on its own: a full name
        becomes the chat's surname tag only when the article, too, calls the person by surname.
        """
        same = self._by_key.get(key)
        if same is not None:
            return same
        if _is_acronym(name):
            return _best(self._by_initials.get(key, []))
        words = self._words.get(name)
        if words is None:
            words = self._words[name] = tag_words(name)
        if len(words) == 1:
            return _best(self._by_surname.get(key, []))
        if _person_like(words):
            surname = tag_key(words[-1])
            found = self._by_key.get(surname)
            if found is not None and mentioned(surname) and len(tag_words(found.name)) == 1:
                return found
        for initials in _initials(words):
            acronym = self._by_key.get(initials)
            if acronym is not None and _is_acronym(acronym.name):
                return acronym
        return None

    def prefer(self, ranked: list[Ranked], tag_of: TagOf, *, limit: int) -> list[Ranked]:
        """`ranked` with the chat's spelling and bonus on the candidates that match its tags.

        Only candidates the bonus could lift into the first ``WINDOW × limit`` are looked up: a
        candidate further down stays out of the post whether the chat knows it or not.
        """
        if not self._by_key or not ranked:
            return ranked
        cut = ranked[min(len(ranked), WINDOW * limit) - 1].score / (1 + MAX_BONUS)
        alone: set[str] | None = None

        def mentioned(key: str) -> bool:
            """Whether the article uses the one word `key` (a surname) as a candidate of its own."""
            nonlocal alone
            if alone is None:  # built once, and only for an article that names a known surname
                alone = {tag_key(item.key) for item in ranked if " " not in item.key}
            return key in alone

        preferred = list(ranked)
        changed = False
        for index, item in enumerate(ranked):
            if item.score < cut:
                break
            made = tag_of(item.surface)
            if made is None:
                continue
            use = self.established(made[0], made[1], mentioned=mentioned)
            if use is not None:
                bonus = 1 + MAX_BONUS * use.uses / (use.uses + HALF_BONUS_USES)
                preferred[index] = item._replace(surface=use.name, score=item.score * bonus)
                changed = True
        if changed:
            sort_best_first(preferred)
        return preferred
