"""Language names, from the Unicode CLDR: "in English and Swahili" names no topic.

News says which languages a service, a document or a speech is in; an editor tags a language only
when the article is about it, and then its headline names it. Each language's model ships, as
the CLDR writes them in that language, the names of the languages with a two-letter ISO 639-1
code: those of one word, less those that also name a country there (Nauru, Tuvalu). They are
written by :mod:`bot.hashtags.training` through Babel, which the engine leaves unread
(:attr:`bot.hashtags.tagger.PosModel.language_names`).
"""

from __future__ import annotations


def names_a_language(key: str, named: bool, names: frozenset[str]) -> bool:
    """Whether the lowercase word `key`, capitalized mid-sentence mostly if `named`, is one of
    the language names `names`.

    Where the language writes them in lowercase (français, inglês), a capital makes the word a
    place or a people: `Corse` is the island, `corse` its language, `les Anglais` the people.
    Where it capitalizes them (English, Deutsch), the capital tells nothing.
    """
    if key in names:
        return not named
    return key.capitalize() in names
