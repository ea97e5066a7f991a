from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import SourceFormatError
from bot.ingest.opml import parse_opml, to_opml
from bot.storage import FeedMedia, NewFeed

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)

FEEDS = [
    NewFeed(url="https://gazette.example/rss.xml", name="Coastal Gazette"),
    NewFeed(url="https://nameless.example/feed"),
    NewFeed(
        url="https://alpes.example/atom.xml?lang=fr&x=1",
        name="Chronique des Alpes — « montagne »",
        chat="-1001234567890",
        topic=7,
        template="short.html.j2",
        interval=3600,
        tags=("Alpes", "Montagne"),
        include=("neige", r"/\bcol\b/"),
        exclude=("publicité",),
        lang="fr",
        fetch_pages=True,
        silent=True,
        media=FeedMedia.NONE,
        telegraph=True,
        edit_updates=True,
        digest_at=("08:00", "18:30"),
        mastodon=True,
        enabled=False,
    ),
]


def test_export_then_import_gives_the_same_feeds() -> None:
    document = to_opml(FEEDS, now=NOW)
    assert parse_opml(document.encode(), source="feeds.opml") == FEEDS


def test_export_is_opml_2_that_other_readers_understand() -> None:
    document = to_opml(FEEDS, now=NOW)
    assert document.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml ')
    assert (
        'version="2.0"' in document
        and "<dateCreated>Thu, 12 Mar 2026 09:00:00 +0000</dateCreated>" in document
    )
    assert '<outline type="rss" text="Coastal Gazette" xmlUrl="https://gazette.example/rss.xml"' in document
    assert 'category="Alpes,Montagne"' in document and 'language="fr"' in document


def test_import_from_another_reader_flattens_folders() -> None:
    document = b"""<?xml version="1.0"?>
    <opml version="1.0"><head><title>My subscriptions</title></head><body>
      <outline text="Tech">
        <outline type="rss" title="Lab Notes" xmlUrl="https://lab.example/rss" htmlUrl="https://lab.example/"/>
        <outline text="Not a feed" htmlUrl="https://example.org/"/>
      </outline>
      <outline type="rss" text="Sky" xmlUrl="https://sky.example/feed.json" category="/Science/Space"/>
    </body></opml>"""
    assert parse_opml(document, source="x.opml") == [
        NewFeed(url="https://lab.example/rss", name="Lab Notes"),
        NewFeed(url="https://sky.example/feed.json", name="Sky", tags=("Science/Space",)),
    ]


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (b"<opml><body>", "is not valid XML"),
        (b"<rss/>", "is not an OPML document"),
        (b"<opml version='2.0'><body><outline text='x'/></body></opml>", "lists no feeds"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><opml><body/></opml>',
            "has a DOCTYPE",
        ),
        (
            b"<opml xmlns:h='https://hashbot.invalid/opml/1'><body>"
            b"<outline xmlUrl='https://e.org/f' h:interval='soon'/></body></opml>",
            "outline https://e.org/f: 'soon' is not a whole number",
        ),
        (
            b"<opml xmlns:h='https://hashbot.invalid/opml/1'><body>"
            b"<outline xmlUrl='https://e.org/f' h:include='ukraine'/></body></opml>",
            "must be a JSON list of strings",
        ),
    ],
)
def test_bad_documents_are_refused_with_the_reason(document: bytes, problem: str) -> None:
    with pytest.raises(SourceFormatError) as caught:
        parse_opml(document, source="feeds.opml")
    assert str(caught.value).startswith("feeds.opml") and problem in str(caught.value)
