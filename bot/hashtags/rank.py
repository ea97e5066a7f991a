"""Score an article's candidate phrases: names, title phrases and recurring terms first.

The score is a frequency with a few multipliers, each set by measurement on human keyphrases
(see bench/README.md): where the phrase first appears, whether it is a name or a person, how
many words it has, whether it is a verb form. Phrases inside longer ones lend them their
occurrences, so "Rights" never competes with "Human Rights Watch".
"""

from __future__ import annotations

from operator import attrgetter
from typing import NamedTuple

from bot.hashtags.candidates import PARTICLES, Candidate, Phrases, count_phrases
from bot.hashtags.language import LanguageData
from bot.models import Article, TagReason

TITLE_WEIGHT = 2.0  # a title mention counts as this many text mentions
TITLE_ONLY_WEIGHT = (
    0.5  # a title word the text never uses (outside a label): a headline verb as often as a topic
)
EARLY_WEIGHT = 1.0  # bonus for a first mention in the title or lead, fading with each sentence
NAME_WEIGHT = 1.5  # capitalized mid-sentence: a place, organization or person
PERSON_WEIGHT = 4.0  # a full name whose surname is also used alone: surely a person
PHRASE_WEIGHT = (1.0, 1.0, 1.5, 1.5)  # by words (hyphenated parts count): compounds are specific
COMMON_WEIGHT = 0.6  # a single common word outside the title: a topic, less telling than a name
VERB_WEIGHT = 0.3  # an inflected verb ("déclaré", "proposed") is rarely what an article is about
ADJECTIVE_WEIGHT = 0.5  # capitalized, but mostly before a noun: "European" in "European start-ups"
COVERED_WEIGHT = 0.5  # a mention inside a longer candidate counts this much for the shorter one
SURNAME_RATIO = 2  # surname alone at least this many times as often as the full name: #Macron


class Ranked(NamedTuple):
    """A candidate with its score, ready to become a tag."""

    key: str
    surface: str
    score: float
    first: int
    reason: TagReason


def sort_best_first(ranked: list[Ranked]) -> None:
    """Highest score first; then the earlier first mention, then the key, so ties are stable.

    Two stable sorts on C-level keys (the later sort decides, the earlier breaks its ties):
    the same order as one sort on ``(-score, first, key)``, without a Python call per item.
    """
    ranked.sort(key=_TIE_BREAK)
    ranked.sort(key=_SCORE, reverse=True)


_TIE_BREAK, _SCORE = attrgetter("first", "key"), attrgetter("score")


def is_name(candidate: Candidate) -> bool:
    """Capitalized mid-sentence at least as often as in lowercase, and mostly not as an adjective.

    "European" in "European start-ups" modifies a noun: English capitalizes such adjectives.
    """
    named = candidate.capitalized
    return named > 0 and named >= candidate.lowercase and 2 * candidate.modifier < named


def _eligible(candidate: Candidate) -> bool:
    """Whether the phrase has the shape of a tag, however often it is used alone."""
    if candidate.words > 1:
        # A phrase must recur, be a name, or be in both title and text: a title read alone gives
        # phrases across verbs ("Union Delays Key") that nobody would tag.
        return (
            is_name(candidate) or candidate.in_text > 1 or (candidate.in_title > 0 and candidate.in_text > 0)
        )
    word = candidate.surface
    return len(word) > 2 or (len(word) == 2 and word.isupper())


def is_quantity(candidate: Candidate, found: Phrases) -> bool:
    """Whether the phrase is an amount: it opens with a word mostly written after a number.

    "Milliarden Euro" (from "40 Milliarden Euro"), "millions de dollars": amounts, not topics.
    A single word after numbers often is a topic all the same (8 000 emplois), so it stays.
    """
    if candidate.words < 2:
        return False
    head = found.get(candidate.key.split(" ", 1)[0])
    return head is not None and 2 * head.after_number >= head.count > 0


def _inner_phrases(key: str) -> tuple[str, str]:
    """The phrase without its first word and without its last, connectors trimmed."""
    words = key.split(" ")
    head, tail = words[1:], words[:-1]
    while head and head[0] in PARTICLES:
        head.pop(0)
    while tail and tail[-1] in PARTICLES:
        tail.pop()
    return " ".join(head), " ".join(tail)


