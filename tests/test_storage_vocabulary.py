"""The store's part of the channel vocabulary: tag history, admins' rules, reactions, statistics,
and migrating a database made before them."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from auxil.history import send

from bot.models import Article, TagUse
from bot.storage import (
    MessageReactions,
    NewFeed,
    NewPost,
    PostEvent,
    Store,
    TagReactions,
    TagRule,
    open_store,
)
from bot.storage.sqlite import MIGRATIONS

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
VOCABULARY_MIGRATION = 7
REACTIONS_ON_TAGS_MIGRATION = 16


def _sent(
    store: Store,
    key: str,
    tags: list[str],
    *,
    at: datetime = NOW,
    chat: str = "@news",
    feed: int | None = None,
) -> int:
    return send(store, key, tags, at=at, chat=chat, feed=feed, message_id=None)


def test_tag_uses_count_posts_per_key_in_the_latest_spelling(store: Store) -> None:
    _sent(store, "a", ["Nato", "Ukraine"], at=NOW - timedelta(days=2))
    _sent(store, "b", ["NATO", "Ukraine"], at=NOW - timedelta(days=1))
    _sent(store, "c", ["Ukraine"], at=NOW)
    _sent(store, "d", ["Gaza"], chat="@other")
    assert store.tag_uses(chat="@news") == [TagUse("Ukraine", 3), TagUse("NATO", 2)]
    assert store.tag_uses(chat="@news", since=NOW - timedelta(hours=36)) == [
        TagUse("Ukraine", 2),
        TagUse("NATO", 1),
    ]
    assert store.tag_uses(prefix="#uk") == [TagUse("Ukraine", 3)]
    assert [use.name for use in store.tag_uses()] == ["Ukraine", "NATO", "Gaza"]


def test_a_post_decided_then_sent_counts_once_with_the_tags_it_went_out_with(store: Store) -> None:
    post_id = store.enqueue(NewPost(Article(text="x"), chat="@news", keys=("x",)), now=NOW)
    assert post_id is not None and store.hold(post_id, now=NOW)
    assert store.edit_tags(post_id, ["Brexit", "UK"], now=NOW)
    assert store.tag_uses(sent_only=True) == []
    assert {use.name for use in store.tag_uses()} == {"Brexit", "UK"}
    assert store.claim(post_id, now=NOW)
    assert store.mark_sent(post_id, now=NOW, message_id=7, tags=["UK", "#uk"])
    assert store.tag_uses() == [TagUse("UK", 1)]
    assert store.tag_uses(sent_only=True) == [TagUse("UK", 1)]


def test_unsettled_posts_are_those_whose_tags_a_send_or_a_decision_may_still_rewrite(store: Store) -> None:
    def decided(key: str, tags: list[str], *, at: datetime) -> int:
        post_id = store.enqueue(NewPost(Article(text=key), chat="@news", keys=(key,)), now=at)
        assert post_id is not None and store.hold(post_id, now=at) and store.edit_tags(post_id, tags, now=at)
        return post_id

    old = decided("old", ["Brexit"], at=NOW - timedelta(days=3))
    waiting = decided("waiting", ["UK", "EU"], at=NOW - timedelta(hours=1))
    skipped = decided("skipped", ["Gaza"], at=NOW - timedelta(hours=1))
    assert store.decide(skipped, PostEvent.SKIP, now=NOW)
    _sent(store, "sent", ["NATO"], at=NOW - timedelta(hours=1))
    since = NOW - timedelta(days=1)
    assert store.unsettled_posts(chat="@news", since=since) == [waiting]
    assert store.unsettled_posts(chat="@other", since=since) == []
    _sent(store, "new", ["Ukraine"], at=NOW)
    assert store.tags_since(chat="@news", since=NOW) == ["Ukraine"]
    assert store.tags_since(chat="@news", since=NOW, posts=[old, waiting], window=since) == [
        "EU",
        "UK",
        "Ukraine",
    ]


def test_a_refused_event_records_no_tags(store: Store) -> None:
    post_id = store.enqueue(NewPost(Article(text="x"), chat="@news", keys=("x",)), now=NOW)
    assert post_id is not None
    assert not store.mark_sent(post_id, now=NOW, message_id=7, tags=["UK"])  # never claimed
    assert not store.edit_tags(post_id, ["UK"], now=NOW)  # not awaiting approval
    assert store.tag_uses() == []


def test_an_uncertain_post_marked_sent_enters_the_tag_history_as_a_sent_post(store: Store) -> None:
    post_id = store.enqueue(NewPost(Article(text="x"), chat="@news", keys=("x",)), now=NOW)
    assert post_id is not None and store.claim(post_id, now=NOW)
    assert store.mark_uncertain(post_id, now=NOW, error="the answer was lost")
    later = NOW + timedelta(hours=1)
    assert store.decide(
        post_id, PostEvent.CONFIRM_SENT, now=later, note="marked sent by Ada", tags=["UK", "NATO"]
    )
    assert store.tag_uses(sent_only=True) == [TagUse("NATO", 1), TagUse("UK", 1)]
    assert store.tags_since(chat="@news", since=NOW) == ["NATO", "UK"]
    # A second decision is refused and writes nothing.
    assert not store.decide(post_id, PostEvent.CONFIRM_SENT, now=later, tags=["Gaza"])
    assert {use.name for use in store.tag_uses()} == {"NATO", "UK"}


def test_rules_replace_each_other_by_tag_and_are_removed_by_kind(store: Store) -> None:
    store.set_tag_rule(TagRule("UK", "GrandeBretagne", author="1001"), now=NOW)
    store.set_tag_rule(TagRule("Des"), now=NOW)
    assert store.tag_rules() == [TagRule("UK", "GrandeBretagne", "1001"), TagRule("Des")]
    assert store.remove_tag_rule("uk", blocked=True) is None
    assert store.remove_tag_rule("#uk", blocked=False) == TagRule("UK", "GrandeBretagne", "1001")
    store.set_tag_rule(TagRule("des", "Desde"), now=NOW)  # the block on #Des becomes an alias
    assert store.tag_rules() == [TagRule("des", "Desde")]


def test_reactions_find_their_post_by_chat_id_or_username_and_the_latest_count_wins(store: Store) -> None:
    post_id = _sent(store, "a", ["Ukraine"])
    reactions = MessageReactions(-100123, post_id, {"👍": 3}, NOW, chat_username="news")
    assert store.record_reactions(reactions) == post_id
    later = MessageReactions(-100123, post_id, {"👍": 4, "🔥": 2}, NOW, chat_username="news")
    assert store.record_reactions(later) == post_id
    assert store.record_reactions(MessageReactions(-100123, 999, {"👍": 1}, NOW)) is None
    _sent(store, "b", ["Ukraine"])
    _sent(store, "c", ["Ukraine", "Gaza"])
    counts = store.published_counts(bounds=(NOW - timedelta(days=1), NOW + timedelta(days=1)))
    assert (counts.reacted_posts, counts.reactions_total) == (1, 6)
    # Reactions per post over all the tag's posts; a tag on too few posts ranks nowhere.
    assert counts.reactions == (TagReactions("Ukraine", 3, 6),)
    assert counts.reactions[0].per_post == 2.0


def test_published_counts_per_interval_feed_and_tag(store: Store) -> None:
    feed = store.add_feed(NewFeed(url="https://example.org/feed.xml", name="Example"), now=NOW)
    _sent(store, "a", ["Ukraine", "NATO"], at=NOW + timedelta(minutes=7), feed=feed.id)
    _sent(store, "b", ["Ukraine"], at=NOW + timedelta(minutes=14), feed=feed.id)
    _sent(store, "c", ["Gaza"], at=NOW + timedelta(minutes=50))
    _sent(store, "old", ["Old"], at=NOW - timedelta(days=40))
    _sent(store, "later", ["Later"], at=NOW + timedelta(hours=1))  # the end bound is not in it
    bounds = (NOW, NOW + timedelta(minutes=14), NOW + timedelta(minutes=30), NOW + timedelta(hours=1))
    counts = store.published_counts(bounds=bounds)
    assert counts.sent == ((bounds[0], 1), (bounds[1], 1), (bounds[2], 1))  # each from its start on
    assert counts.posts == 3
    assert counts.feeds == (("Example", 2), (None, 1))
    assert counts.tags == (TagUse("Ukraine", 2), TagUse("Gaza", 1), TagUse("NATO", 1))
    assert store.published_counts(bounds=bounds, chat="@elsewhere").posts == 0
    assert store.published_counts(bounds=bounds, chat="@news").tags == counts.tags


def test_the_figures_name_each_tag_by_its_latest_spelling_in_the_window_across_chats(store: Store) -> None:
    _sent(store, "a", ["Nato"], at=NOW - timedelta(hours=3), chat="@other")
    _sent(store, "b", ["NATO"], at=NOW - timedelta(hours=2))
    _sent(store, "c", ["OTAN"], at=NOW - timedelta(days=9))  # another key: not in the window
    _sent(store, "d", ["nato"], at=NOW + timedelta(days=9))  # after the window: not its spelling
    window = (NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert store.published_counts(bounds=window).tags == (TagUse("NATO", 2),)
    assert store.published_counts(bounds=window, chat="@other").tags == (TagUse("Nato", 1),)
    _sent(store, "e", ["NaTo"], at=NOW - timedelta(hours=1), chat="@other")
    assert store.published_counts(bounds=window).tags == (TagUse("NaTo", 3),)


def test_the_top_tags_are_cut_at_top_by_posts_and_by_reactions_per_post(store: Store) -> None:
    for number in range(4):
        post_id = _sent(store, f"p{number}", ["Ukraine", "Gaza", f"Once{number}"])
        store.record_reactions(MessageReactions(-100123, post_id, {"👍": number}, NOW, chat_username="news"))
    _sent(store, "q", ["Gaza"], chat="@other")  # another chat: summed with @news across chats
    counts = store.published_counts(bounds=(NOW - timedelta(days=1), NOW + timedelta(days=1)), top=2)
    assert counts.tags == (TagUse("Gaza", 5), TagUse("Ukraine", 4))
    # 6 reactions: on 4 posts of #Ukraine, on 5 of #Gaza; each #OnceN is on too few posts to rank.
    assert counts.reactions == (TagReactions("Ukraine", 4, 6), TagReactions("Gaza", 5, 6))


def test_history_and_rules_survive_reopening(store_location: str) -> None:
    path = store_location
    with closing(open_store(path)) as store:
        _sent(store, "a", ["EmmanuelMacron"])
        store.set_tag_rule(TagRule("UK", "GrandeBretagne"), now=NOW)
    with closing(open_store(path)) as store:
        assert store.tag_uses(chat="@news") == [TagUse("EmmanuelMacron", 1)]
        assert store.tag_rules() == [TagRule("UK", "GrandeBretagne")]


def test_a_database_from_before_the_vocabulary_is_migrated_keeping_its_posts(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        for number, script in enumerate(MIGRATIONS[: VOCABULARY_MIGRATION - 1], start=1):
            db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        db.execute(
            "INSERT INTO posts (chat, article, state, created, sent, message_id)"
            " VALUES ('@news', '{\"text\": \"old\"}', 'sent', ?, ?, 7)",
            (NOW.isoformat(), NOW.isoformat()),
        )
    with closing(open_store(path)) as store:
        [post] = store.posts()
        assert post.article.text == "old"
        assert store.tag_uses() == []
        assert store.published_counts(bounds=(NOW - timedelta(days=1), NOW + timedelta(days=1))).posts == 1
        reactions = MessageReactions(-1, 7, {"👍": 1}, NOW, chat_username="news")
        assert store.record_reactions(reactions) == post.id


def test_reactions_recorded_before_migration_16_count_by_tag_after_it(tmp_path: Path) -> None:
    path = tmp_path / "v15.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        for number, script in enumerate(MIGRATIONS[: REACTIONS_ON_TAGS_MIGRATION - 1], start=1):
            db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        for post_id in (1, 2, 3):  # three posts tagged #Ukraine, the first with 9 reactions
            db.execute(
                "INSERT INTO posts (id, chat, article, state, created, sent, message_id)"
                " VALUES (?, '@news', '{\"text\": \"x\"}', 'sent', ?, ?, ?)",
                (post_id, NOW.isoformat(), NOW.isoformat(), post_id),
            )
            db.execute(
                "INSERT INTO tag_history (post_id, chat, tag, key, at, event)"
                " VALUES (?, '@news', 'Ukraine', 'ukraine', ?, 'sent')",
                (post_id, NOW.isoformat()),
            )
        db.execute(
            "INSERT INTO reactions (chat, message_id, post_id, total, counts, updated)"
            " VALUES ('-100123', 1, 1, 9, '{}', ?)",
            (NOW.isoformat(),),
        )
    with closing(open_store(path)) as store:
        counts = store.published_counts(bounds=(NOW - timedelta(days=1), NOW + timedelta(days=1)))
    assert counts.reactions == (TagReactions("Ukraine", 3, 9),)
