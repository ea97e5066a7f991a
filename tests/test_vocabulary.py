"""The vocabulary cache: kept between posts, up to date with every tag sent and every rule set."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from auxil.history import CHANNEL as CHAT
from auxil.history import send

from bot.models import Article, TagUse
from bot.storage import NewPost, Store, TagRule, open_store
from bot.vocabulary import REFRESH, VocabularyCache

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class CountingStore:
    """The real store, counting the full history reads (`tag_uses`) the cache makes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.full_reads = 0

    def tag_uses(self, **options: Any) -> list[TagUse]:
        self.full_reads += 1
        return self.store.tag_uses(**options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


@pytest.fixture
def store(store_location: str) -> Iterator[CountingStore]:
    real = open_store(store_location)  # on each backend
    yield CountingStore(real)
    real.close()


def _cache(store: CountingStore, *, days: int = 180, blocked: tuple[str, ...] = ()) -> VocabularyCache:
    return VocabularyCache(store, days=days, blocked=blocked)  # type: ignore[arg-type]


def _uses(cache: VocabularyCache, *, now: datetime = NOW) -> list[TagUse]:
    vocabulary = cache(CHAT, now=now).vocabulary
    return vocabulary.uses() if vocabulary else []


def test_nothing_new_is_the_same_vocabulary_read_once(store: CountingStore) -> None:
    send(store.store, "a", ["EmmanuelMacron", "Ukraine"], at=NOW - timedelta(days=1))
    cache = _cache(store)
    first = cache(CHAT, now=NOW)
    assert cache(CHAT, now=NOW + timedelta(minutes=1)) is first
    assert store.full_reads == 1


def test_a_post_sent_after_the_read_counts_at_once_and_once_even_in_the_same_instant(
    store: CountingStore,
) -> None:
    send(store.store, "a", ["Ukraine"], at=NOW)
    cache = _cache(store)
    assert _uses(cache) == [TagUse("Ukraine", 1)]
    send(store.store, "b", ["Ukraine", "NATO"], at=NOW)  # a fixed clock: the read's very instant
    assert _uses(cache) == [TagUse("Ukraine", 2), TagUse("NATO", 1)]
    send(store.store, "c", ["NATO"], at=NOW + timedelta(minutes=1))
    assert _uses(cache, now=NOW + timedelta(minutes=1)) == [TagUse("NATO", 2), TagUse("Ukraine", 2)]
    assert store.full_reads == 1
    send(store.store, "elsewhere", ["Gaza"], at=NOW, chat="@other")
    assert "Gaza" not in {use.name for use in _uses(cache)}


def test_rules_set_anywhere_apply_to_the_next_call(store: CountingStore) -> None:
    send(store.store, "a", ["Ukraine", "Des"], at=NOW)
    cache = _cache(store)
    assert cache(CHAT, now=NOW).aliases == {}
    store.set_tag_rule(TagRule("UK", "GrandeBretagne"), now=NOW)  # as `hashbot vocab alias` would
    store.set_tag_rule(TagRule("Des", None), now=NOW)
    vocabulary = cache(CHAT, now=NOW)
    assert vocabulary.aliases == {"UK": "GrandeBretagne"} and vocabulary.blocklist == ("Des",)
    assert _uses(cache) == [TagUse("Ukraine", 1)]  # a blocked tag is no spelling to respell into
    store.remove_tag_rule("Des", blocked=True)
    assert _uses(cache) == [TagUse("Des", 1), TagUse("Ukraine", 1)]
    assert store.full_reads == 1


def test_the_settings_blocklist_keeps_a_tag_out(store: CountingStore) -> None:
    send(store.store, "a", ["Ukraine", "Des"], at=NOW)
    assert _uses(_cache(store, blocked=("#des",))) == [TagUse("Ukraine", 1)]


def test_the_history_is_read_again_after_refresh_and_old_tags_leave(store: CountingStore) -> None:
    send(store.store, "old", ["Old"], at=NOW - timedelta(days=2) + REFRESH / 2)
    cache = _cache(store, days=2)
    assert _uses(cache) == [TagUse("Old", 1)]
    later = NOW + REFRESH
    assert _uses(cache, now=later) == []
    assert store.full_reads == 2
    assert _uses(cache, now=NOW) == [TagUse("Old", 1)]  # a clock set back reads again too
    assert store.full_reads == 3


def test_no_days_or_no_chat_is_no_vocabulary_but_the_rules(store: CountingStore) -> None:
    send(store.store, "a", ["Ukraine"], at=NOW)
    store.set_tag_rule(TagRule("UK", "GrandeBretagne"), now=NOW)
    for vocabulary in (_cache(store, days=0)(CHAT, now=NOW), _cache(store)(None, now=NOW)):
        assert vocabulary.vocabulary is None and vocabulary.aliases == {"UK": "GrandeBretagne"}
    assert store.full_reads == 0


def _decided(store: Store, key: str, tags: list[str], *, at: datetime) -> int:
    """A post put to the admins, whose tags an admin chose at `at`: in the history, not yet sent."""
    post_id = store.enqueue(
        NewPost(Article(text=f"Text of {key}", title=key, id=key), chat=CHAT, keys=(key,)), now=at
    )
    assert post_id is not None and store.hold(post_id, now=at)
    assert store.edit_tags(post_id, tags, now=at)
    return post_id


def test_a_post_decided_before_the_read_and_sent_after_it_counts_once(store: CountingStore) -> None:
    post_id = _decided(store.store, "a", ["Ukraine", "NATO"], at=NOW - timedelta(hours=1))
    cache = _cache(store)
    assert _uses(cache) == [TagUse("NATO", 1), TagUse("Ukraine", 1)]
    later = NOW + timedelta(minutes=1)
    assert store.claim(post_id, now=later)
    assert store.mark_sent(post_id, now=later, message_id=7, tags=["Ukraine", "Gaza"])
    assert _uses(cache, now=later) == [TagUse("Gaza", 1), TagUse("Ukraine", 1)]
    assert store.full_reads == 1


def test_tags_decided_again_or_taken_away_after_the_read_count_as_they_now_are(store: CountingStore) -> None:
    first = _decided(store.store, "a", ["Ukraine", "NATO"], at=NOW - timedelta(hours=1))
    second = _decided(store.store, "b", ["Gaza"], at=NOW - timedelta(hours=1))
    cache = _cache(store)
    assert _uses(cache) == [TagUse("Gaza", 1), TagUse("NATO", 1), TagUse("Ukraine", 1)]
    assert store.edit_tags(first, ["Ukraine", "EU"], now=NOW)  # in the read's very instant
    assert store.edit_tags(second, [], now=NOW + timedelta(minutes=1))
    assert _uses(cache, now=NOW + timedelta(minutes=2)) == [TagUse("EU", 1), TagUse("Ukraine", 1)]
    assert store.full_reads == 1
    refreshed = _uses(_cache(store), now=NOW + timedelta(minutes=2))  # what a full read says
    assert refreshed == [TagUse("EU", 1), TagUse("Ukraine", 1)]
