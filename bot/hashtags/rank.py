"""Score an article's candidate phrases: names, title phrases and recurring terms first.

The score is a frequency with a few multipliers, each set by measurement on human keyphrases
(see bench/README.md): where the phrase first appears, whether it is a name or a person, how
many words it has, whether it is a verb form. Phrases inside longer ones lend them their
occurrences, so "Rights" never competes with "Human Rights Watch".
"""

from __future__ import annotations

import re
from math import log1p
from operator import attrgetter
from typing import Final, NamedTuple

from bot.boilerplate import is_boilerplate
from bot.hashtags.acronyms import introduced_acronyms
from bot.hashtags.candidates import (
    AMPERSAND,
    HEAD_LAST,
    MAX_NAME_WORDS,
    PARTICLES,
    SURNAME_PARTICLES,
    Candidate,
    Phrases,
    base_word,
    count_phrases,
    unproven_surname,
)
from bot.hashtags.conjoined import CONJUNCTIONS, Conjoined, conjoined_names
from bot.hashtags.glottonyms import names_a_language
from bot.hashtags.language import LanguageData
from bot.hashtags.measures import counting_nouns, measures
from bot.hashtags.normalize import MAX_TAG_LENGTH, transliterate
from bot.hashtags.tagger import ADJ, EVERY_TAG, NOUN, PROPN, VERB, PosModel
from bot.hashtags.words import is_upper
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
EVERYDAY_WEIGHT = 0.5  # divides a common word's score by 1 + this × ln(1 + its uses per 10,000 words)
#: Uses per 10,000 treebank words as a common noun from which a noun is an everyday one (state,
#: company, personnes, governo): said in the text alone, never in the headline, it is no tag.
EVERYDAY_NOUN = 2.0
COVERED_WEIGHT = 0.5  # a mention inside a longer candidate counts this much for the shorter one
SURNAME_RATIO = 2  # surname alone at least this many times as often as the full name: #Macron
FLOOR = 0.05  # a candidate scoring under this share of the best one is no tag


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


def _eligible(candidate: Candidate, data: LanguageData, headline_own: frozenset[str]) -> bool:
    """Whether the phrase has the shape of a tag, however often it is used alone.

    It must be used mostly as a noun phrase: never a bare verb, adjective or number, never a
    title alone (the tagger decides; without one, every phrase qualifies). `headline_own` are
    the headline's phrases none of whose words the text says (see :func:`_mark_support`).
    """
    # Half will do for a phrase, whose noun a tagger misreads more often than a word alone.
    # A headline's label is a topic whatever its word class: "Informatique : …".
    if 2 * candidate.nominal < candidate.count + (candidate.words == 1) and not candidate.in_label:
        return False
    if candidate.words > 1:
        # A phrase must recur, be a name, or be in the title with its words in the text: a title
        # read alone gives phrases across verbs ("Union Delays Key") that nobody would tag.
        return (
            is_name(candidate)
            or candidate.in_text > 1
            or (candidate.in_title > 0 and (candidate.in_text > 0 or candidate.support > 0))
            or candidate.title_named > 0
            or candidate.key in headline_own
        )
    word = candidate.surface
    key = candidate.key
    if key in data.offices or key in measures(data.lang) or key in data.capitalized_names:
        return False  # a month is a part of a name (Rio de Janeiro), no name alone
    if not candidate.in_title and not candidate.capitalized and data.commonness(key) >= EVERYDAY_NOUN:
        return False  # an everyday noun names no topic unless the headline makes it one: "the state"
    if candidate.before_noun >= candidate.count and not candidate.capitalized and data.lang in HEAD_LAST:
        return False  # a common noun only ever a modifier: "pine" of "pine forests", "wage" of "wage growth"
    if "-" in key and data.lang == "en" and _participle_compound(key, data):
        return False  # an adjective: "French-speaking cantons", "a state-owned operator"
    return len(word) > 2 or (len(word) == 2 and is_upper(word))


_TITLE_WORD: Final = re.compile(r"\w+")


def _language_aside(candidate: Candidate, data: LanguageData, title: str) -> bool:
    """Whether a word is a language named in passing: "a service in English and Swahili" names
    no topic. `title` is the headline, lowercase.

    A headline that names the language in any form of its word (la langue catalane, la langue
    française: catalan, français) makes it the article's topic.
    """
    key = candidate.key
    if candidate.words > 1 or candidate.in_title or not data.language_names:
        return False
    if not names_a_language(key, is_name(candidate), data.language_names):
        return False
    stem = key[:-1]
    return not any(word.startswith(stem) for word in _TITLE_WORD.findall(title))


def _participle_compound(key: str, data: LanguageData) -> bool:
    """Whether a hyphenated English word ends in a word the treebank knows only as a verb:
    French-speaking, state-owned, London-based. Such a compound is a participle, an adjective.

    UD English-EWT writes hyphenated words in parts, so the tagger never saw one whole and
    guesses it a noun from its letters.
    """
    tagger = data.tagger
    return tagger is not None and tagger.allowed_tags(key.rsplit("-", 1)[1]) == 1 << VERB


def is_headline_verb(candidate: Candidate, found: Phrases) -> bool:
    """A headline word the text never uses but as a verb: "cuts" of "Drought cuts wheat harvest".

    Headlines drop the words that show a verb (the drought *has* cut), so the tagger may read
    it as a noun there; the text, written in full, tells. Forms of one verb share all but
    their last letters: cut/cuts, near/nears/nearing, approve/approves/approved.
    """
    if candidate.words > 1 or candidate.in_text or candidate.in_label or is_name(candidate):
        return False
    word = candidate.key
    return any(_inflected_alike(word, verb) for verb in found.verbs)


