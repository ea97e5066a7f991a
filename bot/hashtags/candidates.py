"""Find the phrases of an article that could become hashtags, with the evidence for each.

One pass over the title and the text splits them into runs of content words (stopwords,
punctuation and sentence ends break a run) and counts every 1- to 3-word phrase of every run.
Alongside the count it keeps what the ranker needs to tell a name from a common word: whether
the phrase was capitalized where capitals are not forced (mid-sentence), whether it appears in
the title, and how early it first appears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import ClassVar, Final

from bot.hashtags.first_names import is_first_name
from bot.hashtags.language import LanguageData
from bot.hashtags.tagger import (
    ADJ,
    ADP,
    AUX,
    CCONJ,
    DET,
    EVERY_TAG,
    GAP_PUNCT,
    GAP_SPACE,
    NOUN,
    PART,
    PRON,
    PROPN,
    SCONJ,
    SYM,
    VERB,
    PosModel,
    X,
)
from bot.hashtags.titles import qualifiers
from bot.hashtags.truecase import truecased
from bot.hashtags.words import is_upper, word_parts

#: Longest phrase counted, in words: news keyphrases are rarely longer than three words.
MAX_PHRASE_WORDS: Final = 3
#: Longest name counted: "General Data Protection Regulation", "New York Stock Exchange".
MAX_NAME_WORDS: Final = 4

# Words (bot.hashtags.words: letters or digits, with inside apostrophes and hyphens) leave gaps
# between them, which decide where runs and sentences end: any punctuation breaks a run; a full
# stop, a line break, or a colon or quote before a capital ends a sentence.
_GAP_SPACE: Final = 0
_GAP_BREAK: Final = 1
_GAP_END: Final = 2
_GAP_END_IF_CAPITAL: Final = 3
_GAP_AMPERSAND: Final = 4  # " & ", which joins names: Procter & Gamble, Sterling & Francine Clark
# Elided articles and pronouns (French, Italian, Catalan) glued to the next word by an apostrophe.
_ELIDED: Final = frozenset(
    {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu"}
    | {"dell", "dall", "all", "nell", "sull", "dev", "un"}
)
_ELISION: Final = re.compile(rf"^(?:{'|'.join(sorted(_ELIDED))})['’ʼ]", re.IGNORECASE)
# A headline's label: one or two words before a colon (Ukraine: …, Informatique : …).
_LABEL: Final = re.compile(r"^\s*((?:[^\W\d_][\w'’-]*\s*){1,2}?)\s*[:|]\s+(.+)$", re.DOTALL)
# A number and the word after it ("40 Milliarden", "10 millions"); a year is no quantity. The
# pattern opens with the digit so the regex engine skips ahead to digits instead of trying every
# position: the checks on what comes before the number are lookbehinds after its first digit.
_AFTER_NUMBER: Final = re.compile(
    r"\d(?<![\w.,]\d)"  # a number's first digit: no word character, point or comma before it
    r"(?!(?<=1)[89]\d\d\b|(?<=2)0\d\d\b)"  # not a year 18xx-20xx
    r"[\d.,]*(?:[h:]\d\d)?[ \u00a0]+([^\W\d_][\w'’-]*)"  # 7h44 UTC, 13:02 GMT: times too
)
_POSSESSIVE: Final = re.compile(r"['’ʼ]s$", re.IGNORECASE)
# An ordinal written in figures: 42e, 1er, 3ème, or a century in Roman numerals (XIXe, Xe; not
# the Ier of François Ier, which is part of the name). A function word, as premier or deuxième.
_ORDINAL: Final = re.compile(r"(?:\d+(?:e|es|er|ère|re|ème|èmes|eme)|[IVXLC]+(?:e|es|ème|èmes))")
#: Lowercase words that may sit inside a name: Charles de Gaulle, Ursula von der Leyen.
NAME_PARTICLES: Final = frozenset(
    {"de", "du", "des", "del", "della", "da", "das", "do", "dos", "di", "van", "von", "der", "den", "ter"}
    | {"al", "el", "bin", "ibn", "ben", "la", "le", "y", "of"}
)
#: Particles that open a surname or a title when written with a capital: Le Pen, De Gaulle,
#: Van Gogh, Del Potro, Le Monde, Der Spiegel (not "of" or "y": Bank Of England is no "Of England").
_LEADING_PARTICLES: Final = NAME_PARTICLES - {"of", "y"}
#: Particles that lead a surname in lowercase: de Gaulle, van Gogh, von der Leyen, bin Laden. Not
#: the articles, which lead one only with a capital (Le Pen) and lead names all the time in
#: lowercase ("la France", "des Français").
SURNAME_PARTICLES: Final = _LEADING_PARTICLES - {"la", "le", "el", "der", "den", "des"}
#: "of" in Romance languages, which builds compound nouns: accord de paix, taxa de juros.
CONNECTORS: Final = frozenset(
    {"de", "d", "du", "da", "do", "das", "dos", "di", "del", "della", "dei", "delle"}
)
#: "of" after a common noun, kept only when a name follows: "the city of Reykjavik" is one phrase.
_OF: Final = frozenset({"of"})
SECOND_CONNECTORS: Final = frozenset({"la", "le", "les", "der", "den", "el"})  # de la, van der
#: The "and" of names, written between two of them: Marks & Spencer (only ever in a name).
AMPERSAND: Final = "&"
PARTICLES: Final = NAME_PARTICLES | CONNECTORS | SECOND_CONNECTORS | {AMPERSAND}


@dataclass(slots=True)
class Candidate:
    """A phrase seen in the article, keyed by its lowercase words joined by spaces.

    Its ``__init__`` is written out: compiled, it runs as C, where the one a dataclass
    generates would run as Python, once for each new phrase.
    """

    key: str
    #: How it is written: the first occurrence that was not capitalized by position.
    surface: str
    words: int
    #: Index of the first sentence it occurs in; the title is sentence 0.
    first: int
    count: int
    in_title: int
    #: Occurrences capitalized mid-sentence (evidence of a name) and all in lowercase.
    capitalized: int
    lowercase: int
    #: Whether the surface was taken from a mid-sentence occurrence (then it is authoritative).
    surface_known: bool
    #: Capitalized occurrences right before a lowercase noun: "European" in "European start-ups"
    #: is an adjective, not a name.
    modifier: int
    #: Mentions of a single word right before another word of its run: a modifier there, as
    #: "pine" of "pine forests" (where modifiers come first).
    before_noun: int
    #: Mentions right after a number: a unit or a magnitude ("Milliarden" in "40 Milliarden Euro").
    after_number: int
    #: Title mentions with every word capitalized where the headline does not force it: in a
    #: sentence-case (or recased) headline, a name ("Alpha Centauri"), even if the text never says it.
    title_named: int
    #: Named by the headline's label (the "Égypte" of "Égypte : …"): a topic, even if unrepeated.
    in_label: bool
    #: Occurrences shaped as a noun phrase: a noun or proper noun at one end. In a language
    #: without a tagger every occurrence counts.
    nominal: int
    #: Mentions of a single word that the tagger read as a proper noun: in German, where every
    #: noun has a capital, this tells a name (Berlin) from a common noun (Brücken).
    proper: int
    #: Occurrences inside a longer candidate (set by the ranker): "Rights" in "Human Rights Watch".
    covered: int
    #: For a phrase, the fewest text mentions of any of its words, alone or not (set by the ranker).
    support: int
    #: A person: a full name whose surname is also used alone (set by the ranker).
    person: bool
    #: Spoken for by another candidate: a full name tagged by its surname, a title before a name.
    merged: bool
    #: Mentions as a surname led by a lowercase particle ("de Gaulle", "von der Leyen"). Such a
    #: particle is a preposition as often ("revient de Paris"): a phrase only ever written so is
    #: no candidate until the ranker finds it a person's surname.
    led: int
    #: Of those, the mentions opening a run: said without a first name ("…, de Gaulle a dit").
    opening: int
    #: Its words without particles, once asked for (see :meth:`content_words`).
    _content: list[str] | None = field(default=None, compare=False, repr=False)

    def __init__(self, key: str, surface: str, words: int, first: int) -> None:
        self.key = key
        self.surface = surface
        self.words = words
        self.first = first
        self.count = 0
        self.in_title = 0
        self.capitalized = 0
        self.lowercase = 0
        self.surface_known = False
        self.modifier = 0
        self.before_noun = 0
        self.after_number = 0
        self.title_named = 0
        self.in_label = False
        self.nominal = 0
        self.proper = 0
        self.covered = 0
        self.support = 0
        self.person = False
        self.merged = False
        self.led = 0
        self.opening = 0
        self._content = None

    @property
    def length(self) -> int:
        """Words, counting the parts of hyphenated compounds: cessez-le-feu is three."""
        return self.key.count(" ") + self.key.count("-") + 1

    @property
    def particles(self) -> int:
        """How many of its words are particles or connectors (de, von, da)."""
        return sum(word in PARTICLES for word in self.key.split(" ")) if self.words > 2 else 0

    def content_words(self) -> list[str]:
        """:func:`words_of` its key, split once: several rules of the ranker read them."""
        content = self._content
        if content is None:
            content = self._content = words_of(self.key)
        return content

    @property
    def in_text(self) -> int:
        return self.count - self.in_title

    @property
    def alone(self) -> int:
        """Occurrences not explained by a longer phrase around it."""
        return self.count - self.covered

    def note(self, written: str, capital: int, nominal: bool) -> None:
        """Record another mention in the text: its capitalization, and how it is written."""
        self.count += 1
        self.nominal += nominal
        if capital == _NAMED:
            self.capitalized += 1
        elif capital == _LOWER:
            self.lowercase += 1
        # A name in capitals (a dateline's "BRUSSELS —") gives way to how the text spells it.
        if capital != _FORCED and (
            not self.surface_known or (is_upper(self.surface) and not is_upper(written))
        ):
            self.surface, self.surface_known = written, True


# How a word of a run is capitalized: with a capital its position does not force (a name), one
# that it does (a sentence start: no evidence either way), or none.
_LOWER: Final = 0
_NAMED: Final = 1
_FORCED: Final = 2
_MIXED: Final = 3  # a phrase of capitalized and lowercase words: neither a name nor a common phrase
# What a token is, whatever its position: a stopword, a number, or a content word.
_STOP: Final = 0
_NUMBER: Final = 1
_CONTENT: Final = 2
#: Tags of words that may stand in a noun phrase; any other tag ends it (a verb, a pronoun…).
_PHRASE_TAGS: Final = frozenset({NOUN, PROPN, ADJ, X, SYM})
_NOUN_TAGS: Final = frozenset({NOUN, PROPN})
#: Tags the tagger gives a nationality adjective: ADJ, or PROPN where it opens a sentence.
_NAMING_TAGS: Final = frozenset({ADJ, PROPN})
_UNTAGGED: Final = -1
#: Tags of a capitalized stopword that may open a name (New York, General Motors): not The, In.
_OPENER_TAGS: Final = frozenset({PROPN, NOUN, ADJ, _UNTAGGED})
#: Languages whose modifiers come before the noun (storm surge, Sturmflut, stormvloed): there a
#: noun phrase ends with its noun. Elsewhere it opens with it (accord de paix, crise financière).
HEAD_LAST: Final = frozenset({"en", "de", "nl"})


class _Word:
    """A word of a run: as written, lowercase, its capitalization, its part of speech.

    A plain class, not a named tuple: compiled, it is a C struct made without a Python call.
    """

    __slots__ = ("capital", "lower", "tag", "written")

    def __init__(self, written: str, lower: str, capital: int, tag: int) -> None:
        self.written = written
        self.lower = lower
        self.capital = capital
        self.tag = tag


_ELIDED_DE: Final = _Word("d'", "d", _LOWER, ADP)  # the "de" of "taux d'intérêt", a connector in the run
_AND: Final = _Word(AMPERSAND, AMPERSAND, _NAMED, CCONJ)  # inside a name: it leaves it a name
#: How a token is elided: not, by an article or pronoun (l', qu'), or by "de" (d'), which
#: joins a compound as "de" does: taux d'intérêt, Côte d'Ivoire.
_ORDINAL_OPENERS: Final = frozenset("0123456789IVXLC")
_ELISION_OTHER: Final = 1
_ELISION_OF: Final = 2


class _Token:
    """What the lexicon knows of a token: the word without its elision or possessive, lowercase,
    its kind (_STOP, _NUMBER, _CONTENT), how it is elided, whether it has an initial capital, and
    whether it has a possessive 's.

    A class, not a tuple: compiled, a tuple read from the lexicon's dict is unpacked into native
    values, and packed into a new tuple again when it goes into a list.
    """

    __slots__ = ("elided", "initial", "kind", "lower", "possessive", "word")

    def __init__(
        self, word: str, lower: str, kind: int, elided: int, initial: bool, possessive: bool
    ) -> None:
        self.word = word
        self.lower = lower
        self.kind = kind
        self.elided = elided
        self.initial = initial
        self.possessive = possessive


class _Lexicon:
    """What a word is in one language, worked out once per distinct word and remembered.

    News repeats its words, so this keeps the per-token work of a long article small.
    """

    _LIMIT: ClassVar[int] = 200_000  # distinct words remembered before starting afresh: bounds memory

    def __init__(self, stop: frozenset[str], possessives: bool, capitalized_names: frozenset[str]) -> None:
        self.stop = stop
        #: Stopwords that are names when written with a capital (see LanguageData).
        self.capitalized_names = capitalized_names
        #: Whether the language writes possessives with 's (Iceland's); elsewhere 's is part of a
        #: name (l'agence Moody's).
        self.possessives = possessives
        #: Token as written → what it is, learned the first time a text has it.
        self.known: dict[str, _Token] = {}
        #: The characters between two words → what they do to a run (see _gap_kind).
        self.gaps = {" ": _GAP_SPACE}
        #: (case, script) → phrase → (tag, tag key), or None when the phrase makes no tag.
        self.tags: dict[tuple[str, str], dict[str, tuple[str, str] | None]] = {}

    def forget_if_full(self) -> None:
        """Start afresh once too much is remembered: bounds memory in a long-running bot."""
        if len(self.known) > self._LIMIT:
            self.known = {}
        if len(self.gaps) > self._LIMIT:
            self.gaps = {" ": _GAP_SPACE}

    def learn(self, token: str) -> _Token:
        """What `token` is, for a token not in :attr:`known`."""
        lower = token.lower()
        if lower in self.stop and (token == lower or token == lower.capitalize()):
            found = self.known[token] = self._stopword(token, lower)
            return found
        word = base_word(token, possessive=self.possessives)
        elided = 0
        if len(word) < len(token) - 2 or word[:1] != token[:1]:
            elided = _ELISION_OF if token[:2].lower() == "d'" else _ELISION_OTHER
        lower = word.lower()
        stop = self.stop
        if (
            lower in stop
            or len(lower) < 2
            or ("-" in lower and _all_stop(lower, stop))
            or (word[0] in _ORDINAL_OPENERS and _ORDINAL.fullmatch(word) is not None)
        ) and not (
            len(word) > 1 and is_upper(word)  # acronyms (AI, US, UK, WHO) are never stopwords
        ):
            kind = _STOP
        elif word.isdigit():
            kind = _NUMBER
        else:
            kind = _CONTENT
        possessive = len(word) < len(token) and token[-2:].lower() == "'s"
        found = self.known[token] = _Token(word, lower, kind, elided, word[0] != lower[0], possessive)
        return found

    def _stopword(self, form: str, word: str) -> _Token:
        """A stopword as news writes it, whole (le, Le; it's, It's): never cut at an apostrophe.

        Written with a capital, one of the capitalized names is a word like any other (Janeiro).
        Found on first sight rather than listed up front: a teaser meets a few dozen of the
        language's thousand stopwords, and listing both forms of each cost a tenth of a language's
        start-up.
        """
        initial = form[0] != word[0]
        kind = _CONTENT if initial and word in self.capitalized_names else _STOP
        return _Token(form, word, kind, 0, initial, False)


def base_word(token: str, *, possessive: bool = True) -> str:
    """The word without an elided article before it or (with `possessive`) a possessive after it.

    l'Ukraine is Ukraine, Europe's Europe.
    """
    if "'" not in token:
        return token
    word = token
    head, _, rest = token.partition("'")
    # A set lookup where it agrees with the regex (whose case folding differs beyond ASCII).
    if not head.isascii():
        word = _ELISION.sub("", token)
    elif head.lower() in _ELIDED:
        word = rest
    if possessive and "'" in word:
        word = _POSSESSIVE.sub("", word)
    return word or token


def split_words(text: str) -> list[tuple[int, int, str, int]]:
    """(start, end, word, gap before it) for every word of `text`, as the tagger sees them.

    The gap is GAP_PUNCT when anything but spaces (or a stray apostrophe) separates the word
    from the one before, GAP_SPACE otherwise.
    """
    words = []
    parts = word_parts(text.replace("’", "'").replace("ʼ", "'"))
    end = 0
    for i in range(1, len(parts), 2):
        gap, word = parts[i - 1], parts[i]
        start = end + len(gap)
        end = start + len(word)
        kind = GAP_PUNCT if gap.strip().strip("'") else GAP_SPACE
        words.append((start, end, base_word(word), kind))
    return words


#: Languages whose 's is a possessive (Iceland's) or a plural (Dutch auto's), not part of a name.
_POSSESSIVE_S: Final = frozenset({"en", "nl"})


@cache
def _lexicon(data: LanguageData) -> _Lexicon:
    return _Lexicon(data.stopwords, data.lang in _POSSESSIVE_S, data.capitalized_names)


def tag_memo(data: LanguageData, case: str, script: str) -> dict[str, tuple[str, str] | None]:
    """Where extraction remembers the tag each phrase makes: the same names recur in the news.

    It lives beside the word memo, so it is bounded and forgotten with it.
    """
    memo = _lexicon(data).tags.setdefault((case, script), {})
    if len(memo) > _Lexicon._LIMIT:
        memo.clear()
    return memo


def _tokens(text: str, lexicon: _Lexicon) -> tuple[list[_Token], list[int], list[bool]]:
    """What the lexicon knows of each token of `text`, the gap before it, and sentence starts.

    A full stop, a line break, or a colon or quote before a capital ends a sentence.
    """
    entries: list[_Token] = []
    gaps: list[int] = []
    starts: list[bool] = []
    known, gap_kinds = lexicon.known, lexicon.gaps
    # Gap, word, gap, word… gap: typed and indexed, the compiled loop compares and looks up
    # strings natively (a zip over the split's items would handle them as objects).
    parts = word_parts(text.replace("’", "'").replace("ʼ", "'"))
    for i in range(1, len(parts), 2):
        gap, token = parts[i - 1], parts[i]
        gap_kind = _GAP_SPACE
        if gap != " ":
            found = gap_kinds.get(gap)
            gap_kind = gap_kinds[gap] = _gap_kind(gap) if found is None else found
        entry = known.get(token)
        entries.append(lexicon.learn(token) if entry is None else entry)
        gaps.append(gap_kind)
        starts.append(
            i == 1 or gap_kind == _GAP_END or (gap_kind == _GAP_END_IF_CAPITAL and is_upper(token[0]))
        )
    return entries, gaps, starts


def _tags(model: PosModel | None, entries: list[_Token], gaps: list[int], starts: list[bool]) -> list[int]:
    """The part of speech of every token, sentence by sentence; all untagged without a model."""
    if model is None:
        return [_UNTAGGED] * len(entries)
    tags: list[int] = []
    size = len(entries)
    start = 0
    while start < size:
        end = start + 1
        while end < size and not starts[end]:
            end += 1
        words = [entry.word for entry in entries[start:end]]
        tag_gaps = [GAP_SPACE if gap == _GAP_SPACE else GAP_PUNCT for gap in gaps[start:end]]
        tags.extend(model.tag(words, tag_gaps))
        start = end
    return tags


def _runs(
    text: str,
    sentence: int,
    lexicon: _Lexicon,
    data: LanguageData,
    verbs: set[str] | None = None,
    *,
    ampersands: bool = True,
    text_verbs: set[str] | None = None,
) -> list[tuple[int, list[_Word]]]:
    """(sentence index, run of content words) for every run in `text`.

    Connectors join content words into one run when the next word fits: a particle between
    names (Charles de Gaulle), `de` between common words (accord de paix, taux de réussite),
    and with `ampersands`, "&" between names (Marks & Spencer).
    With a tagger, a word whose part of speech cannot stand in a noun phrase (a verb, an
    adverb, a pronoun) ends the run, and a proper noun that opens a sentence is a name. The
    lowercase verbs go into `verbs` when given (for the text, not a headline); a headline's
    are given the text's as `text_verbs` (see :func:`_opens_with_subject`).
    """
    lexicon.forget_if_full()
    entries, gaps, starts = _tokens(text, lexicon)
    tags = _tags(data.tagger, entries, gaps, starts)
    if (
        text_verbs is not None
        and data.lang in HEAD_LAST
        and _opens_with_subject(entries, gaps, tags, text_verbs)
    ):
        tags[0] = NOUN
    surnames = _time_surnames(entries, gaps, data) if data.capitalized_times and data.tagger else _NONE
    head_first = data.lang not in HEAD_LAST
    runs: list[tuple[int, list[_Word]]] = []
    run: list[_Word] = []
    joint: list[_Word] = []  # connectors waiting for the word after them; empty while run is
    opener: _Word | None = None  # a capitalized stopword that may open a name: the New of New York
    # Lowercase particles that may lead a surname said without its first name: "…, de Gaulle".
    waiting: tuple[_Word, ...] = ()
    owner = False  # the word before is a capitalized common noun's possessive: People's, Moon's
    for i in range(len(entries)):
        entry = entries[i]
        word, lower, kind, elided, initial = entry.word, entry.lower, entry.kind, entry.elided, entry.initial
        tag = tags[i]
        if surnames and i in surnames:
            kind, tag = _CONTENT, PROPN  # Theresa May: a first name and a surname
        at_start = starts[i]
        before, opener = opener, None
        particles, waiting = waiting, ()
        owned, owner = owner, False
        if (
            gaps[i] == _GAP_AMPERSAND
            and ampersands
            and initial
            and run
            and run[-1].capital != _LOWER
            and not joint
        ):
            joint = [_AND]  # Sterling & Francine: the name goes on if a name follows
        elif gaps[i] != _GAP_SPACE:
            before = None
            particles = ()
            if run:
                runs.append((sentence, run))
                run, joint = [], []
            if at_start and i:
                sentence += 1
        if kind == _CONTENT and tag >= 0 and tag not in _PHRASE_TAGS and not _is_acronym(word):
            if initial and (_opens_person(entries, gaps, i, data) or _closed_class_guess(word, tag, data)):
                tag = PROPN  # "Ursula von der Leyen sagte": a name, whatever the tagger said
            else:
                kind = _STOP  # a verb, an adverb, a pronoun: never inside a noun phrase
            if verbs is not None and tag == VERB:
                verbs.add(lower)
        elif (
            tag == NOUN
            and head_first
            and not initial
            and not joint
            and _guessed_after_adjective(run, word, data)
        ):
            kind = _STOP  # "l'Union européenne sanctionne Moscou": the verb
        capital = (_NAMED if not at_start or tag == PROPN else _FORCED) if initial else _LOWER
        if kind == _CONTENT:
            if joint:
                if not elided and (capital == _NAMED or joint[0].lower in CONNECTORS):
                    run.extend(joint)
                else:
                    runs.append((sentence, run))
                    run = []
                joint = []
            elif before is not None and capital == _NAMED and not run:
                run.append(before)
            elif particles and capital == _NAMED and not run:
                run.extend(particles)
            elif elided == _ELISION_OF and run:
                run.append(_ELIDED_DE)
        elif not run:
            if kind == _STOP and _opens_name(word, lower, capital, elided, tag):
                opener = _Word(word, lower, _NAMED, tag)
                if lower in SURNAME_PARTICLES:
                    waiting = (opener,)  # Von der Leyen
            elif kind == _STOP and not elided and _may_lead_surname(lower, capital, particles):
                waiting = (*particles, _Word(word, lower, capital, tag))
            continue
        elif kind == _STOP:
            last = run[-1].capital
            if capital != _NAMED or last != _NAMED or joint or tag == VERB:
                # Connectors that may go on after a word of this capitalization: a particle
                # after a name (Charles de Gaulle), `de` after a common word (accord de paix),
                # and a second one after the first (de la, van der). Else a stopword inside a
                # name (New York) stays in the run.
                if not elided and (
                    (lower in NAME_PARTICLES if last == _NAMED else lower in CONNECTORS or lower in _OF)
                    if not joint
                    else len(joint) == 1 and lower in SECOND_CONNECTORS
                ):
                    # A particle keeps its capital only where it leads a name: De Gaulle.
                    led = capital == _NAMED and lower in _LEADING_PARTICLES
                    joint.append(_Word(word, lower, _NAMED if led else _LOWER, tag))
                else:
                    runs.append((sentence, run))
                    run, joint = [], []
                    if _opens_name(word, lower, capital, elided, tag):
                        opener = _Word(word, lower, _NAMED, tag)  # the mayor of New York
                continue
        else:
            if run[-1].capital == _NAMED and not joint:
                run.append(_Word(word, lower, _NAMED, tag))  # a number after a name: Falcon 9, Windows 11
            else:
                runs.append((sentence, run))
                run, joint = [], []
            continue
        if owned and run and capital != _NAMED:
            runs.append((sentence, run))
            run = []
        run.append(_Word(word, lower, capital, tag))
        if entry.possessive:
            # "Iceland's capital", "the country's farm exports": the owner and what it owns
            # are two phrases. A common noun written as a name owns inside names (People's
            # Party), not before a common noun (the Moon's south pole).
            if capital == _LOWER or not data.commonness(lower):
                runs.append((sentence, run))
                run, joint = [], []
            else:
                owner = True
    if run:
        runs.append((sentence, run))
    if data.lang in HEAD_LAST and verbs is not None:  # the text: headlines drop verbs ("France ready")
        runs = [(index, _ending_in_its_noun(run)) for index, run in runs]
    parts: list[tuple[int, list[_Word]]] = []
    first_names = data.first_names
    for index, run in runs:
        for named in _with_places(run, data):
            for untitled in _without_titles(named, data):
                if len(untitled) > 2 and first_names:
                    _add_apart_at_first_names(parts, index, untitled, first_names)
                else:
                    parts.append((index, untitled))
    return parts


_NONE: Final[frozenset[int]] = frozenset()


#: Closed word classes: a treebank holds their words, so a word it lacks belongs to none of them.
_CLOSED_TAGS: Final = frozenset({ADP, AUX, CCONJ, DET, PART, PRON, SCONJ})


def _closed_class_guess(word: str, tag: int, data: LanguageData) -> bool:
    """Whether the tagger put a capitalized word the treebank lacks in a closed class: then it
    guessed from the letters ("Serena Williams sacrée" read Serena as an auxiliary, for its
    "-era"), and the word is a name."""
    tagger = data.tagger
    return tag in _CLOSED_TAGS and tagger is not None and tagger.allowed_tags(word) == EVERY_TAG


def _guessed_after_adjective(run: list[_Word], word: str, data: LanguageData) -> bool:
    """Whether a word the treebank lacks, guessed a noun, follows a noun and a lowercase
    adjective: then it is the verb ("L'Union européenne sanctionne Moscou").

    Where adjectives follow the noun, a noun phrase takes no second noun without a connector
    ("accord de paix"): in UD French-GSD a lowercase noun follows a noun and its lowercase
    adjective twice, a verb or auxiliary 148 times (Portuguese-Bosque: 3 and 112). The tagger
    guesses an unknown word from its letters, and "-onne" spells nouns as often as verbs.
    """
    return (
        len(run) > 1
        and run[-1].tag == ADJ
        and run[-1].capital == _LOWER
        and run[-2].tag in _NOUN_TAGS
        and data.tagger is not None
        and data.tagger.allowed_tags(word) == EVERY_TAG
    )


def _opens_with_subject(
    entries: list[_Token], gaps: list[int], tags: list[int], text_verbs: set[str]
) -> bool:
    """Whether a headline's first word, read as a verb before a noun phrase, is a noun.

    A news headline states; it opens with its subject, not an imperative: "Train drivers strike
    halts…", "Flood warnings issued…". The tagger, trained on web text full of imperatives, reads
    the capitalized first word as a verb. Unless the text uses that word as a verb, it is a noun.
    Only where modifiers come first: elsewhere a noun takes no noun after it, and a first word
    before one is the verb or participle it seems ("Eleito presidente, Lula promete…").
    """
    return (
        len(tags) > 1
        and tags[0] == VERB
        and entries[0].kind == _CONTENT
        and gaps[1] == _GAP_SPACE
        and tags[1] in _PHRASE_TAGS
        and entries[1].kind == _CONTENT
        and entries[0].lower not in text_verbs
    )


def _opens_person(entries: list[_Token], gaps: list[int], i: int, data: LanguageData) -> bool:
    """Whether the capitalized word at `i`, which the tagger read as no noun, opens a person's name.

    A first name before a capitalized word (see :mod:`bot.hashtags.first_names`) does, and so
    does a word the treebank never saw before a surname particle and a name ("Ursula von der
    Leyen", "Vincent van Gogh"): the tagger guesses an unknown word that opens a sentence from
    its letters, and an adverb is a poor guess before "von der".
    """
    size = len(entries)
    if i + 1 >= size or gaps[i + 1] != _GAP_SPACE:
        return False
    after = entries[i + 1]
    if after.kind == _CONTENT and after.initial and not is_upper(after.word):
        return is_first_name(entries[i].word, data.first_names)
    tagger = data.tagger
    if after.lower not in SURNAME_PARTICLES or after.initial or tagger is None:
        return False
    if tagger.allowed_tags(entries[i].word) != EVERY_TAG:
        return False
    name = i + 2
    if name < size and entries[name].lower in SECOND_CONNECTORS and not entries[name].initial:
        name += 1  # von der Leyen
    if name >= size:
        return False
    surname = entries[name]
    return surname.kind == _CONTENT and surname.initial and gaps[name] == _GAP_SPACE


def _time_surnames(entries: list[_Token], gaps: list[int], data: LanguageData) -> frozenset[int]:
    """Where a month or weekday the language writes with a capital is a name: Theresa May.

    Such a word right after a first name (a capitalized word the language never uses as a
    common noun) is a surname, and so is that surname said again on its own after a pause
    ("…. May said"). Returns the positions of those first names and surnames. A number after
    the word makes it a date (May 5, May 2019); anywhere else it is the month.
    """
    times = data.capitalized_times
    size = len(entries)
    mentions: list[int] = []
    for i in range(size):
        entry = entries[i]
        if entry.kind == _STOP and entry.initial and entry.lower in times:
            after = entries[i + 1] if i + 1 < size else None
            if after is None or after.kind != _NUMBER or gaps[i + 1] != _GAP_SPACE:
                mentions.append(i)
    named: set[int] = set()
    surnames: set[str] = set()
    for i in mentions:
        given = entries[i - 1] if i and gaps[i] == _GAP_SPACE else None
        if (
            given is not None
            and given.kind == _CONTENT
            and given.initial
            and not is_upper(given.word)
            and not data.commonness(given.lower)
        ):
            named.update((i - 1, i))
            surnames.add(entries[i].lower)
    named.update(i for i in mentions if entries[i].lower in surnames and (not i or gaps[i] != _GAP_SPACE))
    return frozenset(named)


def _ending_in_its_noun(run: list[_Word]) -> list[_Word]:
    """The run, its last word a noun where the tagger read a lowercase adjective after a noun.

    Where modifiers come first, a phrase ends with its noun: "measles outbreak" is two nouns,
    whatever an unknown word's ending made the tagger say. Not in a headline, which drops its
    verbs: "France ready to send troops".
    """
    last = run[-1]
    if len(run) < 2 or last.tag != ADJ or last.capital != _LOWER or run[-2].tag not in _NOUN_TAGS:
        return run
    return [*run[:-1], _Word(last.written, last.lower, last.capital, NOUN)]


def _opens_name(word: str, lower: str, capital: int, elided: int, tag: int) -> bool:
    """Whether a capitalized stopword inside a sentence may open the name after it: New York,
    General Motors, and a particle written as part of the name (Le Pen, De Gaulle, Van Gogh)."""
    if capital != _NAMED or len(word) < 2 or elided:
        return False
    return tag in _OPENER_TAGS or lower in _LEADING_PARTICLES


def _may_lead_surname(lower: str, capital: int, before: tuple[_Word, ...]) -> bool:
    """Whether a stopword may lead a surname said alone, after the particles `before` it: the
    "de" of "de Gaulle", the "von der" of "von der Leyen" (in lowercase, or opening a sentence)."""
    if capital == _NAMED:
        return False
    if not before:
        return lower in SURNAME_PARTICLES
    return len(before) == 1 and lower in SECOND_CONNECTORS


def _is_acronym(word: str) -> bool:
    """NATO, AI, US: never a stopword, whatever its letters spell."""
    return len(word) > 1 and is_upper(word)


def _with_places(run: list[_Word], data: LanguageData) -> list[list[_Word]]:
    """The run with each nationality adjective before a common noun or a title made its place.

    "Austrian lawmakers" → "Austria", "lawmakers"; "German Chancellor Friedrich Merz" →
    "Germany", "Chancellor Friedrich Merz". Inside a name it stays: Swiss People's Party.
    """
    places, titles = data.demonyms, data.titles
    if not places:
        return [run]
    parts: list[list[_Word]] = []
    part: list[_Word] = []
    for i, word in enumerate(run):
        place = places.get(word.lower) if word.capital != _LOWER and word.tag in _NAMING_TAGS else None
        after = run[i + 1] if i + 1 < len(run) else None
        if place is None or (after is not None and after.capital != _LOWER and after.lower not in titles):
            part.append(word)
            continue
        if part:
            parts.append(part)
        parts.append([_Word(name, name.lower(), _NAMED, PROPN) for name in place.split(" ")])
        part = []
    if part:
        parts.append(part)
    return parts


def _without_titles(run: list[_Word], data: LanguageData) -> list[list[_Word]]:
    """The run with the titles before a name cut out: "Prime Minister Keir Starmer" → "Keir Starmer".

    The title and the words before it stay a run of their own ("the Prime Minister" alone);
    a capitalized word that opens the title is part of it ("Environment Minister Lena Gruber").
    A qualifier alone is no title: "New York", "Foreign Office" (but "Secretary General Guterres").
    Where adjectives follow the noun, those after a title are the title's ("le président
    algérien Abdelaziz Bouteflika", "o presidente brasileiro Lula"), and a title with adjectives
    only is a role, no phrase ("le président algérien a dit").
    """
    titles = data.titles
    size = len(run)
    if not titles or size < 2:
        return [run]
    head_first = data.lang not in HEAD_LAST
    for i in range(size - 1):
        if run[i].lower not in titles:
            continue
        name = i + 1
        while head_first and name < size and run[name].capital == _LOWER and run[name].tag == ADJ:
            name += 1
        if name == size or (
            run[name].capital == _NAMED
            and run[name].lower not in titles
            and (run[i].lower not in qualifiers(data.lang) or (i > 0 and run[i - 1].lower in titles))
        ):
            start = i
            while start > 0 and run[start - 1].lower in titles:
                start -= 1
            while start > 0 and _opens_title(run[start - 1], run[start], data):
                start -= 1
            before = [run[:start]] if start else []
            return [*before, *_without_titles(run[name:], data)] if name < size else before
    return [run]


def _add_apart_at_first_names(
    parts: list[tuple[int, list[_Word]]], sentence: int, run: list[_Word], names: frozenset[str]
) -> None:
    """Add the run to `parts`, cut before a person who follows another name: "le préfet de
    Corse Claude Érignac" → "Corse", "Claude Érignac"; "à l'AFP Jean-Philippe Magnen" → "AFP",
    "Jean-Philippe Magnen".

    News sets a person beside the place or body they stand for with no comma between, so the
    capitals run on. A first name (see :mod:`bot.hashtags.first_names`) with a capitalized word
    after it starts a person there when the word before is a proper noun or an acronym that is
    no first name itself (Mary Jo Foley stays whole), nor a common noun with a capital
    (Lycée Victor Hugo, Bahnhof Otto Braun: a person's name in an institution's).
    """
    start = 0
    for i in range(1, len(run) - 1):
        word = run[i]
        if word.capital != _NAMED or i == start:
            continue
        before, after = run[i - 1], run[i + 1]
        if (
            after.capital == _NAMED
            and not _is_acronym(after.written)
            and not after.written.isdigit()
            and after.lower not in PARTICLES
            and before.capital != _LOWER
            and (before.tag == PROPN or _is_acronym(before.written))
            and before.lower not in PARTICLES
            and is_first_name(word.written, names)
            and not is_first_name(before.written, names)
        ):
            parts.append((sentence, run[start:i]))
            start = i
    parts.append((sentence, run[start:] if start else run))


def _opens_title(word: _Word, title: _Word, data: LanguageData) -> bool:
    """A capitalized word before a capitalized title: the "Environment" of "Environment Minister".

    Not before a title in lowercase or in capitals (Kremlin spokesman, Google CEO), not an
    acronym (NATO Secretary General), nor in a language that capitalizes every noun.
    """
    return (
        word.capital != _LOWER
        and title.capital != _LOWER
        and not _is_acronym(word.written)
        and not _is_acronym(title.written)
        and not data.capitalizes_nouns
    )


def _gap_kind(gap: str) -> int:
    """What the characters between two words do to a run."""
    if "\n" in gap or any(char in gap for char in ".!?…"):
        return _GAP_END
    if any(char in gap for char in ':;«“„"'):
        return _GAP_END_IF_CAPITAL
    if gap.strip() == AMPERSAND and gap[0].isspace() and gap[-1].isspace():
        return _GAP_AMPERSAND
    if gap.strip().strip("'"):  # a stray apostrophe is no punctuation
        return _GAP_BREAK
    return _GAP_SPACE


def _all_stop(lower: str, stop: frozenset[str]) -> bool:
    """A hyphenated word made only of stopwords (a-t-il, peut-être) is a stopword too."""
    return all(part in stop or len(part) < 2 for part in lower.split("-"))


def words_of(key: str) -> list[str]:
    """A phrase key's words without its particles: "gulf of mexico" → gulf, mexico."""
    return [word for word in key.split(" ") if word not in PARTICLES]


def unproven_surname(candidate: Candidate) -> bool:
    """Whether the phrase is only ever a lowercase particle and a name ("de Paris", "de Gaulle")
    that no rule has made a name: a preposition as often as a surname, so no candidate."""
    return candidate.led == candidate.count and not candidate.capitalized


class Phrases:
    """Every phrase of an article with its evidence.

    The ranker looks at a few dozen of the hundred-odd phrases of an article: the
    :attr:`likely` ones, and the words and parts of those that it looks up with :meth:`get`.
    """

    def __init__(self, found: dict[str, Candidate], verbs: set[str], long_names: list[Candidate]) -> None:
        self._found = found
        #: The words the text uses as verbs, lowercase: "cut" of "the drought has cut".
        self.verbs = verbs
        #: Names longer than the counted phrases, from their capitalized first word to the end
        #: of their run: "Laboratório de Aplicações de Satélites Ambientais" (see _count_long_name).
        self.long_names = long_names
        #: The phrases said more than once, in the title, or capitalized mid-sentence. A phrase
        #: said once in passing, not in the title and not a name, never outranks those.
        self.likely = [
            c
            for c in found.values()
            if (c.count > 1 or c.in_title or c.capitalized) and not unproven_surname(c)
        ]

    def get(self, key: str) -> Candidate | None:
        """The candidate for the phrase `key`, or None when the article never says it."""
        return self._found.get(key)

    def add(self, candidate: Candidate) -> None:
        """Add a phrase the ranker found beyond the counter's runs: a name with "and" inside."""
        self._found[candidate.key] = candidate

    def every(self) -> list[Candidate]:
        """All the phrases, in the order they first occur."""
        return list(self._found.values())


def count_phrases(title: str | None, text: str, data: LanguageData) -> Phrases:
    """Count every phrase of up to :data:`MAX_PHRASE_WORDS` content words in the title and text."""
    found: dict[str, Candidate] = {}
    long_names: dict[str, Candidate] = {}
    lexicon = _lexicon(data)
    verbs: set[str] = set()
    text_runs = _runs(text, 1, lexicon, data, verbs)  # first: the headline's reading needs its verbs
    if title:
        label, headline = _split_label(title)
        headline = truecased(headline, text)
        # A headline writes "&" for "and" (Trump & Putin); in the text it is a name's own.
        ampersands = " & " in text
        label_runs = _runs(label, 0, lexicon, data, ampersands=ampersands) if label else []
        _count_phrases(found, long_names, label_runs, True, data)
        headline_runs = _runs(headline, 0, lexicon, data, ampersands=ampersands, text_verbs=verbs)
        _count_phrases(found, long_names, headline_runs, True, data)
        for _, run in label_runs:
            for word in run:
                labelled = found.get(word.lower)
                if labelled is not None:
                    labelled.in_label = True
    _count_phrases(found, long_names, text_runs, False, data)
    for unit_word in _AFTER_NUMBER.findall(text):
        unit = found.get(unit_word.lower())
        if unit is not None:
            unit.after_number += 1
    return Phrases(found, verbs, list(long_names.values()))


def _split_label(title: str) -> tuple[str, str]:
    """Split a headline's leading label off: "Égypte : Mohamed Morsi élu" → ("Égypte", ...)."""
    match = _LABEL.match(title) if ":" in title or "|" in title else None  # most have none
    return (match.group(1), match.group(2)) if match else ("", title)


def _leads_name(run: list[_Word], at: int) -> bool:
    """Whether the particle at `at` is written with a capital inside a sentence before a name."""
    particle = run[at]
    if particle.capital != _NAMED or particle.lower not in _LEADING_PARTICLES or at + 1 >= len(run):
        return False
    name = run[at + 1]
    return name.capital == _NAMED and name.lower not in PARTICLES and not name.written.isdigit()


def _count_phrases(
    found: dict[str, Candidate],
    long_names: dict[str, Candidate],
    runs: list[tuple[int, list[_Word]]],
    is_title: bool,
    data: LanguageData,
) -> None:
    """Count every phrase of one to :data:`MAX_PHRASE_WORDS` content words of every run.

    A phrase neither starts nor ends with a particle or a number. A name longer than that goes
    into `long_names` (where the noun comes first, with a tagger: see :func:`_count_long_name`).
    """
    head_last = data.lang in HEAD_LAST
    # One long name per run; none where modifiers come first, nor where no tagger ends runs.
    no_long_names = head_last or data.tagger is None
    for sentence, run in runs:
        size = len(run)
        long_named = no_long_names
        for start in range(size):
            first = run[start]
            written, key, capital = first.written, first.lower, first.capital
            leading = key in PARTICLES  # Le of Le Pen: it opens the name, it is no word alone
            if written.isdigit():
                continue
            if leading and not _leads_name(run, start):
                _count_surname(found, run, start, sentence, is_title)
                continue
            head_noun = first.tag in _NOUN_TAGS or first.tag == _UNTAGGED
            if not leading:
                _count_word(found, run, start, sentence, is_title, head_noun, data)
            content = 0 if leading else 1
            # A headline's opening word has a forced capital: "Îles Baléares" is a name all the same.
            rest_named = is_title and capital == _FORCED
            paired = False  # two names joined by & count as one part, once in a phrase
            for end in range(start + 1, size):
                word = run[end]
                written, key = f"{written} {word.written}", f"{key} {word.lower}"
                if word.lower in PARTICLES:
                    # "Iju de Lagos" is more often a place in a place than one name: not a name.
                    # An elided one is inside a name: Côte d'Ivoire, Sables d'Olonne; so is one
                    # written with a capital: Marine Le Pen, Vincent Van Gogh.
                    if capital == _NAMED and word.written != "d'" and word.capital != _NAMED:
                        capital = _MIXED
                    rest_named = False
                    if word.written == AMPERSAND and not paired:
                        content -= 1  # Marks & Spencer: one part of the name
                        paired = True
                    continue
                content += 1
                if content > MAX_PHRASE_WORDS and (
                    content > MAX_NAME_WORDS or capital != _NAMED or word.capital != _NAMED
                ):
                    # Tried once per run, at its first name this long. An acronym before a
                    # name is apposition: "l'ONG Human Rights Watch".
                    if not (long_named or leading or first.capital == _LOWER):
                        long_named = True
                        if not _is_acronym(first.written):
                            _count_long_name(long_names, run, start, sentence, is_title)
                    break
                if word.capital != capital:
                    capital = _FORCED if capital == _FORCED or word.capital == _FORCED else _MIXED
                rest_named = rest_named and word.capital == _NAMED
                # A noun at one end; where modifiers come first, at the last ("France ready" is none).
                ends_in_noun = word.tag in _NOUN_TAGS or word.tag == _UNTAGGED
                nominal = ends_in_noun if head_last else head_noun or ends_in_noun
                shape = _NAMED if rest_named else capital
                _count(
                    found, found.get(key), key, written, end - start + 1, sentence, shape, is_title, nominal
                )


def _count_long_name(
    long_names: dict[str, Candidate], run: list[_Word], start: int, sentence: int, is_title: bool
) -> None:
    """Count the name that opens at `start` and runs on past the counted phrases, if one does.

    Where the noun comes first, an institution's name runs from its capitalized head to the end
    of its run: "Forum mondial de la langue française", "Laboratório de Aplicações de Satélites
    Ambientais". A capitalized word right after a lowercase one starts another name ("Parti
    socialiste Jean Dupont"), and an acronym after a connector at the end is its owner's name
    ("… Ambientais da UFRJ").
    """
    end = start + 1
    while end < len(run) and not (
        run[end].capital == _NAMED and run[end - 1].capital == _LOWER and run[end - 1].lower not in PARTICLES
    ):
        end += 1
    if end - start > 2 and _is_acronym(run[end - 1].written) and run[end - 2].lower in PARTICLES:
        end -= 1
    while run[end - 1].lower in PARTICLES:
        end -= 1
    words = run[start:end]
    content = 0
    for word in words:
        content += word.lower not in PARTICLES
    if content <= MAX_PHRASE_WORDS:
        return
    key = " ".join(word.lower for word in words)
    shape = _FORCED if words[0].capital == _FORCED else _NAMED
    written = " ".join(word.written for word in words)
    _count(long_names, long_names.get(key), key, written, len(words), sentence, shape, is_title, True)


def _count_surname(
    found: dict[str, Candidate], run: list[_Word], at: int, sentence: int, is_title: bool
) -> None:
    """Count a surname led by a lowercase particle, if one starts at `at`: de Gaulle, von der Leyen.

    Particles in lowercase are prepositions as often as parts of a name ("de Paris"), so it
    counts as a mixed phrase, which the ranker takes for a name only on more evidence.
    """
    particle = run[at]
    if particle.lower not in SURNAME_PARTICLES or particle.written == "d'":
        return
    if at and run[at - 1].lower in PARTICLES:
        return  # the der of von der Leyen: the surname starts before it
    end = at + 1
    if end < len(run) and run[end].lower in SECOND_CONNECTORS and run[end].capital != _NAMED:
        end += 1
    elif particle.capital == _NAMED:
        return  # a capitalized particle before a name leads it: see _leads_name
    if end >= len(run):
        return
    name = run[end]
    if name.capital != _NAMED or name.lower in PARTICLES or name.written.isdigit():
        return
    words = run[at : end + 1]
    key = " ".join(word.lower for word in words)
    shape = _FORCED if particle.capital == _FORCED else _MIXED
    surname = _count(
        found,
        found.get(key),
        key,
        " ".join(word.written for word in words),
        len(words),
        sentence,
        shape,
        is_title,
        True,
    )
    surname.led += 1
    if at == 0:
        surname.opening += 1


def _count_word(
    found: dict[str, Candidate],
    run: list[_Word],
    at: int,
    sentence: int,
    is_title: bool,
    head_noun: bool,
    data: LanguageData,
) -> None:
    """Count the word at `at` of `run` as a phrase of its own, with what its neighbour tells."""
    first = run[at]
    single = _count(
        found,
        found.get(first.lower),
        first.lower,
        first.written,
        1,
        sentence,
        first.capital,
        is_title,
        head_noun,
    )
    if first.tag == PROPN:
        single.proper += 1
    size = len(run)
    if at + 1 < size and not run[at + 1].written.isdigit() and run[at + 1].lower not in PARTICLES:
        single.before_noun += 1
    if not is_title and first.capital == _NAMED and at + 1 < size:
        after = run[at + 1]
        if after.capital == _LOWER and after.lower not in PARTICLES and not after.written.isdigit():
            _note_modifier(found, first, after, data)


def _note_modifier(found: dict[str, Candidate], name: _Word, after: _Word, data: LanguageData) -> None:
    """A capitalized word right before a lowercase noun: an adjective ("European start-ups")?

    Not before a verb: "Schoof visited" is a name all right.
    """
    if after.tag not in _NOUN_TAGS if after.tag != _UNTAGGED else data.is_verb_form(after.lower):
        return
    candidate = found.get(name.lower)
    if candidate is not None:
        candidate.modifier += 1


def _count(
    found: dict[str, Candidate],
    candidate: Candidate | None,
    key: str,
    written: str,
    words: int,
    sentence: int,
    capital: int,
    is_title: bool,
    nominal: bool,
) -> Candidate:
    """Count one occurrence of the phrase `key`, making its candidate on the first; return it."""
    if candidate is None:
        candidate = found[key] = Candidate(key, written, words, sentence)
        if is_title:
            candidate.count = candidate.in_title = 1
            candidate.nominal = nominal
            candidate.title_named = capital == _NAMED
            return candidate
    elif is_title:
        candidate.count += 1
        candidate.in_title += 1
        candidate.nominal += nominal
        candidate.title_named += capital == _NAMED
        return candidate
    candidate.note(written, capital, nominal)
    return candidate
