from __future__ import annotations

from auxil.paths import SEED

from bot.hashtags import TagOptions, extract_tags
from bot.hashtags.rank import Ranked
from bot.hashtags.vocabulary import MAX_BONUS, Vocabulary, tag_words
from bot.ingest import load_sources
from bot.models import Article, TagReason, TagUse

MACRON_FR = Article(
    title="Macron veut relancer l'Europe",
    text=(
        "Le président Macron a déclaré lundi à Paris que l'Europe devait agir. Macron a rencontré "
        "les dirigeants du Royaume-Uni et de l'OTAN. Selon Macron, l'Europe doit se renforcer."
    ),
    lang="fr",
)
TROOPS_EN = Article(
    title="UK and France ready to send troops",
    text=(
        "The United Kingdom and France said on Monday they were ready to send troops to Ukraine after "
        "a ceasefire. Emmanuel Macron said the European Union would help. Macron spoke in Paris."
    ),
    lang="en",
)


def _names(article: Article, vocabulary: Vocabulary | None = None, limit: int = 8) -> list[str]:
    return [tag.name for tag in extract_tags(article, TagOptions(limit=limit), vocabulary=vocabulary)]


def _vocabulary(**uses: int) -> Vocabulary:
    return Vocabulary(TagUse(name, count) for name, count in uses.items())


def test_a_chat_that_used_the_full_name_gets_it_for_an_article_saying_the_surname() -> None:
    assert "Macron" in _names(MACRON_FR)
    names = _names(MACRON_FR, _vocabulary(EmmanuelMacron=12))
    assert "EmmanuelMacron" in names
    assert "Macron" not in names


def test_a_chat_that_uses_the_surname_keeps_it_for_the_full_name() -> None:
    names = _names(TROOPS_EN, _vocabulary(Macron=5))
    assert "Macron" in names
    assert "EmmanuelMacron" not in names


def test_the_full_name_keeps_its_own_tag_when_the_article_never_uses_the_surname_alone() -> None:
    article = Article(
        title="George Washington papers found",
        text="Letters by George Washington were found in an attic. The George Washington letters date "
        "from 1790.",
        lang="en",
    )
    names = _names(article, _vocabulary(Washington=20))
    assert "GeorgeWashington" in names
    assert "Washington" not in names


def test_acronym_and_expansion_take_the_spelling_the_chat_uses() -> None:
    # Without a vocabulary an acronym and its expansion in one article are one tag (issue 10).
    alone = set(_names(TROOPS_EN))
    assert {"UK", "EuropeanUnion"} <= alone and "UnitedKingdom" not in alone
    with_acronyms = _names(TROOPS_EN, _vocabulary(UK=12, EU=3))
    assert {"UK", "EU"} <= set(with_acronyms)
    assert not {"UnitedKingdom", "EuropeanUnion"} & set(with_acronyms)
    with_expansion = _names(TROOPS_EN, _vocabulary(UnitedKingdom=7))
    assert "UnitedKingdom" in with_expansion
    assert "UK" not in with_expansion


def test_the_same_key_takes_the_chat_spelling() -> None:
    assert "OTAN" in _names(MACRON_FR)
    names = _names(MACRON_FR, _vocabulary(Otan=4))
    assert "Otan" in names
    assert "OTAN" not in names


def test_a_place_is_no_person_and_a_tie_settles_nothing() -> None:
    article = Article(
        title="Drought in Africa", text="Africa faces a drought. Farmers in Africa lose crops.", lang="en"
    )
    assert "Africa" in _names(article, _vocabulary(SouthAfrica=30))
    assert "Africa" in _names(article, _vocabulary(JohnAfrica=3, MaryAfrica=3))
    assert "JohnAfrica" in _names(article, _vocabulary(JohnAfrica=4, MaryAfrica=3))


def test_an_empty_vocabulary_changes_nothing() -> None:
    [seed] = list(load_sources([str(SEED)]))
    assert isinstance(seed, Article)
    assert _names(seed, Vocabulary([]), limit=10) == _names(seed, None, limit=10)


def _ranked(*items: tuple[str, float]) -> list[Ranked]:
    return [Ranked(name.lower(), name, score, at, TagReason.PHRASE) for at, (name, score) in enumerate(items)]


def _tag_of(phrase: str) -> tuple[str, str]:
    return phrase, phrase.lower()


def test_the_bonus_lifts_a_known_tag_over_a_close_one_but_not_over_a_clearly_better_one() -> None:
    vocabulary = _vocabulary(Budget=1000)
    close = vocabulary.prefer(_ranked(("Strike", 1.2), ("Budget", 1.0)), _tag_of, limit=1)
    assert [item.surface for item in close] == ["Budget", "Strike"]
    assert close[0].score < 1.0 * (1 + MAX_BONUS)
    far = vocabulary.prefer(_ranked(("Strike", 1.6), ("Budget", 1.0)), _tag_of, limit=1)
    assert [item.surface for item in far] == ["Strike", "Budget"]


def test_the_bonus_grows_with_uses() -> None:
    scores = [
        _vocabulary(Budget=uses).prefer(_ranked(("Budget", 1.0)), _tag_of, limit=1)[0].score
        for uses in (1, 4, 100)
    ]
    assert 1.0 < scores[0] < scores[1] < scores[2] < 1 + MAX_BONUS


def test_spellings_of_one_key_add_up_and_the_most_used_is_kept() -> None:
    vocabulary = Vocabulary([TagUse("Nato", 2), TagUse("NATO", 5), TagUse("Ukraine", 3)])
    assert vocabulary.uses() == [TagUse("NATO", 7), TagUse("Ukraine", 3)]
    assert len(vocabulary) == 2


def test_tag_words_split_on_capitals_and_keep_acronyms() -> None:
    assert tag_words("EmmanuelMacron") == ["Emmanuel", "Macron"]
    assert tag_words("NATOSummit") == ["NATO", "Summit"]
    assert tag_words("Ukraine2026") == ["Ukraine", "2026"]
    assert tag_words("ЕвропейскийСоюз") == ["Европейский", "Союз"]