def is_headline_run_on(candidate: Candidate, found: Phrases, data: LanguageData) -> bool:
    """A headline phrase running into a word that the text never says as a noun.

    "Pipeline leak spills crude oil" gives "pipeline leak spills"; "Storm surge floods coastal
    towns" gives "surge floods". Where a phrase ends with its noun (English, German, Dutch), a
    headline-only phrase whose last word the text never uses, or uses only as a verb, ran into
    the headline's verb (or a word the article is not about: "Louisiana coast"). Elsewhere a
    phrase may end in an adjective the text leaves unsaid, but a name is followed only by the
    headline's verb (see :func:`_name_and_predicate`).
    """
    if candidate.words < 2 or candidate.in_text or candidate.in_label or candidate.title_named:
        return False
    if data.lang not in HEAD_LAST:
        return _name_and_predicate(candidate, found)
    if data.lang == "en" and _subject_and_verb(candidate.key):
        return True
    last = found.get(candidate.key.rsplit(" ", 1)[1])
    if last is None or not last.in_text:
        return True
    return any(_inflected_alike(last.key, verb) for verb in found.verbs) and 2 * last.nominal <= last.count


def _mark_named_modifiers(found: Phrases, phrases: list[Candidate], data: LanguageData) -> None:
    """A name before common nouns is their modifier: "NATO allies", "the Louisiana coast", "US
    trade deficit" are no tags, and leave their words to be.

    Where modifiers come first and only names take a capital (English, Dutch), a name before
    lowercase nouns says whose or where they are: the topics are the name (#NATO, #Louisiana)
    and the common phrase (#TradeDeficit), each a candidate of its own.
    """
    if data.lang not in HEAD_LAST or data.capitalizes_nouns:
        return
    for phrase in phrases:
        first, _, rest = phrase.key.partition(" ")
        if first in PARTICLES or rest.split(" ", 1)[0] in PARTICLES:
            continue
        if not phrase.surface.rsplit(" ", 1)[-1][:1].islower():
            continue
        name = found.get(first)
        written = phrase.surface.split(" ", 1)[0]
        acronym = len(written) > 1 and is_upper(written)
        if name is not None and (acronym or name.capitalized) and not name.lowercase:
            phrase.merged = True


def _subject_and_verb(key: str) -> bool:
    """Whether an English headline phrase holds a plural noun and a word after it that is no
    plural: "imports surge", "train drivers strike". That is a subject and its verb, not a
    compound: English modifier nouns are singular (in UD English-EWT 3,766 of the 3,846 nouns
    right before the noun they modify; import surge, price rise), and after a lowercase plural
    noun a verb comes six times as often as a noun (602 to 105).
    """
    words = key.split(" ")
    return any(_plural(words[i]) and not _plural(words[i + 1]) for i in range(len(words) - 1))


def _plural(word: str) -> bool:
    """Whether an English word has a plural's ending: trains, imports, not bus, glass, crisis."""
    return len(word) > 3 and word[-1] == "s" and word[-2] not in "siu"


def _name_and_predicate(candidate: Candidate, found: Phrases) -> bool:
    """Whether a headline phrase is a name the text says and lowercase words after it.

    Where adjectives follow the noun, a headline drops the auxiliary of its verb: "Paul Vasseur
    blessé" (a été blessé), "Mohamed Morsi élu". The words after the name are its predicate.
    """
    written = candidate.surface.split(" ")
    named = next((i for i, word in enumerate(written) if not is_upper(word[:1])), len(written))
    if not named or named == len(written):
        return False
    name = found.get(" ".join(candidate.key.split(" ")[:named]))
    return name is not None and name.in_text > 0 and is_name(name)


def _inflected_alike(headline: str, verb: str) -> bool:
    """Whether a headline word and a verb of the text look like forms of one verb.

    They share a stem of three letters or more, after which the headline's word has at most
    two letters (cuts, nears) and the verb at most three (cut, nearing): a noun made of a verb
    has more (abolition of abolit) and stays.
    """
    shorter = min(len(headline), len(verb))
    shared = 0  # an indexed loop: most pairs differ in the first letter, and it stops there
    while shared < shorter and headline[shared] == verb[shared]:
        shared += 1
    return shared >= 3 and len(headline) - shared <= 2 and len(verb) - shared <= 3


def is_quantity(candidate: Candidate, found: Phrases) -> bool:
    """Whether the phrase is an amount: it opens with a word mostly written after a number.

    "Milliarden Euro" (from "40 Milliarden Euro"), "millions de dollars": amounts, not topics.
    A single word after numbers often is a topic all the same (8 000 emplois), so it stays,
    unless it is in capitals: then it is a unit ("à 7 h 44 UTC", "500 MW").
    """
    if candidate.words < 2:
        surface = candidate.surface
        return len(surface) > 1 and is_upper(surface) and candidate.after_number >= candidate.in_text > 0
    head = found.get(candidate.key.split(" ", 1)[0])
    if head is None or 2 * head.after_number < head.count or not head.count:
        return False
    if 2 * head.proper > head.count:  # a name after a name's number: "France 2 Gilles Jacquier"
        return False
    # Counted things described ("28 banques espagnoles") are no amount of a unit.
    tail = found.get(candidate.key.rsplit(" ", 1)[1])
    return tail is None or 2 * tail.nominal > tail.count


def _inner_phrases(key: str) -> tuple[str, str]:
    """The phrase without its first word and without its last, connectors trimmed."""
    words = key.split(" ")
    head, tail = words[1:], words[:-1]
    while head and head[0] in PARTICLES:
        head.pop(0)
    while tail and tail[-1] in PARTICLES:
        tail.pop()
    return " ".join(head), " ".join(tail)


#: The Spanish "and", a particle of double surnames (Ramón y Cajal) but mostly a conjunction.
CONJUNCTION = "y"
#: Words that grade the adjective after them (plus grande, muito grande, most powerful).
DEGREE_WORDS = {
    "en": ("most", "more", "least", "less", "very"),
    "fr": ("plus", "moins", "très", "trop"),
    "pt": ("mais", "menos", "muito"),
    "es": ("más", "menos", "muy"),
}
#: The degree words as written before the adjective: lowercase, or opening a sentence.
_DEGREES = {
    lang: tuple(f"{form} " for word in words for form in (word, word.capitalize()))
    for lang, words in DEGREE_WORDS.items()
}
_NEXT_WORD = re.compile(r"\w+")


