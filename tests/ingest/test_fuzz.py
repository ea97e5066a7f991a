"""Fuzzing every loader: JSON values, XML trees and byte strings from Hypothesis.

Whatever the input, a loader gives articles or a :class:`~bot.errors.HashbotError` that names its
source, never another exception (the loaders are called below the CLI's containment, so a bug
would show here as itself, not as an UnexpectedError); an article holds no character that cannot
be written and no link but http(s). The poller is fuzzed through the local HTTP server.

The suite runs a few examples of each; a long run by hand::

    FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/ingest/test_fuzz.py -q
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from auxil.feedserver import FeedServer, Route
from auxil.fetching import with_fetcher
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.clock import utcnow
from bot.errors import HashbotError, UnexpectedError
from bot.ingest.discovery import discover_feeds
from bot.ingest.feeds import parse_feed
from bot.ingest.local import SUFFIXES, parse_bytes
from bot.ingest.opml import parse_opml
from bot.ingest.poller import Outcome, Poller
from bot.models import Article
from bot.storage import NewFeed, open_store

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOURCE = "fuzzed-source"

#: Field names the loaders read, so the fuzzer reaches their checks and not only unknown keys.
FIELDS = (
    *("title", "text", "url", "lang", "image", "tags", "published", "author", "summary", "categories"),
    *("id", "version", "items", "content_html", "content_text", "authors", "attachments", "mime_type"),
    *("name", "language", "date_published", "external_url", "banner_image", "home_page_url"),
)
TEXT = st.lists(
    st.text(max_size=8) | st.sampled_from(["&#xD800;", "&#99999999;", "<b>", "&amp;", "\ud800"]), max_size=5
).map("".join)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=5), inner, max_size=6)
    ),
    max_leaves=25,
)
JSON_FEEDS = st.fixed_dictionaries(
    {"version": st.just("https://jsonfeed.org/version/1.1"), "items": st.lists(JSON_VALUES, max_size=4)},
    optional={"title": JSON_VALUES, "language": JSON_VALUES},
)
TAGS = st.sampled_from(
    [
        "rss",
        "channel",
        "item",
        "title",
        "link",
        "description",
        "guid",
        "pubDate",
        "category",
        "enclosure",
        "feed",
        "entry",
        "content",
        "summary",
        "author",
        "name",
        "url",
        "outline",
        "opml",
        "body",
        "head",
        "media:content",
        "media:thumbnail",
        "img",
        "p",
        "a",
    ]
)
ATTRIBUTES = st.dictionaries(
    st.sampled_from(["href", "url", "type", "src", "rel", "xmlUrl", "version", "medium", "term", "lang"]),
    TEXT,
    max_size=3,
)


@st.composite
def xml_trees(draw: st.DrawFn, depth: int = 0) -> str:
    """An XML element of feed and OPML vocabulary, its text holding entities and odd characters."""
    tag = draw(TAGS)
    attributes = "".join(f" {name}={quoteattr(value)}" for name, value in draw(ATTRIBUTES).items())
    children = draw(st.lists(xml_trees(depth + 1), max_size=3)) if depth < 4 else []
    text = draw(TEXT)
    raw = draw(st.sampled_from(["", "&#x110000;", "&#0;", "<![CDATA[<p>x &#xDFFF;</p>]]>", "&nbsp;"]))
    return f"<{tag}{attributes}>{escape(text)}{raw}{''.join(children)}</{tag}>"


BYTES = st.binary(max_size=600) | st.builds(
    lambda head, tail: head + tail,
    st.sampled_from([b"<?xml version='1.0'?><rss version='2.0'><channel><item>", b"{", b"---\n", b"<html>"]),
    st.binary(max_size=300),
)


def check(loaded: Iterable[Article | HashbotError]) -> None:
    """The property: articles that can be written out, or errors that name the source."""
    for item in loaded:
        if isinstance(item, HashbotError):
            assert not isinstance(item, UnexpectedError), item
            assert str(item).startswith(SOURCE), item
            continue
        assert isinstance(item, Article)
        for value in (item.text, item.title, item.summary, item.author, *item.categories, *item.source_tags):
            (value or "").encode("utf-8")
        assert item.url is None or item.url.lower().startswith(("http://", "https://"))
        assert item.image is None or item.image.lower().startswith(("http://", "https://"))


def _feed(body: bytes, content_type: str = "") -> list[Article | HashbotError]:
    try:
        return list(
            parse_feed(body, url="https://feeds.example/f", content_type=content_type, source=SOURCE).items
        )
    except HashbotError as error:
        return [error]


@FUZZ
@given(value=JSON_VALUES)
def test_json_values_into_the_json_loaders(value: object) -> None:
    text = json.dumps(value)
    check(parse_bytes(text.encode(), suffix=".json", source=SOURCE))
    check(parse_bytes(text.encode() + b"\n" + text.encode(), suffix=".jsonl", source=SOURCE))
    check(parse_bytes(f"---\n{text}\n---\n# T\n\nBody.".encode(), suffix=".md", source=SOURCE))


@FUZZ
@given(document=JSON_FEEDS)
def test_json_feeds(document: dict[str, object]) -> None:
    check(_feed(json.dumps(document).encode(), "application/feed+json"))
    check(parse_bytes(json.dumps(document).encode(), suffix=".json", source=SOURCE))


#: Trees the harness found crashing the feed loader, kept so they are tried on every run: an
#: element nested in <title> gives feedparser's entry a None title; feedparser's loose parser
#: itself raised KeyError('tags') on the other.
FOUND_TREES = (
    "<entry><rss></rss><title><rss></rss><content></content></title></entry>",
    (Path(__file__).parent / "fixtures" / "fuzz_feedparser_crash.xml").read_text(encoding="utf-8"),
)


@FUZZ
@given(tree=xml_trees())
@example(tree=FOUND_TREES[0])
@example(tree=FOUND_TREES[1])
def test_xml_trees_into_the_feed_and_opml_loaders(tree: str) -> None:
    body = f"<?xml version='1.0' encoding='utf-8'?>{tree}".encode("utf-8", "surrogatepass")
    check(_feed(body))
    try:
        parse_opml(body, source=SOURCE)
    except HashbotError as error:
        check([error])
    discover_feeds(body, base_url="https://site.example/")


@FUZZ
@given(body=BYTES, suffix=st.sampled_from(SUFFIXES))
def test_byte_strings_into_every_local_format(body: bytes, suffix: str) -> None:
    check(parse_bytes(body, suffix=suffix, source=SOURCE))
    check(_feed(body))


def test_the_poller_through_the_local_server(tmp_path: Path) -> None:
    with FeedServer() as server, closing(open_store(tmp_path / "hashbot.sqlite3")) as store:
        feed = store.add_feed(NewFeed(url=server.url("/feed"), name=SOURCE), now=utcnow())

        @FUZZ
        @given(
            body=BYTES
            | xml_trees().map(lambda tree: tree.encode("utf-8", "surrogatepass"))
            | JSON_FEEDS.map(lambda d: json.dumps(d).encode()),
            content_type=st.sampled_from(["application/rss+xml", "application/feed+json", "text/html", ""]),
        )
        def poll_once(body: bytes, content_type: str) -> None:
            server.routes["/feed"] = Route(body=body, content_type=content_type)
            current = store.feed(feed.id or 0)
            assert current is not None
            [result] = with_fetcher(lambda fetcher: Poller(store=store, fetcher=fetcher).poll_many([current]))
            assert not result.unexpected, result.error
            assert result.outcome in (Outcome.UPDATED, Outcome.FAILED, Outcome.DISABLED)

        poll_once()


@pytest.mark.parametrize("suffix", [".json", ".md", ".xml"])
def test_a_deep_document_of_each_kind_is_refused_not_crashed(suffix: str) -> None:
    deep = {".json": b"[" * 5000 + b"]" * 5000, ".md": b"---\na: " + b"{a: " * 5000 + b"\n---\nx"}
    body = deep.get(suffix, b"<rss>" + b"<item>" * 5000 + b"</item>" * 5000 + b"</rss>")
    check(parse_bytes(body, suffix=suffix, source=SOURCE))
