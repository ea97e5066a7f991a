"""Articles survive the queue: their records are derived from every field of Article."""

from __future__ import annotations

import json
from dataclasses import MISSING, fields, replace
from datetime import UTC, datetime
from uuid import uuid4

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.models import Article
from bot.storage import NewPost, Store
from bot.storage.records import article_from_dict, article_to_dict

#: Every field inferred from its type, so a field added to Article is generated here too.
articles = st.builds(Article, **{item.name: ... for item in fields(Article)})


def _empty_as_default(article: Article) -> Article:
    """What a record keeps: an empty string reads back as the field's default."""
    empty = {
        item.name: "" if item.default is MISSING else item.default
        for item in fields(Article)
        if getattr(article, item.name) == ""
    }
    return replace(article, **empty)


@given(articles)
def test_every_field_round_trips_through_json(article: Article) -> None:
    record = json.loads(json.dumps(article_to_dict(article), ensure_ascii=False))
    assert article_from_dict(record) == _empty_as_default(article)


# One store for every example (each queues under a key of its own), on each backend.
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(article=articles)
def test_every_field_round_trips_through_the_store(store: Store, article: Article) -> None:
    post_id = store.enqueue(NewPost(article=article, chat="@c", keys=(uuid4().hex,)), now=datetime.now(UTC))
    assert post_id is not None
    queued = store.post(post_id)
    assert queued is not None and queued.article == _empty_as_default(article)


def test_a_full_article_keeps_every_field() -> None:
    article = Article(
        text="Storm Elena reached Lisbon.",
        title="Storm Elena",
        url="https://news.example/elena",
        lang="en",
        image="https://news.example/elena.jpg",
        author="Ana Ferreira",
        published=datetime(2026, 7, 15, 8, 0, tzinfo=UTC),
        summary="The storm.",
        source_tags=("Storm",),
        categories=("Weather",),
        source="feed",
        id="guid-1",
        images=("https://news.example/elena.jpg", "https://news.example/lisbon.jpg"),
        video="https://news.example/elena.mp4",
    )
    assert all(getattr(article, item.name) != item.default for item in fields(Article))
    assert set(article_to_dict(article)) == {item.name for item in fields(Article)}
    assert article_from_dict(article_to_dict(article)) == article


def test_values_of_the_wrong_type_read_as_missing() -> None:
    record = {"text": "Body", "title": 3, "published": 1, "categories": "Weather", "source_tags": ["a", 1]}
    assert article_from_dict(record) == Article(text="Body", source_tags=("a", "1"))
    assert article_from_dict({}) == Article(text="")