def _graded_words(texts: tuple[str, str], degrees: tuple[str, ...]) -> dict[str, int]:
    """How often each word follows a degree word in `texts`, lowercase: {"grande": 2}.

    A search for each degree word, not a regular expression over the whole text: news says
    "plus" and "more" a few times per article, and the text is long.
    """
    found: dict[str, int] = {}
    for text in texts:
        for degree in degrees:
            start = text.find(degree)
            while start >= 0:
                if not start or not text[start - 1].isalnum():
                    word = _NEXT_WORD.match(text, start + len(degree))
                    if word is not None:
                        key = word.group().lower()
                        found[key] = found.get(key, 0) + 1
                start = text.find(degree, start + len(degree))
    return found


def _mark_graded(
    found: Phrases, phrases: list[Candidate], texts: tuple[str, str], lang: str | None
) -> frozenset[str]:
    """A phrase opening with an adjective the article always grades is no tag; its noun may be.

    A graded adjective judges rather than names a kind: "sa plus grande brasserie" is about a
    brasserie, "the most powerful storm" about a storm. ("Grande brasserie" said without a
    degree word stays a phrase: "nouvelle version", "grand format" are kinds.) `texts` are the
    title and the text the phrases were counted in.
    """
    degree_words = _DEGREES.get(lang or "")
    if degree_words is None:
        return frozenset()
    opened: list[tuple[Candidate, Candidate]] = []  # (phrase, the adjective opening it)
    for phrase in phrases:
        adjective = found.get(phrase.key.split(" ", 1)[0])
        if adjective is not None and not adjective.nominal:
            opened.append((phrase, adjective))
    if not opened:
        return frozenset()
    degrees = _graded_words(texts, degree_words)  # adjective → mentions after a degree word
    graded: list[str] = []
    for phrase, adjective in opened:
        if degrees.get(adjective.key, 0) >= adjective.count:
            phrase.merged = True
            graded.append(phrase.key)
    return frozenset(graded)


def _mark_counted(found: Phrases, phrases: list[Candidate], lang: str | None) -> None:
    """A phrase that counts its rest is no tag: "nombre d'emplois" is about emplois.

    What is counted is a noun, whatever the tagger made of it after an elided "d'".
    """
    counting = counting_nouns(lang)
    for phrase in phrases:
        words = phrase.key.split(" ")
        if words[0] not in counting or words[1] not in PARTICLES:
            continue
        phrase.merged = True
        counted = found.get(words[-1])
        if counted is not None and words[-2] in PARTICLES:
            counted.nominal = min(counted.count, counted.nominal + phrase.count)


def _mark_institutions(found: Phrases, data: LanguageData) -> list[Candidate]:
    """Count as a name the institutions and people the counter sees as mixed phrases.

    (See :func:`_institution` and :func:`_particle_surname`.) Returns what the counter did not
    find likely: the names joined by a particle said once, in the text only ("in the Gulf of
    Mexico"), and the surnames led by a lowercase particle. A name of the other shape said once
    stays out, as the counter left it.
    """
    named: list[Candidate] = []
    surnames: dict[str, Candidate] = {}  # a person's full name → the surname, led by a particle
    for phrase in found.every():
        if phrase.words < 2 or phrase.capitalized or phrase.lowercase or not phrase.in_text:
            continue
        if unproven_surname(phrase):
            continue  # "de Paris": made a name only as a person's surname, below
        if _institution(phrase, found, data):
            named.append(phrase)
        elif (surname := _particle_surname(phrase, found, data)) is not None:
            named.append(phrase)
            surnames[phrase.key] = surname
    # Windows of a name longer than the counter's phrases overlap or hold one another
    # ("Laboratório de Aplicações de Satélites Ambientais da UFRJ"): none is the name.
    windows = [phrase.key.split(" ") for phrase in named]
    unlikely: list[Candidate] = []
    for phrase, words in zip(named, windows, strict=True):
        if any(other is not words and _overlap(words, other) for other in windows):
            continue
        phrase.capitalized = phrase.in_text
        if phrase.count == 1 and not phrase.in_title and not PARTICLES.isdisjoint(words):
            unlikely.append(phrase)
        surname = surnames.get(phrase.key)
        if surname is not None and unproven_surname(surname):
            surname.capitalized = surname.in_text
            unlikely.append(surname)
    return unlikely


def _merge_long_names(found: Phrases, data: LanguageData, pool: list[Candidate]) -> list[Candidate]:
    """A name longer than the counter's phrases is one tag, never its pieces; returns those tags
    not in `pool` yet.

    "Forum mondial de la langue française" is #ForumMondialDeLaLangueFrancaise, not
    #ForumMondialDeLaLangue beside #LangueFrancaise. A name too long for a tag is its head: the
    longest part that ends before a connector and fits (Laboratório de Aplicações de Satélites
    Ambientais → #LaboratorioDeAplicacoes), as an editor shortens it; with none, the name stays
    as the counter found it. The text must say it (a headline runs into its verb: "Senado aprova
    regulamentação da reforma"), its head must be a word the text never writes in lowercase,
    and not in German, where every noun has a capital.
    """
    if not found.long_names or data.capitalizes_nouns:
        return []
    named: list[Candidate] = []
    for name in found.long_names:
        if not name.in_text:
            continue
        words = name.key.split(" ")
        head = found.get(words[0])
        if head is None or head.lowercase or not (head.capitalized or head.in_title):
            continue
        kept = _fitting_head(words)
        if kept is None:
            continue
        key = " ".join(kept)
        tag = found.get(key)
        # Its windows and words, looked up (a name has a few dozen), not searched for among
        # the article's phrases; not those of the name after its last connector. A counted
        # phrase opens and ends with a content word.
        for start in range(_owner_at(words, name.count, found)):
            if words[start] in PARTICLES:
                continue
            content = 0
            for end in range(start + 1, len(words) + 1):
                if words[end - 1] in PARTICLES:
                    continue
                content += 1
                if content > MAX_NAME_WORDS:
                    break  # longer than any counted phrase
                piece = found.get(" ".join(words[start:end]))
                if piece is not None and piece is not tag:
                    piece.covered = min(piece.count, piece.covered + name.count)
        if tag is None:
            surface = " ".join(name.surface.split(" ")[: len(kept)])
            tag = Candidate(key, surface, len(kept), name.first)
            tag.surface_known = name.surface_known
            found.add(tag)
            named.append(tag)
        elif not _holds(pool, tag) and not _holds(named, tag):
            named.append(tag)  # a window the counter found unlikely: said once, mixed
        tag.count = max(tag.count, name.count)
        tag.in_title = max(tag.in_title, name.in_title)
        tag.title_named = max(tag.title_named, name.title_named)
        tag.nominal = tag.count
        tag.capitalized = tag.in_text
        tag.first = min(tag.first, name.first)
    return named


