from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ingest.links import content_hash, dedup_keys, item_key, normalize_link
from bot.models import Article

CANONICAL = "https://example.org/news/2026/storm?id=7"


@pytest.mark.parametrize(
    "variant",
    [
        "https://example.org/news/2026/storm?id=7",
        "HTTPS://Example.ORG/news/2026/storm?id=7",
        "http://example.org/news/2026/storm?id=7",
        "https://example.org:443/news/2026/storm/?id=7",
        "https://example.org/news/2026/storm?utm_source=rss&id=7&utm_medium=feed",
        "https://example.org/news/2026/storm?id=7&fbclid=IwAR0abc&gclid=xyz#comments",
        "https://example.org./news/2026/storm?id=7",
    ],
)
def test_variants_of_a_link_normalize_to_one_key(variant: str) -> None:
    assert normalize_link(variant) == CANONICAL


@pytest.mark.parametrize(
    "different",
    [
        "https://example.org/news/2026/Storm?id=7",  # paths are case-sensitive
        "https://example.org/news/2026/storm?id=8",
        "https://example.org:8443/news/2026/storm?id=7",
        "https://www.example.org/news/2026/storm?id=7",
    ],
)
def test_links_to_other_pages_stay_different(different: str) -> None:
    assert normalize_link(different) != CANONICAL


def test_malformed_link_does_not_raise() -> None:
    assert normalize_link(" http://[::1 ") == "http://[::1"


@given(st.text(max_size=80) | st.from_regex(r"\Ahttps?://[a-z.]{1,12}(:\d{1,5})?/[ -~]{0,30}\Z"))
def test_normalize_is_idempotent(url: str) -> None:
    once = normalize_link(url)
    assert normalize_link(once) == once


def test_content_hash_ignores_case_and_spacing_only() -> None:
    a = Article(title="Storm hits coast", text="Winds  of 120 km/h.\n")
    b = Article(title="STORM HITS COAST", text="Winds of 120 km/h.")
    c = Article(title="Storm hits coast", text="Winds of 130 km/h.")
    assert content_hash(a) == content_hash(b) != content_hash(c)


def test_item_key_prefers_guid_then_link_then_content() -> None:
    assert item_key(Article(text="x", id="tag:example.org,2026:1", url="https://e.org/a")) == (
        "g:tag:example.org,2026:1"
    )
    assert item_key(Article(text="x", url="http://E.org/a/?utm_source=x")) == "l:https://e.org/a"
    assert item_key(Article(text="x")).startswith("h:")


def test_dedup_keys_hold_link_and_content() -> None:
    keys = dedup_keys(Article(text="x", url="https://e.org/a"))
    assert keys[0] == "l:https://e.org/a" and keys[1].startswith("h:")
    assert len(dedup_keys(Article(text="x"))) == 1