def _mark_people(found: Phrases, phrases: list[Candidate]) -> None:
    """Find people: full names whose surname is also used alone, and tag each by one name.

    When the surname alone is used at least twice as often as the full name, the news treats
    the person as known and so do channels: the tag is the surname (#Macron), the same whatever
    the article writes. Otherwise it is the full name (#AlanTuring).
    """
    # First and last name, with particles between (Charles de Gaulle); longer runs of names are
    # usually two names back to back ("Donald Trump Jared Kushner") or a title and a name.
    names = [c for c in phrases if is_name(c) and c.words - c.particles == 2]
    in_names: dict[str, int] = {}  # last word → mentions as the end of a name (AI Act, Donald Trump)
    for name in names:
        last = name.key.rsplit(" ", 1)[1]
        in_names[last] = in_names.get(last, 0) + name.count
    for candidate in names:
        surname = found.get(candidate.key.rsplit(" ", 1)[1])
        # A surname is never written in lowercase ("regulation" is no surname).
        if surname is None or surname.lowercase or not is_name(surname):
            continue
        alone = surname.count - in_names[surname.key]
        if alone <= 0:
            continue
        if alone >= SURNAME_RATIO * candidate.count:
            surname.person = True
            surname.in_title = max(surname.in_title, candidate.in_title)
            surname.first = min(surname.first, candidate.first)
            candidate.merged = True
        else:
            candidate.person = True


def _role_before_name(candidate: Candidate, parts: list[Candidate], found: Phrases) -> bool:
    """A German noun glued before a two-word name: "Bahnvorstand Jonas Albrecht".

    German capitalizes every noun, so a role runs into the name after it. When the first word
    is used nowhere but in front of this name, the name alone is the tag.
    """
    if candidate.words - candidate.particles != 3 or not is_name(candidate):
        return False
    head = found.get(candidate.key.split(" ", 1)[0])
    tail = next((part for part in parts if part.key == candidate.key.split(" ", 1)[1]), None)
    return head is not None and head.count == candidate.count and tail is not None and is_name(tail)


def _mark_covered(found: Phrases, phrases: list[Candidate], data: LanguageData) -> None:
    """Count how often each phrase occurs inside a longer candidate that may become a tag.

    "Rights" never seen outside "Human Rights Watch" is no tag of its own; "crise" seen alone
    besides "crise financière" still is, with less weight. A title before a person's name
    ("Minister Dick Schoof") is no tag either: the person is.
    """
    for candidate in sorted(phrases, key=lambda c: -c.words):
        if candidate.merged or not _eligible(candidate):
            continue
        parts = [part for part in map(found.get, _inner_phrases(candidate.key)) if part is not None]
        people = [part for part in parts if part.words > 1 and (part.person or part.merged)]
        if data.capitalizes_nouns and _role_before_name(candidate, parts, found):
            people = [part for part in parts if part.key == candidate.key.split(" ", 1)[1]]
        if people:
            candidate.merged = True
        for part in parts:
            if part not in people:
                part.covered = min(part.count, part.covered + candidate.count)


def _score(candidate: Candidate, named: bool, data: LanguageData) -> float:
    """How likely the phrase is a tag of the article; `named` is whether it is a name."""
    in_title, capitalized = candidate.in_title, candidate.capitalized
    frequency = candidate.alone + COVERED_WEIGHT * candidate.covered
    if in_title:
        frequency += TITLE_WEIGHT - 1
    if candidate.count == in_title and not candidate.in_label:  # never in the text
        frequency *= TITLE_ONLY_WEIGHT
    length = candidate.length
    score = frequency * (1 + EARLY_WEIGHT / (1 + candidate.first))
    score *= PHRASE_WEIGHT[min(length, len(PHRASE_WEIGHT) - 1)]
    if candidate.person:
        score *= PERSON_WEIGHT
    elif length == 1 and data.capitalizes_nouns:
        score *= COMMON_WEIGHT if capitalized else VERB_WEIGHT
    elif named:
        score *= NAME_WEIGHT
    elif capitalized:
        score *= ADJECTIVE_WEIGHT  # capitalized yet no name: English "European", "American"
    elif length == 1:
        if data.is_verb_form(candidate.key):
            score *= VERB_WEIGHT
        elif not in_title:
            score *= COMMON_WEIGHT
    return score


def _ranked(candidate: Candidate, data: LanguageData) -> Ranked:
    named = is_name(candidate)
    if candidate.person or named:
        reason = TagReason.ENTITY
    else:
        reason = TagReason.TITLE if candidate.in_title else TagReason.PHRASE
    return Ranked(candidate.key, candidate.surface, _score(candidate, named, data), candidate.first, reason)


def rank(article: Article, data: LanguageData, *, enough: int) -> list[Ranked]:
    """The article's candidates, best first; `enough` is how many the caller will take."""
    found = count_phrases(article.title, article.text, data)
    pool = found.likely
    if len(pool) < enough:
        pool = found.every()
    phrases = [c for c in pool if c.words > 1]
    _mark_people(found, phrases)
    _mark_covered(found, phrases, data)
    ranked = [
        _ranked(c, data)
        for c in pool
        if c.alone > 0 and not c.merged and _eligible(c) and not is_quantity(c, found)
    ]
    sort_best_first(ranked)
    return ranked