def _owner_at(words: list[str], times: int, found: Phrases) -> int:
    """Where the name after a long name's last connector starts when the text says it more often
    on its own: a name of its own, which the long one does not speak for ("… de Russie", "… de
    la Pointe-au-Père"); the name's length without one."""
    last = len(words) - 1
    while last > 0 and words[last] not in PARTICLES:  # a loop: a generator would hold `found`
        last -= 1
    owner = found.get(" ".join(words[last + 1 :])) if last else None
    if owner is None or owner.count <= times or not is_name(owner):
        return len(words)
    return last + 1


def _fitting_head(words: list[str]) -> list[str] | None:
    """The name's words if its tag fits :data:`MAX_TAG_LENGTH`, else its longest opening part
    that ends before a connector and fits, of two content words or more; None without one."""
    length, content, best = 0, 0, 0
    for size, word in enumerate(words, 1):
        length += len(transliterate(word))
        if length > MAX_TAG_LENGTH:
            break
        if word not in PARTICLES:
            content += 1
            if content > 1 and (size == len(words) or words[size] in PARTICLES):
                best = size
    return words[:best] if best else None


def _particle_surname(phrase: Candidate, found: Phrases, data: LanguageData) -> Candidate | None:
    """The surname of a first name and a surname led by a lowercase particle: de Gaulle of
    Charles de Gaulle, von der Leyen of Ursula von der Leyen; None if the phrase is no such name.

    A lowercase particle joins a place in a place as often ("Iju de Lagos" beside "Lagos"),
    so the phrase alone proves nothing. The surname said again with its particle and no first
    name ("…, de Gaulle a dit", or with a capital: "Van Gogh sold"), its name never without
    the particle, marks a person. The first name is a name the text never writes in lowercase,
    and no title (Président de la République).
    """
    first, _, rest = phrase.key.partition(" ")
    if first in PARTICLES or rest.partition(" ")[0] not in SURNAME_PARTICLES:
        return None
    surname = found.get(rest)
    if surname is None or not (surname.opening or surname.capitalized):
        return None
    if first in data.titles:
        return None
    given, name = found.get(first), found.get(rest.rsplit(" ", 1)[1])
    if given is None or name is None or given.lowercase or not given.capitalized:
        return None
    if data.capitalizes_nouns and 2 * given.proper <= given.count:
        return None  # German capitalizes every noun: "Kommissionspräsidentin von der Leyen"
    return surname if name.count <= surname.count else None


def _overlap(words: list[str], other: list[str]) -> bool:
    """Whether `other` holds `words`, or goes on where `words` ends, or `words` where it ends."""
    if len(other) > len(words) and any(
        other[start : start + len(words)] == words for start in range(len(other) - len(words) + 1)
    ):
        return True
    shorter = min(len(words), len(other))
    return any(words[-size:] == other[:size] or other[-size:] == words[:size] for size in range(1, shorter))


def _institution(phrase: Candidate, found: Phrases, data: LanguageData) -> bool:
    """Whether a phrase of a capitalized word and others is one name: an institution.

    Two shapes, each opening with a word the text always capitalizes. Names joined by a
    particle, when the names after it are never said on their own ("Secretaria da Saúde",
    "Gulf of Mexico"; but "Iju de Lagos" beside "Lagos" is a place in a place). And where the
    noun comes first (Romance languages), a common noun written with a capital before words
    the text only writes in lowercase: "Cour constitutionnelle", "Ligue arabe". Not in German,
    where every noun has a capital: "Verbände der Fahrgäste" is no name.
    """
    if data.capitalizes_nouns:
        return False
    words = phrase.content_words()
    head = found.get(words[0])
    if head is None or head.lowercase or not head.capitalized:
        return False
    rest = [found.get(word) for word in words[1:]]
    if len(words) < phrase.words:  # a particle between; not "y", which joins two: Madrid y Barcelona
        return CONJUNCTION not in phrase.key.split(" ") and all(
            part is not None and is_name(part) and part.count <= phrase.count for part in rest
        )
    return (
        data.lang not in HEAD_LAST
        and data.commonness(head.key) > 0
        and all(part is not None and part.lowercase and not part.capitalized for part in rest)
    )


def _mark_described_names(found: Phrases, phrases: list[Candidate], data: LanguageData) -> None:
    """A lowercase adjective before a name describes the place: "northern Kenya" is Kenya.

    Where modifiers come first, a name's own words are capitalized (West Bank, South Africa);
    a lowercase adjective before a name that is never written in lowercase is no part of it.
    """
    if data.lang not in HEAD_LAST or data.capitalizes_nouns:
        return
    for phrase in phrases:
        first, _, rest = phrase.key.partition(" ")
        adjective, name = found.get(first), found.get(rest)
        if (
            adjective is not None
            and name is not None
            and adjective.lowercase
            and not adjective.capitalized
            and not adjective.nominal
            and is_name(name)
            and not name.lowercase
        ):
            phrase.merged = True


