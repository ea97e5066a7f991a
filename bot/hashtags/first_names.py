"""First names, learned from the treebanks: where a person's name starts inside a run of names.

News sets a person right after the place or body they stand for, with no comma: "le préfet de
Corse Claude Érignac", "à l'AFP Jean-Philippe Magnen". Capitals alone cannot tell where one name
ends and the next begins; a first name can. Each language's model (``models/<lang>.pos``)
ships the words the Universal Dependencies treebanks open people's names with (learned by
:mod:`bot.hashtags.training`), as transliterated lowercase keys: Érignac and Erignac, Jérôme and
Jerome are one word to it (:attr:`bot.hashtags.tagger.PosModel.first_names`).
"""

from __future__ import annotations

from bot.hashtags.normalize import transliterate


def name_key(word: str) -> str:
    """How the lexicon writes `word`: lowercase, transliterated (Jérôme → jerome)."""
    return transliterate(word.lower())


def is_first_name(word: str, names: frozenset[str]) -> bool:
    """Whether `word` opens people's names: Claude, Jean-Claude, and Jean-Philippe, each of whose
    parts does."""
    key = name_key(word)
    return key in names or ("-" in key and all(part in names for part in key.split("-")))
