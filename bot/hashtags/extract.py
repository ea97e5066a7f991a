"""Choose an article's hashtags: rank its phrases, weigh the source's hints, apply the options.

Pure and deterministic: the same article and options always give the same tags.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from bot.hashtags.candidates import HEAD_LAST, PARTICLES, tag_memo, words_of
from bot.hashtags.conjoined import CONJUNCTIONS
from bot.hashtags.language import LanguageData, detect_language
from bot.hashtags.normalize import TagCase, TagScript, normalize, tag_key, transliterate
from bot.hashtags.rank import Ranked, rank, sort_best_first
from bot.hashtags.vocabulary import Vocabulary
from bot.hashtags.words import is_upper
from bot.models import Article, Tag, TagReason

HINT_WEIGHT: Final = 2.0  # a phrase the source itself tagged (or filed under) weighs this much more
HINT_SCORE: Final = 0.5  # and a hint the text never mentions starts from this
# A teaser of a few sentences says too little to rank its phrases well: there the source's own
# tags and categories are strong evidence, and one the text never mentions still comes in.
TEASER_SENTENCES: Final = 3
TEASER_HINT_WEIGHT: Final = 4.0
TEASER_HINT_SHARE: Final = 0.5  # of the best phrase's score, for a hint the teaser never mentions
_SENTENCE_END: Final = re.compile(r"[.!?…](?:\s|$)")

_AND: Final = frozenset(CONJUNCTIONS.values())
_NOT_ALNUM: Final = re.compile(r"[\W_]+")
_MIN_STEM: Final = 4  # near-duplicates share 4+ letters
_MAX_ENDING: Final = 4  # and differ in 4 at most


@dataclass(frozen=True, slots=True)
class TagOptions:
    """How tags are chosen and written; built from settings, overridable per feed."""

    limit: int = 8
    case: TagCase = "camel"
    script: TagScript = "ascii"
    fixed: tuple[str, ...] = ()
    blocklist: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)


def _loose_key(phrase: str) -> str:
    """Letters and digits only, lowercase: matches a source's `#cessezlefeu` to `cessez-le-feu`."""
    return _NOT_ALNUM.sub("", phrase.casefold())


def _with_hints(ranked: list[Ranked], article: Article, data: LanguageData) -> list[Ranked]:
    """Merge the source's own tags and the feed's categories into the ranking, as evidence.

    A hint is never copied blindly: one the text supports lifts that candidate (keeping the
    text's spelling); one the text never mentions comes in low; a stopword (`#des`) never does.
    """
    hints = [(tag, TagReason.SOURCE) for tag in article.source_tags]
    hints += [(category, TagReason.CATEGORY) for category in article.categories]
    if not hints:
        return ranked
    weight, unmentioned = HINT_WEIGHT, HINT_SCORE
    if len(_SENTENCE_END.findall(article.text, 0, 2000)) <= TEASER_SENTENCES:
        weight = TEASER_HINT_WEIGHT
        if ranked:
            unmentioned = TEASER_HINT_SHARE * ranked[0].score
    by_key = {_loose_key(item.key): item for item in reversed(ranked)}
    lifted: dict[str, Ranked] = {}
    for phrase, reason in hints:
        key = _loose_key(phrase)
        if not key or key in lifted or phrase.casefold().lstrip("#") in data.stopwords:
            continue
        found = by_key.get(key)
        if found is not None:
            lifted[key] = found._replace(score=found.score * weight + unmentioned, reason=reason)
        else:
            lifted[key] = Ranked(key, phrase, unmentioned, 0, reason)
    merged = [item for item in ranked if _loose_key(item.key) not in lifted] + list(lifted.values())
    sort_best_first(merged)
    return merged


def _content_words(key: str) -> set[str]:
    return {word for word in key.replace("-", " ").split() if word not in PARTICLES}