def _mark_people(found: Phrases, phrases: list[Candidate]) -> None:
    """Find people: full names whose surname is also used alone, and tag each by one name.

    When the surname alone is used at least twice as often as the full name, the news treats
    the person as known and so do channels: the tag is the surname (#Macron), the same whatever
    the article writes. Otherwise it is the full name (#AlanTuring).
    """
    # First and last name, with particles between (Charles de Gaulle); longer runs of names are
    # usually two names back to back ("Donald Trump Jared Kushner") or a title and a name. Names
    # joined by & are two (Marks & Spencer, Sterling & Francine).
    names = [c for c in phrases if is_name(c) and c.words - c.particles == 2 and AMPERSAND not in c.key]
    in_names: dict[str, int] = {}  # surname → mentions as the end of a name (AI Act, Donald Trump)
    for name in names:
        last = _surname_key(name, found)
        in_names[last] = in_names.get(last, 0) + name.count
    for candidate in names:
        surname = found.get(_surname_key(candidate, found))
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
            # The first name said in the full name is the person's too: no #Marine beside #LePen.
            given = found.get(candidate.key.split(" ", 1)[0])
            if given is not None:
                given.covered = min(given.count, given.covered + candidate.count)
        else:
            candidate.person = True


def _surname_key(name: Candidate, found: Phrases) -> str:
    """The surname of a first and last name: its last word, or the particle and last word when
    the article writes them as a name of their own (Le Pen of Marine Le Pen, Van Gogh)."""
    rest = name.key.split(" ", 1)[1]
    if " " in rest and (surname := found.get(rest)) is not None and is_name(surname):
        return rest
    return rest.rsplit(" ", 1)[-1]


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


def _outrun_by_a_part(candidate: Candidate, parts: list[Candidate]) -> bool:
    """Whether a headline phrase reaches past its topic: "Night trains return" for "Night trains".

    A phrase only the title has, whose shorter part the text backs better, ran into a word
    (a headline verb, often) that the text does not say with the rest.
    """
    if candidate.in_text or is_name(candidate):
        return False
    return any(part.words > 1 and part.support > candidate.support for part in parts)


_WORDS = attrgetter("words")


def _holds(candidates: list[Candidate], candidate: Candidate) -> bool:
    """`candidate in candidates`, by identity: an article has one candidate per key, so two
    equal candidates are one, and the dataclass's field-by-field equality is the slow way to say it."""
    return any(other is candidate for other in candidates)


def _mark_covered(
    found: Phrases, phrases: list[Candidate], data: LanguageData, headline_own: frozenset[str]
) -> None:
    """Count how often each phrase occurs inside a longer candidate that may become a tag.

    "Rights" never seen outside "Human Rights Watch" is no tag of its own; "crise" seen alone
    besides "crise financière" still is, with less weight. A title before a person's name
    ("Minister Dick Schoof") is no tag either: the person is.
    """
    # Longest first; a stable sort in reverse keeps equals in order, as sorting by -words does.
    for candidate in sorted(phrases, key=_WORDS, reverse=True):
        if candidate.merged or not _eligible(candidate, data, headline_own):
            continue
        parts: list[Candidate] = []
        for inner in _inner_phrases(candidate.key):
            part = found.get(inner)
            if part is not None:
                parts.append(part)
        surname = found.get(candidate.key.split(" ", 1)[1]) if candidate.words > 2 else None
        if surname is not None and not _holds(parts, surname):
            parts.append(surname)  # Le Pen of Marine Le Pen: a surname led by a particle
        if _outrun_by_a_part(candidate, parts):
            candidate.merged = True
            continue
        people = [part for part in parts if part.words > 1 and (part.person or part.merged)]
        if data.capitalizes_nouns and _role_before_name(candidate, parts, found):
            people = [part for part in parts if part.key == candidate.key.split(" ", 1)[1]]
        if people:
            candidate.merged = True
        for part in parts:
            if not _holds(people, part):
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
    elif length == 1 and data.capitalizes_nouns and 2 * candidate.proper <= candidate.count:
        score *= COMMON_WEIGHT if capitalized else VERB_WEIGHT  # a common noun: capitals say nothing
    elif named:
        score *= NAME_WEIGHT
    elif capitalized:
        score *= ADJECTIVE_WEIGHT  # capitalized yet no name: English "European", "American"
    elif length == 1:
        if data.tagger is None and data.is_verb_form(candidate.key):
            score *= VERB_WEIGHT
        elif not in_title:
            score *= COMMON_WEIGHT
        score /= 1 + EVERYDAY_WEIGHT * log1p(data.commonness(candidate.key))
    return score


# Compiled code reads a Final constant directly, where `TagReason.ENTITY` is an attribute
# look-up on the class for every candidate.
_ENTITY: Final = TagReason.ENTITY
_TITLE: Final = TagReason.TITLE
_PHRASE: Final = TagReason.PHRASE


def _ranked(candidate: Candidate, data: LanguageData) -> Ranked:
    named = is_name(candidate)
    reason = _ENTITY if candidate.person or named else _TITLE if candidate.in_title else _PHRASE
    score = _score(candidate, named, data)
    # What Ranked(...) does, without its __new__, which runs as interpreted Python.
    return tuple.__new__(Ranked, (candidate.key, candidate.surface, score, candidate.first, reason))


def _stem(word: str) -> str:
    """A crude stem that merges plurals and most endings: night, nights; train, trains."""
    return word[:5]


def _mark_support(found: Phrases, phrases: list[Candidate]) -> frozenset[str]:
    """How well the text backs each phrase's words: the fewest text mentions of any of its words.

    "Night trains" in a headline is backed by "sleeper trains" and "a night train" in the text,
    even when the text never repeats the phrase itself. Returns the headline's own phrases:
    those none of whose words the text says ("au pic Coolidge" over a teaser on the rescue,
    "fin de service"). The headline names a topic there that the text leaves to it; the phrase
    is that topic, and its words are no better tags alone. (Where a phrase ends in its noun,
    such a phrase is a headline run-on instead: see :func:`is_headline_run_on`.)
    """
    mentions: dict[str, int] = {}
    headline_own: list[str] = []
    for word in found.every():
        if word.words == 1 and word.in_text:
            stem = _stem(word.key)
            mentions[stem] = mentions.get(stem, 0) + word.in_text
    for phrase in phrases:
        words = phrase.content_words()
        support = mentions.get(_stem(words[0]), 0)  # the fewest mentions, and whether any has one
        backed = support > 0
        for other in words[1:]:
            backing = mentions.get(_stem(other), 0)
            if backing < support:
                support = backing
            backed = backed or backing > 0
        phrase.support = support
        if phrase.in_title and not phrase.in_text and not backed and _headline_topic(phrase, found):
            headline_own.append(phrase.key)
    return frozenset(headline_own)


