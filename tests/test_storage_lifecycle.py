"""The post lifecycle: the table as documented, every allowed and every refused transition applied to
a real store, what each event changes (planned by a pure function), and the explicit post kind."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from auxil.lifecycle import move_to, path_to

from bot.errors import StoreError
from bot.models import Article
from bot.storage import (
    DECISIONS,
    TRANSITIONS,
    NewPost,
    PostEvent,
    PostKind,
    PostState,
    QueuedPost,
    Store,
    lifecycle,
    open_store,
)
from bot.storage.sqlite import MIGRATIONS

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)

#: The lifecycle as the issue and the docs state it, written out by hand: the table must say this.
EXPECTED = {
    ("hold", "queued"): "awaiting",
    ("claim", "queued"): "sending",
    ("claim", "awaiting"): "sending",
    ("mark_sent", "sending"): "sent",
    ("mark_previewed", "sending"): "skipped",
    ("preview", "queued"): "queued",
    ("requeue", "sending"): "queued",
    ("mark_uncertain", "sending"): "uncertain",
    ("mark_failed", "sending"): "failed",
    ("reject", "queued"): "failed",
    ("reject", "awaiting"): "failed",
    ("edit_tags", "awaiting"): "awaiting",
    ("approve", "awaiting"): "queued",
    ("skip", "awaiting"): "skipped",
    ("cancel", "queued"): "skipped",
    ("cancel", "awaiting"): "skipped",
    ("resend", "uncertain"): "queued",
    ("confirm_sent", "uncertain"): "sent",
    ("schedule", "awaiting"): "queued",
}
ALLOWED = [(PostEvent(event), PostState(state)) for event, state in EXPECTED]
REFUSED = [
    (event, state) for event in PostEvent for state in PostState if (event.value, state.value) not in EXPECTED
]


def _queue(store: Store, key: str = "a") -> int:
    article = Article(text=f"Text of {key}", title=key, url=f"https://example.org/{key}")
    post_id = store.enqueue(NewPost(article=article, chat="@news", keys=(f"l:{key}",)), now=NOW)
    assert post_id is not None
    return post_id


def _queued(**fields: object) -> QueuedPost:
    return replace(
        QueuedPost(id=1, article=Article(text="x"), chat="@news", state=PostState.QUEUED, created=NOW),
        **fields,
    )  # type: ignore[arg-type]


def test_the_table_is_the_documented_lifecycle() -> None:
    table = {
        (event.value, source.value): target.value
        for event, moves in TRANSITIONS.items()
        for source, target in moves.items()
    }
    assert table == EXPECTED
    assert set(TRANSITIONS) == set(PostEvent)


def test_the_module_docstring_draws_exactly_the_table() -> None:
    drawn: dict[tuple[str, str], str] = {}
    for sources, event, target in re.findall(r"([a-z |]+?) ──(\w+)──▶ (\w+)", lifecycle.__doc__ or ""):
        for source in sources.split("|"):
            drawn[(event, source.strip())] = target
    assert drawn == EXPECTED


def test_every_state_is_reachable_from_queued() -> None:
    for state in PostState:
        assert path_to(state) or state is PostState.QUEUED


def test_every_post_state_is_allowed_by_the_schema(store: Store) -> None:
    for state in PostState:
        post_id = _queue(store, state.value)
        move_to(store, post_id, state, now=NOW)
        assert store.post(post_id).state is state  # type: ignore[union-attr]


@pytest.mark.parametrize(("event", "source"), ALLOWED, ids=lambda value: str(value))
def test_an_allowed_transition_moves_the_post(store: Store, event: PostEvent, source: PostState) -> None:
    post_id = _queue(store)
    move_to(store, post_id, source, now=NOW)
    assert store.transition(
        post_id, event, now=LATER, message_id=9, note="why", tags=("Tag",), scheduled=LATER
    )
    assert store.post(post_id).state.value == EXPECTED[(event.value, source.value)]  # type: ignore[union-attr]


@pytest.mark.parametrize(("event", "source"), REFUSED, ids=lambda value: str(value))
def test_a_refused_transition_changes_nothing(store: Store, event: PostEvent, source: PostState) -> None:
    post_id = _queue(store)
    move_to(store, post_id, source, now=NOW, note="as it was")
    before = store.post(post_id)
    assert not store.transition(
        post_id, event, now=LATER, message_id=9, note="why", tags=("Tag",), scheduled=LATER
    )
    assert store.post(post_id) == before


def test_an_event_on_a_missing_post_is_an_error(store: Store) -> None:
    for post_id in (99, 10**30):  # an admin may type any number; sqlite3 cannot hold this one
        with pytest.raises(StoreError, match=f"post {post_id} does not exist"):
            store.claim(post_id, now=NOW)


def test_of_two_racing_decisions_one_wins(store: Store) -> None:
    post_id = _queue(store)
    assert store.hold(post_id, now=NOW)
    assert store.decide(post_id, PostEvent.APPROVE, now=NOW)
    assert not store.decide(post_id, PostEvent.SKIP, now=NOW, note="skipped by Bea")
    assert store.post(post_id).state is PostState.QUEUED  # type: ignore[union-attr]


def test_decide_takes_only_the_admins_decisions(store: Store) -> None:
    post_id = _queue(store)
    assert {
        PostEvent.APPROVE,
        PostEvent.SKIP,
        PostEvent.CANCEL,
        PostEvent.RESEND,
        PostEvent.CONFIRM_SENT,
    } == DECISIONS
    with pytest.raises(ValueError, match="not an admin's decision"):
        store.decide(post_id, PostEvent.CLAIM, now=NOW)
    assert store.post(post_id).state is PostState.QUEUED  # type: ignore[union-attr]


# What each event changes, planned by the pure function


def test_claim_counts_an_attempt_and_clears_the_last_error() -> None:
    claimed = lifecycle.plan(_queued(attempts=2, last_error="timeout"), PostEvent.CLAIM, now=NOW)
    assert claimed is not None
    assert (claimed.state, claimed.attempts, claimed.last_error, claimed.approved) == (
        PostState.SENDING,
        3,
        None,
        False,
    )


def test_claiming_a_post_awaiting_approval_approves_it() -> None:
    claimed = lifecycle.plan(_queued(state=PostState.AWAITING), PostEvent.CLAIM, now=NOW)
    assert claimed is not None and claimed.approved


def test_mark_sent_stamps_the_time_and_the_message() -> None:
    sent = lifecycle.plan(_queued(state=PostState.SENDING), PostEvent.MARK_SENT, now=LATER, message_id=77)
    assert sent is not None and (sent.state, sent.sent, sent.message_id) == (PostState.SENT, LATER, 77)
    kept = lifecycle.plan(_queued(state=PostState.UNCERTAIN, message_id=5), PostEvent.CONFIRM_SENT, now=LATER)
    assert kept is not None and (kept.sent, kept.message_id) == (LATER, 5)


def test_resend_makes_the_post_due_now_without_pretending_it_was_scheduled() -> None:
    resent = lifecycle.plan(_queued(state=PostState.UNCERTAIN), PostEvent.RESEND, now=LATER)
    assert resent is not None
    assert (resent.state, resent.scheduled, resent.resend_requested, resent.due) == (
        PostState.QUEUED,
        None,
        LATER,
        LATER,
    )
    assert resent.kind is PostKind.FEED and resent.approved  # the admin who resent it let it go


def test_approval_sticks_through_later_moves() -> None:
    post = lifecycle.plan(_queued(state=PostState.AWAITING), PostEvent.APPROVE, now=NOW)
    for event in (PostEvent.CLAIM, PostEvent.REQUEUE):
        assert post is not None
        post = lifecycle.plan(post, event, now=NOW, note="timeout")
    assert post is not None and post.approved and post.last_error == "timeout"


def test_edit_tags_changes_the_tags_only() -> None:
    awaiting = _queued(state=PostState.AWAITING, tags=("Local",), last_error="kept")
    edited = lifecycle.plan(awaiting, PostEvent.EDIT_TAGS, now=NOW, tags=["Ukraine"], note="ignored")
    assert edited == replace(awaiting, tags=("Ukraine",), tags_edited=True)
    with pytest.raises(ValueError, match="needs the new tags"):
        lifecycle.plan(awaiting, PostEvent.EDIT_TAGS, now=NOW)


def test_a_refused_event_plans_nothing() -> None:
    assert lifecycle.plan(_queued(state=PostState.SENT), PostEvent.CLAIM, now=NOW) is None
    assert not lifecycle.allowed(PostEvent.CLAIM, PostState.SENT)
    assert lifecycle.allowed(PostEvent.CLAIM, PostState.QUEUED)


# The post's kind


def test_a_post_keeps_its_kind(store: Store) -> None:
    when = NOW + timedelta(hours=3)
    for kind in PostKind:
        article = Article(text=f"A {kind} post")
        scheduled = when if kind is PostKind.ONE_OFF else None
        articles = (article, Article(text="Another")) if kind is PostKind.DIGEST else ()
        post_id = store.enqueue(
            NewPost(
                article=article,
                chat="@news",
                keys=(kind.value,),
                kind=kind,
                scheduled=scheduled,
                articles=articles,
            ),
            now=NOW,
        )
        assert post_id is not None
        post = store.post(post_id)
        assert post is not None and (post.kind, post.scheduled, post.due) == (kind, scheduled, scheduled)
        assert post.articles == articles


def test_only_a_one_off_post_has_a_time() -> None:
    article = Article(text="x")
    with pytest.raises(ValueError, match="one-off post needs its time"):
        NewPost(article=article, chat="@news", keys=(), kind=PostKind.ONE_OFF)
    with pytest.raises(ValueError, match="only a one-off post has one"):
        NewPost(article=article, chat="@news", keys=(), scheduled=NOW)


def test_which_kinds_wait_for_approval() -> None:
    assert {kind for kind in PostKind if kind.awaits_approval} == {PostKind.FEED, PostKind.DIGEST}


def test_a_version_4_database_learns_each_posts_kind(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        for number, script in enumerate(MIGRATIONS[:4], start=1):
            db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        for n, scheduled in ((1, None), (2, NOW.isoformat())):
            db.execute(
                "INSERT INTO posts (chat, article, created, scheduled) VALUES ('@news', ?, ?, ?)",
                (f'{{"text": "story {n}"}}', NOW.isoformat(), scheduled),
            )
    with closing(open_store(path)) as store:  # type: ignore[type-var]
        assert [(post.id, post.kind, post.resend_requested) for post in store.posts()] == [
            (1, PostKind.FEED, None),
            (2, PostKind.ONE_OFF, None),
        ]
    with closing(sqlite3.connect(path)) as db, pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE posts SET kind = 'rumour' WHERE id = 1")


def test_the_architecture_doc_shows_exactly_the_table() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    shown: dict[tuple[str, str], str] = {}
    for event, sources, target in re.findall(r"^\| `(\w+)` \| ([a-z, ]+) \| (\w+) \|", doc, flags=re.M):
        for source in sources.split(","):
            shown[(event, source.strip())] = target
    assert shown == EXPECTED


def test_schedule_makes_an_awaiting_post_a_one_off_at_its_time_approved() -> None:
    awaiting = _queued(state=PostState.AWAITING, kind=PostKind.MANUAL)
    scheduled = lifecycle.plan(awaiting, PostEvent.SCHEDULE, now=NOW, scheduled=LATER, note="by Ada")
    assert scheduled == replace(
        awaiting,
        state=PostState.QUEUED,
        kind=PostKind.ONE_OFF,
        scheduled=LATER,
        approved=True,
        last_error="by Ada",
    )
    assert scheduled.due == LATER
    with pytest.raises(ValueError, match="needs the post's time"):
        lifecycle.plan(awaiting, PostEvent.SCHEDULE, now=NOW)


def test_a_dry_run_turned_on_anew_shows_again_what_an_earlier_one_showed(store: Store) -> None:
    first, second = _queue(store, "a"), _queue(store, "b")
    store.set_dry_run("turned on by Ada")
    assert store.preview(first, now=NOW) and store.preview(second, now=NOW)
    store.set_dry_run("turned on by Bea")  # still on (a restart says it again): nothing forgotten
    assert [post.previewed for post in store.posts()] == [NOW, NOW]
    store.set_dry_run(None)
    store.set_dry_run("turned on by Ada")
    assert [post.previewed for post in store.posts()] == [None, None]