def _same_stem(one: str, other: str) -> bool:
    """Whether two words differ only in an ending: Ukraine/Ukrainien, Deutsche/Deutschen."""
    if one[:_MIN_STEM] != other[:_MIN_STEM] or abs(len(one) - len(other)) > _MAX_ENDING:
        return False
    shorter = min(len(one), len(other))
    shared = min(_MIN_STEM, shorter)  # these letters are equal (above); a loop counts the rest
    while shared < shorter and one[shared] == other[shared]:
        shared += 1
    return shared >= _MIN_STEM and len(one) - shared <= _MAX_ENDING and len(other) - shared <= _MAX_ENDING


def _near_duplicate(words: list[str], chosen: Iterable[list[str]]) -> bool:
    """Whether a phrase is word for word a variant of a chosen one (#DeutschenBahn, #DeutscheBahn)."""
    return any(len(words) == len(other) and all(map(_same_stem, words, other)) for other in chosen)


def _overlapping_window(words: list[str], chosen: Iterable[list[str]]) -> bool:
    """Whether a phrase and a chosen one are two windows onto one longer name.

    The counter's phrases hold at most three content words, so "Forum mondial de la langue
    française" gives "forum mondial … langue" and "mondial … langue française": one ends with
    two or more words that the other opens with, neither holds the other. Only the first is a tag.
    """
    for other in chosen:
        shorter = min(len(words), len(other))
        for size in range(2, shorter):
            if words[-size:] == other[:size] or other[-size:] == words[:size]:
                return True
    return False


def _extends(words: list[str], terms: Iterable[list[str]]) -> bool:
    """Whether a common phrase is a chosen one with words added: "US trade deficit" after "trade
    deficit", "single-use plastic bags" after "plastic bags". Where modifiers come first, the
    term is the topic; what the longer phrase adds narrows it, and is a tag of its own if it is
    a topic (#US). (In French "suite d'Envoyé spécial" has a head of its own: not there.)"""
    for term in terms:
        size = len(term)
        if size < len(words) and any(
            words[start : start + size] == term for start in range(len(words) - size + 1)
        ):
            return True
    return False


def _stem_shelf(words: list[str]) -> tuple[int, str]:
    """What a phrase shares with all its near-duplicates: how many words, and the first's stem.

    Chosen phrases are filed by it, so a candidate is compared only with its possible variants.
    """
    return len(words), words[0][:_MIN_STEM] if words else ""


def _capitalized(surface: str) -> bool:
    """Every word but the particles and an "and" starts with a capital: Rio Grande do Sul,
    Ministério da Ciência e Tecnologia."""
    words = [word for word in surface.split() if word.lower() not in PARTICLES and word not in _AND]
    return len(words) > 1 and all(is_upper(word[:1]) for word in words)


def _drop_parts(chosen: dict[str, Tag], item: Ranked, names: dict[str, Ranked], keys: dict[str, str]) -> None:
    """Take back chosen words that `item`, a phrase, is made of: a phrase is tagged as a whole.

    A common word goes (#Storm once #StormSurge comes, #Trains for #NightTrains); so does a
    name that only opens a longer name (#Friedrich for #FriedrichMerz, #Rio for
    #RioGrandeDoSul). A name inside a phrase stays a topic of its own (#France beside
    #BanqueDeFrance).
    """
    words = item.key.split(" ")
    whole_name = _capitalized(item.surface)
    for shorter, part in list(names.items()):
        if shorter == item.key or " " in shorter or shorter not in words:
            continue
        if part.reason is not TagReason.ENTITY or (whole_name and words[0] == shorter):
            chosen.pop(keys[shorter], None)
            del names[shorter]