def _headline_topic(phrase: Candidate, found: Phrases) -> bool:
    """Whether a headline phrase the text never backs can name a topic all the same.

    Not when a word of it looks like a verb the text uses ("aprova" of "Senado aprova
    regulamentação", after "aprovou"): the tagger misread a headline's verb. Not when a common
    noun leads to a name ("annonce de la 3DS XL"): the name is the topic, the noun its news.
    """
    words = phrase.key.split(" ")
    if any(_inflected_alike(word, verb) for word in words for verb in found.verbs):
        return False
    written = phrase.surface.split(" ")
    if not written[0][:1].islower():
        return True
    return not any(
        word in PARTICLES and later != later.lower() for word, later in zip(words, written[1:], strict=False)
    )


def _mark_headline_overlaps(phrases: list[Candidate]) -> None:
    """Of a headline's phrases that overlap and that the text never repeats, keep the best backed.

    "Night trains return between…" gives "night trains" and "trains return": the text speaks
    of trains and nights, less of returns, so the first is the topic and the second is not.
    """
    headline = [p for p in phrases if p.in_title and not p.in_text and not is_name(p)]
    for phrase in headline:
        words = set(phrase.key.split(" ")).difference(PARTICLES)
        phrase.merged = any(
            other.support > phrase.support and not words.isdisjoint(other.key.split(" "))
            for other in headline
        )


def _spelled(acronym: Candidate) -> list[str]:
    """What an acronym says word by word: each letter of a word in capitals, other words whole
    (AI Act: a, i, act)."""
    pattern: list[str] = []
    for word in acronym.surface.split(" "):
        pattern.extend(word.lower() if len(word) > 1 and is_upper(word) else [word.lower()])
    return pattern


def _expands(pattern: list[str], words: list[str]) -> bool:
    """Whether a phrase's `words` spell out an acronym's `pattern` (see :func:`_spelled`):
    Artificial Intelligence Act for AI Act, NATO's name."""
    if len(words) != len(pattern) or len(words) < 2:
        return False
    return all(
        word == part if len(part) > 1 else word[:1] == part for word, part in zip(words, pattern, strict=True)
    )


def _merge_expansions(found: Phrases, pool: list[Candidate]) -> list[Candidate]:
    """An acronym and its expansion in one article are one tag, written as the acronym (#NATO).

    The expansion's own parts ("Intelligence Act") are spoken for by it, as by any phrase. An
    expansion capitalized on its first word only is one too: "la Confédération générale du
    travail (CGT)" gives #CGT, not #CGT beside #Confederation and #Travail. A name that opens
    with an expansion goes by the acronym too (see :func:`_abbreviated_names`); returns the
    names so made.
    """
    acronyms = [c for c in pool if any(len(w) > 1 and is_upper(w) for w in c.surface.split(" "))]
    if not acronyms:
        return []
    initials = {acronym.key[:1] for acronym in acronyms}
    spelled = [(acronym, _spelled(acronym)) for acronym in acronyms]  # once, not once per phrase
    expanded: list[tuple[Candidate, Candidate]] = []  # (expansion, its acronym)
    for phrase in found.every():
        if phrase.words < 2 or phrase.merged or phrase.key[:1] not in initials:
            continue
        if not (is_name(phrase) or _opens_capitalized(phrase, found)):
            continue
        words = phrase.content_words()
        for acronym, pattern in spelled:
            if acronym is not phrase and _expands(pattern, words):
                _merge_into(acronym, phrase, found)
                expanded.append((phrase, acronym))
                break
    return _abbreviated_names(found, expanded) if expanded else []


def _merge_into(target: Candidate, phrase: Candidate, found: Phrases) -> None:
    """Count the mentions of `phrase` as the `target`'s, which speaks for it and its parts."""
    target.count += phrase.count
    target.nominal += phrase.nominal
    target.in_title += phrase.in_title
    target.capitalized += phrase.capitalized
    target.first = min(target.first, phrase.first)
    phrase.merged = True
    for part in map(found.get, (*_inner_phrases(phrase.key), *phrase.key.split(" "))):
        if part is not None:
            part.covered = min(part.count, part.covered + phrase.count)


def _abbreviated_names(found: Phrases, expanded: list[tuple[Candidate, Candidate]]) -> list[Candidate]:
    """Names that open with an expanded acronym, written with the acronym: #AIAct.

    Once a text says AI for artificial intelligence, a name built on it goes by it too: the
    Artificial Intelligence Act is the AI Act (so are the NATO summit, the EU Commission), and
    the name in full is no second tag beside it. Returns the names the text never wrote short.
    """
    made: list[Candidate] = []
    for expansion, acronym in expanded:
        size = expansion.words
        opening = f"{expansion.key} "
        for name in found.every():
            if name.merged or name.words <= size or not name.key.startswith(opening) or not is_name(name):
                continue
            key = f"{acronym.key} {name.key[len(opening) :]}"
            short = found.get(key)
            if short is None:
                surface = f"{acronym.surface} {name.surface.split(' ', size)[size]}"
                short = Candidate(key, surface, name.words - size + 1, name.first)
                short.surface_known = True
                found.add(short)
                made.append(short)
            _merge_into(short, name, found)
    return made


