from __future__ import annotations

import pytest
from auxil.fetching import fixture

from bot.ingest.discovery import discover_feeds, looks_like_html


def test_alternate_links_are_found_in_page_order_and_made_absolute() -> None:
    found = discover_feeds(fixture("page_with_feed.html"), base_url="https://gazette.example/news/")
    assert found == ["https://gazette.example/rss.xml", "https://gazette.example/comments.atom"]


def test_base_href_and_json_feeds_and_odd_rel_values() -> None:
    page = b"""<html><head><base href="https://cdn.example/site/">
    <LINK REL="Alternate Home" TYPE="application/feed+json; charset=utf-8" HREF="feed.json">
    <link rel="alternate" type="text/html" href="/fr/">
    <link rel="stylesheet" type="application/rss+xml" href="/not-a-feed.xml"></head></html>"""
    assert discover_feeds(page, base_url="https://site.example/") == ["https://cdn.example/site/feed.json"]


def test_a_page_without_feeds_and_garbage_give_nothing() -> None:
    assert discover_feeds(b"<html><head><title>x</title></head></html>", base_url="https://e.org/") == []
    assert discover_feeds(b"\xff\xfe<<<<link rel=", base_url="https://e.org/") == []


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"<rss/>", "text/html; charset=utf-8", True),
        (b"\xef\xbb\xbf  <!DOCTYPE html><html>", "application/octet-stream", True),
        (b"<!-- generated --><html lang=en>", "", True),
        (b"<?xml version='1.0'?><rss/>", "text/xml", False),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "application/json", False),
    ],
)
def test_looks_like_html(body: bytes, content_type: str, expected: bool) -> None:
    assert looks_like_html(body, content_type) is expected
