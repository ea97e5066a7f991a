"""Rank hashtags for an article: names, places and title phrases first, frequent words after.

Pure and deterministic: the same article and options always give the same tags.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from bot.hashtags.language import detect_language, stopwords
from bot.hashtags.normalize import TagCase, TagScript, normalize, tag_key
from bot.models import Article, Tag, TagReason

_SENTENCE_END = re.compile(r"(?<=[.!?…:;»”\"])\s+|\n+")
_TOKEN = re.compile(r"[^\W\d_](?:[\w]|['’-](?=\w))*", re.UNICODE)
#: Lowercase words that may sit inside a name: Charles de Gaulle, Ursula von der Leyen.
_NAME_PARTICLES = frozenset(
    {"de", "du", "des", "la", "le", "van", "von", "der", "den", "da", "di", "del", "al", "bin", "ibn"}
)

_WEIGHT = {TagReason.ENTITY: 2.0, TagReason.TITLE: 1.5, TagReason.PHRASE: 1.0}
_TITLE_BONUS = 2.0


@dataclass(frozen=True, slots=True)
class TagOptions:
    """How tags are chosen and written; built from settings, overridable per feed."""

    limit: int = 8
    case: TagCase = "camel"
    script: TagScript = "ascii"
    fixed: tuple[str, ...] = ()
    blocklist: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def _is_capitalized(token: str) -> bool:
    return token[0].isupper()


def _entity_runs(tokens: list[str], stop: frozenset[str]) -> list[tuple[str, bool]]:
    """Capitalized runs, each with whether it starts the sentence (then it may be a plain word)."""
    runs: list[tuple[str, bool]] = []
    index = 0
    while index < len(tokens):
        if not _is_capitalized(tokens[index]):
            index += 1
            continue
        start = index
        end = index + 1
        while end < len(tokens):
            if _is_capitalized(tokens[end]):
                end += 1
            elif (
                tokens[end] in _NAME_PARTICLES and end + 1 < len(tokens) and _is_capitalized(tokens[end + 1])
            ):
                end += 2
            else:
                break
        words = tokens[start:end]
        while words and words[0].lower() in stop:
            words = words[1:]
            start += 1
        if words:
            runs.append((" ".join(words), start == 0))
        index = end
    return runs


def _candidates(article: Article, lang: str | None) -> dict[str, tuple[str, float, TagReason]]:
    stop = stopwords(lang)
    scores: defaultdict[str, float] = defaultdict(float)
    surface: dict[str, str] = {}
    reasons: dict[str, TagReason] = {}
    mid_sentence_caps: set[str] = set()
    sentence_start_caps: list[str] = []

    def add(phrase: str, reason: TagReason, weight: float = 1.0) -> None:
        key = phrase.lower()
        if not phrase or key in stop:
            return
        scores[key] += _WEIGHT[reason] * weight
        surface.setdefault(key, phrase)
        if reason is TagReason.ENTITY or key not in reasons:
            reasons[key] = reason

    for sentence in _sentences(article.text):
        tokens = _TOKEN.findall(sentence)
        for phrase, at_start in _entity_runs(tokens, stop):
            if at_start and " " not in phrase:
                sentence_start_caps.append(phrase)
            else:
                mid_sentence_caps.add(phrase.lower())
                add(phrase, TagReason.ENTITY)
        for token in tokens:
            if token.islower() and len(token) > 3 and token not in stop:
                add(token, TagReason.PHRASE, 0.5 if "-" not in token else 1.0)

    for phrase in sentence_start_caps:
        if phrase.lower() in mid_sentence_caps:
            add(phrase, TagReason.ENTITY)

    for token in _TOKEN.findall(article.title or ""):
        key = token.lower()
        if key in scores:
            scores[key] += _TITLE_BONUS
            if reasons[key] is TagReason.PHRASE:
                reasons[key] = TagReason.TITLE
        elif key not in stop and len(token) > 2:
            add(token, TagReason.TITLE)

    # A surname said alone more often than the full name stands for the person (#Macron).
    for key in [k for k in scores if " " in k]:
        last = key.rsplit(" ", 1)[1]
        if scores.get(last, 0) >= scores[key]:
            scores[last] += scores.pop(key)

    return {key: (surface[key], score, reasons[key]) for key, score in scores.items()}


def extract_tags(article: Article, options: TagOptions = TagOptions()) -> list[Tag]:
    """Return at most ``options.limit`` tags for `article`, best first, without duplicates."""
    lang = article.lang or detect_language(f"{article.title or ''}\n{article.text}")
    blocked = {tag_key(name) for name in options.blocklist}
    aliases = {tag_key(source): target for source, target in options.aliases.items()}
    chosen: dict[str, Tag] = {}

    def offer(phrase: str, score: float, reason: TagReason) -> None:
        name = normalize(phrase, case=options.case, script=options.script)
        if name is None:
            return
        name = normalize(aliases.get(tag_key(name), name), case=options.case, script=options.script)
        if name is None or tag_key(name) in blocked:
            return
        key = tag_key(name)
        if key not in chosen or chosen[key].score < score:
            chosen[key] = Tag(name=name, score=score, reason=reason)

    for fixed in options.fixed:
        offer(fixed, float("inf"), TagReason.FIXED)
    for phrase, score, reason in _candidates(article, lang).values():
        offer(phrase, score, reason)
    for category in article.categories:
        offer(category, 1.0, TagReason.CATEGORY)

    ranked = sorted(chosen.values(), key=lambda tag: (-tag.score, tag.name))
    return ranked[: options.limit]