def _merge_introduced(found: Phrases, text: str, data: LanguageData) -> None:
    """The pieces of a name that an acronym in parentheses follows are that acronym's.

    "o Instituto Nacional de Pesquisas Espaciais (Inpe)" is #Inpe, not #InstitutoNacional
    beside #PesquisasEspaciais: the counter's phrases are too short for such a name, so each of
    its pieces is spoken for, once per time the name is said.
    """
    introduced_names = introduced_acronyms(text, data.stopwords)
    if not introduced_names:
        return
    phrases = found.every()
    for introduced in introduced_names:
        acronym = found.get(introduced.acronym)
        if acronym is None:
            continue
        name = introduced.words
        for phrase in phrases:
            if phrase is not acronym and _within(phrase.content_words(), name):
                phrase.covered = min(phrase.count, phrase.covered + 1)
        _credit(acronym, 1)


def _credit(acronym: Candidate, times: int) -> None:
    """Count `times` sayings of an acronym's name as the acronym's own, each a capitalized noun."""
    acronym.count += times
    acronym.nominal += times
    acronym.capitalized += times


#: Lowercase words inside a name: the particles, and English "for" (Centers for Disease Control).
_NAME_JOINERS = PARTICLES | frozenset({"for"})
_COMMON_TAGS = 1 << NOUN | 1 << ADJ


def _merge_conjoined(found: Phrases, title: str, text: str, data: LanguageData) -> list[Candidate]:
    """A name with an "and" inside is one tag, or its acronym's, never its pieces.

    "Centers for Disease Control and Prevention" is #CentersForDiseaseControlAndPrevention, or
    #CDC where the text says CDC; not #DiseaseControl #Centers #Prevention. (Which "and"s join
    one name: see :func:`_one_name`.) A name too long for a tag is its first part:
    #SwedishNuclearFuel, no #WasteManagementCompany. The headline's sayings of a name the text
    makes one count too (a headline has no article to introduce it). Returns the new names.
    """
    tagger = data.tagger
    if tagger is None or data.capitalizes_nouns:
        return []
    conjunction = CONJUNCTIONS.get(data.lang or "", "")
    spans = _conjoined_spans(text, conjunction, data)
    if not spans:
        return []
    in_title = _conjoined_spans(title, conjunction, data) if title else {}
    places = {place.lower() for place in data.demonyms.values()}
    named: list[Candidate] = []
    for key, (joined, in_text) in spans.items():
        headline = in_title[key][1] if key in in_title else 0
        times = in_text + headline
        before, after = _content_of(joined.before, data), _content_of(joined.after, data)
        if not _one_name(joined, times, before, after, found, tagger, places):
            continue
        whole = len(transliterate(key).replace(" ", "")) <= MAX_TAG_LENGTH
        pieces = [
            phrase
            for phrase in found.every()
            if (whole and _within(phrase.content_words(), before)) or _within(phrase.content_words(), after)
        ]
        for piece in pieces:
            piece.covered = min(piece.count, piece.covered + times)
        first = min((piece.first for piece in pieces), default=1)
        acronym = found.get("".join(word[0] for word in before)) or found.get(
            "".join(word[0] for word in (*before, *after))
        )
        if acronym is not None and acronym.words == 1 and is_upper(acronym.surface):
            _credit(acronym, times)
            acronym.in_title += headline
            acronym.first = min(acronym.first, first)
        elif whole:
            name = Candidate(
                key, " ".join((*joined.before, conjunction, *joined.after)), key.count(" ") + 1, first
            )
            name.count = name.capitalized = name.nominal = times
            name.in_title = headline
            name.surface_known = True
            found.add(name)
            named.append(name)
    return named


def _conjoined_spans(text: str, conjunction: str, data: LanguageData) -> dict[str, tuple[Conjoined, int]]:
    """The names with an "and" inside that `text` may hold: key → the name, how often said."""
    spans: dict[str, tuple[Conjoined, int]] = {}
    for joined in conjoined_names(text, data.lang, _NAME_JOINERS, data.stopwords):
        key = " ".join(word.lower() for word in (*joined.before, conjunction, *joined.after))
        times = spans[key][1] + 1 if key in spans else 1
        spans[key] = (joined, times)
    return spans


def _one_name(
    joined: Conjoined,
    times: int,
    before: tuple[str, ...],
    after: tuple[str, ...],
    found: Phrases,
    tagger: PosModel,
    places: set[str],
) -> bool:
    """Whether the capitalized words around an "and" are one name, said `times`.

    Most are two names: "Vienna and Paris", "New Mexico and Oklahoma". One name holds three
    content words or more (`before` and `after` the "and"), a definite article introduces it
    ("the Centers…"; places and people go without: "in Key West and Marathon"), a word next to
    the "and" is a common word of the language (Control, Fuel, Tecnologia), no word after it
    names something of its own (Paris, or a word the text capitalizes elsewhere), and neither
    side is a country or said apart from it.
    """
    return (
        joined.introduced
        and len(before) + len(after) >= 3
        and bool(before)
        and bool(after)
        and (_common_word(before[-1], found, tagger) or _common_word(after[0], found, tagger))
        and not any(_named_apart(word, times, found, tagger) for word in after)
        and not _said_apart(joined.before, times, found, places)
        and not _said_apart(joined.after, times, found, places)
    )


def _content_of(side: tuple[str, ...], data: LanguageData) -> tuple[str, ...]:
    """A side's words without its joiners and stopwords, lowercase."""
    words = (base_word(word).lower() for word in side)
    return tuple(word for word in words if word not in _NAME_JOINERS and word not in data.stopwords)


def _common_word(word: str, found: Phrases, tagger: PosModel) -> bool:
    """Whether the language uses `word` as a common noun or adjective: the text writes it in
    lowercase, or the treebank has it in lowercase as one."""
    said = found.get(word)
    if said is not None and said.lowercase:
        return True
    allowed = tagger.allowed_tags(word)
    return allowed != EVERY_TAG and allowed & _COMMON_TAGS != 0


def _named_apart(word: str, times: int, found: Phrases, tagger: PosModel) -> bool:
    """Whether a word after a name's "and" names something of its own: only ever a proper noun
    (Paris), or written with a capital outside the name (Komeito)."""
    if tagger.allowed_tags(word) == 1 << PROPN:
        return True
    said = found.get(word)
    return said is not None and said.in_text - said.lowercase + said.title_named > times


