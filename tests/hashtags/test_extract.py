from __future__ import annotations

from auxil.paths import EXAMPLES, SEED

from bot.hashtags import TagOptions, extract_tags, tag_key
from bot.ingest import load_sources
from bot.models import Article, TagReason


def _seed() -> Article:
    [article] = list(load_sources([str(SEED)]))
    assert isinstance(article, Article)
    return article


def test_seed_article_gets_its_countries_and_people() -> None:
    names = {tag.name for tag in extract_tags(_seed(), TagOptions(limit=10))}
    assert {"Ukraine", "France", "Zelensky", "Trump", "Witkoff"} <= names
    assert not names & {"Des", "Apres", "Envoyer", "Pretes"}


def test_no_duplicates_and_limit_respected() -> None:
    for item in load_sources([str(EXAMPLES)]):
        assert isinstance(item, Article)
        tags = extract_tags(item, TagOptions(limit=6))
        assert len(tags) <= 6
        assert len({tag_key(tag.name) for tag in tags}) == len(tags)


def test_fixed_blocklist_and_aliases() -> None:
    article = Article(
        text="Le Royaume-Uni et la France. Le Royaume-Uni a signé avec la France à Paris.", lang="fr"
    )
    tags = extract_tags(
        article,
        TagOptions(fixed=("MaChaîne",), blocklist=("#paris",), aliases={"Royaume-Uni": "GrandeBretagne"}),
    )
    names = [tag.name for tag in tags]
    assert names[0] == "MaChaine" and tags[0].reason is TagReason.FIXED
    assert "GrandeBretagne" in names and "RoyaumeUni" not in names
    assert "Paris" not in names


def test_empty_text_gives_only_fixed_tags() -> None:
    assert extract_tags(Article(text=" "), TagOptions(fixed=("News",))) == extract_tags(
        Article(text=""), TagOptions(fixed=("News",))
    )
    assert [tag.name for tag in extract_tags(Article(text=""), TagOptions(fixed=("News",)))] == ["News"]