class _Choice:
    """The tags chosen for one article so far, and how a phrase becomes one under the options.

    A class rather than closures: compiled, its methods are called as C functions, where a
    closure is called through Python's calling protocol.
    """

    def __init__(self, options: TagOptions, made: dict[str, tuple[str, str] | None]) -> None:
        self.case: TagCase = options.case
        self.script: TagScript = options.script
        self.blocked = {tag_key(name) for name in options.blocklist}
        self.aliases = {tag_key(source): target for source, target in options.aliases.items()}
        #: The tag each phrase makes, remembered across articles (see :func:`tag_memo`).
        self.made = made
        self.chosen: dict[str, Tag] = {}

    def tag_of(self, phrase: str) -> tuple[str, str] | None:
        """The tag `phrase` makes and its key, or None."""
        made = self.made
        if phrase in made:  # a membership test, not a sentinel: compiled code copies tuples
            return made[phrase]
        name = normalize(phrase, case=self.case, script=self.script)
        tag = made[phrase] = None if name is None else (name, tag_key(name))
        return tag

    def aliased(self, phrase: str) -> tuple[str, str] | None:
        """The tag `phrase` makes once the alias map is applied."""
        tag = self.tag_of(phrase)
        if tag is not None and tag[1] in self.aliases:
            return self.tag_of(self.aliases[tag[1]])
        return tag

    def offer(self, phrase: str, score: float, reason: TagReason) -> str | None:
        """Choose the tag `phrase` makes, unless it is blocked or chosen already; its key if so."""
        tag = self.aliased(phrase)
        if tag is None:
            return None
        name, key = tag
        if key in self.blocked or key in self.chosen:
            return None
        # Positional: a dataclass called with keywords costs twice as much (the arguments go
        # through a dict), and a teaser makes a Tag for every phrase it keeps.
        self.chosen[key] = Tag(name, score, reason)
        return key


def extract_tags(
    article: Article, options: TagOptions = TagOptions(), *, vocabulary: Vocabulary | None = None
) -> list[Tag]:
    """Return at most ``options.limit`` tags for `article`, best first, without duplicates.

    Fixed tags come first; then the best candidates, each passed through the alias map and
    the blocklist. With the chat's `vocabulary`, candidates it knows take its spelling and a
    bounded bonus (see :mod:`bot.hashtags.vocabulary`). A candidate whose words the tags already
    chosen all have is left out (#Morsi after #MohamedMorsi, #Paix after #Accord and
    #AccordDePaix): each tag adds a word.
    """
    lang = article.lang or detect_language(f"{article.title or ''}\n{article.text}")
    data = LanguageData.known(lang)
    choice = _Choice(options, tag_memo(data, options.case, options.script))
    chosen = choice.chosen
    used_words: set[str] = set()
    for fixed in options.fixed:
        choice.offer(fixed, float("inf"), TagReason.FIXED)
    stems: dict[tuple[int, str], list[list[str]]] = {}  # chosen phrases' words, by _stem_shelf
    names: dict[str, Ranked] = {}  # chosen phrases by key
    keys: dict[str, str] = {}  # chosen phrases: key → tag key
    windows: list[list[str]] = []  # chosen phrases of three content words or more, those words
    terms: list[list[str]] = []  # chosen common phrases of two content words or more, those words
    head_last = data.lang in HEAD_LAST  # where a phrase's added words are modifiers (see _extends)
    ranked = _with_hints(rank(article, data, enough=options.limit), article, data)
    if vocabulary is not None:
        ranked = vocabulary.prefer(ranked, choice.aliased, limit=options.limit)
    for item in ranked:
        if len(chosen) >= options.limit:
            break
        words = _content_words(item.key)
        if words <= used_words:
            continue
        stem = transliterate(item.key).split()
        if _near_duplicate(stem, stems.get(_stem_shelf(stem), ())):
            continue
        inner = words_of(item.key)
        if len(inner) > 2 and _overlapping_window(inner, windows):
            continue
        common = head_last and item.reason is not TagReason.ENTITY
        if common and _extends(inner, terms):
            continue
        if len(words) > 1:
            _drop_parts(chosen, item, names, keys)
        key = choice.offer(item.surface, item.score, item.reason)
        if key is not None:
            used_words |= words
            stems.setdefault(_stem_shelf(stem), []).append(stem)
            names[item.key] = item
            keys[item.key] = key
            if len(inner) > 2:
                windows.append(inner)
            if common and len(inner) > 1:
                terms.append(inner)
    return list(chosen.values())[: options.limit]