def _said_apart(side: tuple[str, ...], times: int, found: Phrases, places: set[str]) -> bool:
    """Whether a side of a name with "and" inside is a country, or is said more often than the name."""
    key = " ".join(base_word(word).lower() for word in side)
    phrase = found.get(key)
    return key in places or (phrase is not None and phrase.count > times)


def _within(words: list[str], name: tuple[str, ...]) -> bool:
    """Whether `words` are a run of the words of `name`."""
    size = len(words)
    return 0 < size <= len(name) and any(
        list(name[start : start + size]) == words for start in range(len(name) - size + 1)
    )


def _opens_capitalized(phrase: Candidate, found: Phrases) -> bool:
    """Whether the phrase's first word is one the text only ever writes with a capital."""
    head = found.get(phrase.key.split(" ", 1)[0])
    return head is not None and head.capitalized > 0 and not head.lowercase


def without_boilerplate(text: str) -> str:
    """The text without its share, subscribe, "read more" and byline lines."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    kept = [line for line in lines if not is_boilerplate(line.strip())]
    return text if len(kept) == len(lines) else "\n".join(kept)


def _head(phrase: Candidate) -> str:
    """The noun a phrase is about: "surge" of "storm surge", "city" of "city of Reykjavik"."""
    words = phrase.key.split(" ")
    before_connector = next((i for i, word in enumerate(words) if word in PARTICLES), len(words))
    return words[before_connector - 1]


def _mark_never_bare(found: Phrases, pool: list[Candidate], data: LanguageData) -> None:
    """A common noun the text says only as the head of two-word phrases is theirs, no tag alone.

    "industrial parts … car parts", "freight trains … regional trains": where modifiers come
    first, each phrase names a kind, and the bare head, never said on its own, names none. (A
    headline word stays: the headline made it a topic.)
    """
    if data.lang not in HEAD_LAST or data.capitalizes_nouns:
        return
    heads: dict[str, int] = {}  # a word → its text mentions as the last of a two-word phrase
    for phrase in found.every():
        if phrase.words == 2 and phrase.in_text:
            last = phrase.key.rsplit(" ", 1)[1]
            heads[last] = heads.get(last, 0) + phrase.in_text
    for word in pool:
        if (
            word.words == 1
            and not word.in_title
            and not word.capitalized
            and word.in_text <= heads.get(word.key, 0)
        ):
            word.merged = True


def _mark_heads(
    found: Phrases,
    phrases: list[Candidate],
    data: LanguageData,
    graded: frozenset[str],
    headline_own: frozenset[str],
) -> None:
    """A common noun first said as the head of a longer phrase is that phrase's, not a tag.

    "the Hellisheiði geothermal plant … the plant would" is about the plant of that phrase;
    #Plant alone says nothing. A noun the text keeps using on its own stays a candidate.
    Only where modifiers come before the noun (English, German, Dutch): the head that opens a
    Romance phrase ("crise" of "crise financière") is more often a topic of its own, and on
    French Wikinews keyphrases this rule cost 0.8 F1@5 and 1.6 F1@10. A `graded` phrase
    ("most powerful typhoon") leaves its noun to stand alone. A word the text writes only with
    its capital (an acronym, a name) stays a word of its own unless the phrase can be a tag
    (:func:`_eligible`): "Merz urges NATO", a headline read across its verb, leaves #NATO, where
    "Inflation eases" still takes its verb. `headline_own` is :func:`_mark_support`'s.
    """
    if data.lang not in HEAD_LAST:
        return
    for phrase in phrases:
        head = None if phrase.key in graded else found.get(_head(phrase))
        if (
            head is not None
            and head.words == 1
            and head.first == phrase.first
            and head.count <= phrase.count + 1
            and (head.lowercase > 0 or not is_name(head))  # "the department" after its name
            # "Merz urges NATO": a name keeps its capital's word unless the phrase can be a tag.
            and (head.lowercase > 0 or not head.capitalized or _eligible(phrase, data, headline_own))
        ):
            head.merged = True


def rank(article: Article, data: LanguageData, *, enough: int) -> list[Ranked]:
    """The article's candidates, best first; `enough` is how many the caller will take."""
    text = without_boilerplate(article.text)
    found = count_phrases(article.title, text, data)
    named = _merge_conjoined(found, article.title or "", text, data)
    pool = found.likely + named + _mark_institutions(found, data)
    if sum(candidate.alone > 0 for candidate in pool) < enough:  # the pieces of a name are none
        pool = [candidate for candidate in found.every() if not unproven_surname(candidate)]
    pool += _merge_long_names(found, data, pool)
    phrases = [c for c in pool if c.words > 1]
    headline_own = _mark_support(found, phrases)
    _mark_headline_overlaps(phrases)
    graded = _mark_graded(found, phrases, (article.title or "", text), data.lang)
    _mark_counted(found, phrases, data.lang)
    _mark_described_names(found, phrases, data)
    _merge_introduced(found, text, data)
    pool += _merge_expansions(found, pool)
    _mark_people(found, phrases)
    if data.tagger is not None:
        _mark_heads(found, phrases, data, graded, headline_own)
    _mark_named_modifiers(found, phrases, data)
    _mark_never_bare(found, pool, data)
    _mark_covered(found, phrases, data, headline_own)
    title = (article.title or "").lower()
    ranked = [
        _ranked(c, data)
        for c in pool
        if c.alone > 0
        and not c.merged
        and _eligible(c, data, headline_own)
        and not _language_aside(c, data, title)
        and not is_quantity(c, found)
        and not is_headline_verb(c, found)
        and not is_headline_run_on(c, found, data)
    ]
    sort_best_first(ranked)
    if ranked:  # a post with fewer tags beats one padded with words said once in passing
        floor = FLOOR * ranked[0].score
        ranked = [item for item in ranked if item.score >= floor]
    return ranked
