"""Plain-text work on article text: sentences, the lead summary, and cutting text to a length.

All of it runs on text before it is escaped into HTML, so a cut can never fall inside a tag or an
entity; cuts also keep URLs, hashtags and emoji sequences whole.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

from bot.boilerplate import is_boilerplate
from bot.render._markup import clean_text

ELLIPSIS = "…"
#: Length of the default summary, in characters.
SUMMARY_LENGTH = 400
#: A lead shorter than this continues into the next paragraph.
_SHORT_LEAD = 160

#: Words that end with a period without ending the sentence (as written, case matters: "No. 5"
#: but "said no."). Initials (a single capital) and dotted acronyms (U.S., e.g.) are handled apart.
_ABBREVIATION_LIST = """
    Mr Mrs Ms Dr Prof St Sr Jr Mt Gen Col Lt Sgt Capt Cmdr Gov Sen Rep Rev Hon Pres Supt Amb
    MM Mme Mmes Mlle Me Mgr Pr Dre Sra Srta Dra Av Abs Str Nr Nos No Vol Fig Art Ch Bd Hr Fr
    Inc Ltd Co Corp Bros Dept Univ Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
    vs approx ca cf al bzw usw evtl ggf inkl vgl sog resp env hab
"""
ABBREVIATIONS = frozenset(_ABBREVIATION_LIST.split())

# A sentence ends at terminal punctuation, possibly followed by closing quotes or brackets (French
# typography puts a space before "»"), then whitespace. CJK full stops need no whitespace.
_SENTENCE_END = re.compile(r"(?P<term>[.!?…]+)(?:\s?[»”\"’')\]])*(?=\s)|[。！？]+[」』”）]*|[؟।]+(?=\s)")
_WORD_BEFORE = re.compile(r"(\S+?)$")
_DOTTED = re.compile(r"(?:\w{1,2}\.)+\w{1,2}")
_OPENERS = "«“\"‘'([¿¡ \n"

_URL_OR_HASHTAG = re.compile(r"https?://\S+|(?<![\w#])#\w+")


@lru_cache(maxsize=32)
def sentence_ends(text: str) -> tuple[int, ...]:
    """Offsets just past each sentence end in `text` (the last one is always ``len(text)``).

    Cached: fitting a post cuts the same text to many lengths.
    """
    ends: list[int] = []
    for match in _SENTENCE_END.finditer(text):
        if match["term"] is not None and not _ends_sentence(text, match.start(), match.end(), match["term"]):
            continue
        ends.append(match.end())
    if not ends or ends[-1] < len(text.rstrip()):
        ends.append(len(text))
    return tuple(ends)


def _ends_sentence(text: str, start: int, end: int, term: str) -> bool:
    following = text[end : end + 16].lstrip(_OPENERS)
    if following[:1].islower():
        return False
    if term != "." or end > start + 1:  # "!", "…", or a period before a closing quote
        return True
    word = _WORD_BEFORE.search(text, max(0, start - 40), start)
    token = word[1].lstrip("(«“\"'") if word else ""
    if token in ABBREVIATIONS or _DOTTED.fullmatch(token):
        return False
    if len(token) == 1 and token.isupper():  # an initial: "John F. Kennedy", "M. Macron"
        return False
    # German and others write ordinals as "3. März"; a year ("in 2024.") still ends a sentence.
    return not (token.isdigit() and len(token) <= 2 and following[:1].isupper())


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped; abbreviations, initials and quotes do not split."""
    sentences: list[str] = []
    start = 0
    for end in sentence_ends(text):
        if sentence := text[start:end].strip():
            sentences.append(sentence)
        start = end
    return sentences


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of article text, one line each, with boilerplate lines dropped."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        lines = [line for line in lines if not is_boilerplate(line)]
        if lines:
            paragraphs.append(" ".join(" ".join(lines).split()))
    return paragraphs


def summarize(text: str, *, title: str | None = None, length: int = SUMMARY_LENGTH) -> str:
    """The article's lead: its first whole sentences, up to `length` characters.

    Boilerplate lines (bylines, "Read more", photo credits…) are skipped, and so is a first sentence
    that only repeats the title. A lead shorter than a couple of lines continues into the next
    paragraph. If not even the first sentence fits, its first words are kept, with "…".
    """
    normalized_title = " ".join((title or "").split()).casefold().rstrip(".")
    sentences: list[str] = []
    for paragraph in _paragraphs(clean_text(text)):
        if sentences and len(" ".join(sentences)) >= _SHORT_LEAD:
            break
        sentences.extend(split_sentences(paragraph))
    if sentences and sentences[0].casefold().rstrip(".") == normalized_title:
        sentences.pop(0)
    return shorten(" ".join(sentences), length)


def shorten(text: str, length: int) -> str:
    """`text` cut to at most `length` characters: at a sentence end, else a word, with "…".

    A cut never splits a URL, a hashtag or a character sequence (emoji with modifiers, letters
    with combining marks); when no whole word fits, the result is empty.
    """
    if len(text) <= length:
        return text
    if length <= len(ELLIPSIS):
        return ""
    ends = sentence_ends(text)
    whole = bisect_right(ends, length)
    if whole:
        return text[: ends[whole - 1]].rstrip()
    cut = _word_cut(text, length - len(ELLIPSIS))
    kept = text[:cut].rstrip().rstrip(",;:—–-").rstrip()
    return f"{kept}{ELLIPSIS}" if kept else ""


def _word_cut(text: str, limit: int) -> int:
    """The last place at or before `limit` where text may be cut without splitting a word."""
    space = max(text.rfind(" ", 0, limit + 1), text.rfind("\n", 0, limit + 1))
    if space > 0:
        return space
    # Scripts written without spaces (Chinese, Japanese, Thai): cut between characters, but not
    # inside a URL or hashtag, and not before a combining mark, joiner or variation selector.
    cut = limit
    for token in _URL_OR_HASHTAG.finditer(text, 0, limit + 200):
        if token.start() < cut < token.end():
            cut = token.start()
    while 0 < cut < len(text) and (_joins(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    return cut


def _joins(char: str) -> bool:
    """Whether `char` belongs to the character before it (mark, joiner, selector, skin tone)."""
    return (
        unicodedata.combining(char) > 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char in "\u200d\ufe0e\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or "\U000e0020" <= char <= "\U000e007f"
    )


def words(text: str, count: int) -> str:
    """The first `count` words of `text`, with "…" if any were left out."""
    parts = text.split()
    return text.strip() if len(parts) <= count else " ".join(parts[:count]) + ELLIPSIS
