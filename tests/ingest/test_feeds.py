from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from auxil.fetching import fixture

from bot.errors import SourceFormatError
from bot.ingest.feeds import ParsedFeed, html_to_text, parse_feed


def _parse(name: str, content_type: str = "") -> ParsedFeed:
    return parse_feed(fixture(name), url=f"https://feeds.example/{name}", content_type=content_type)


def test_rss2_with_cdata_html_media_and_enclosures() -> None:
    feed = _parse("rss2_cdata.xml")
    assert (feed.title, feed.link) == ("Coastal Gazette", "https://gazette.example/")
    harbour, ferry, library = feed.items
    assert harbour.title == "Harbour wall repaired before winter storms"
    assert harbour.text == (
        "Engineers finished the harbour wall on Wednesday.\n\n"
        "The council says the work cost £2m & took six weeks."
    )
    assert "alert" not in harbour.text
    assert harbour.id == "gazette-2026-0312"
    assert harbour.published == datetime(2026, 3, 12, 8, 30, tzinfo=UTC)
    assert harbour.author == "Mira Okafor"
    assert harbour.categories == ("Infrastructure", "Weather")
    assert harbour.lang == "en"
    assert harbour.image == "https://gazette.example/img/harbour.jpg"  # media:content
    assert ferry.image == "https://gazette.example/img/ferry.png"  # enclosure
    assert ferry.text == "The island ferry will sail twice a day."  # escaped HTML
    assert library.image == "https://gazette.example/img/library.webp"  # <img> in the description
    assert library.published is None  # "the tenth of March, sometime"


def test_atom_with_xhtml_content_relative_links_and_language() -> None:
    galibier, avalanche = _parse("atom_xhtml.xml").items
    assert galibier.title == "Le col du Galibier rouvre"
    assert galibier.url == "https://feeds.example/2026/03/galibier"
    assert galibier.text.startswith("Le col du Galibier rouvre à la circulation")
    assert "\n\nLes services de l'État" in galibier.text
    assert galibier.lang == "fr" and galibier.author == "Élise Martin"
    assert galibier.published == datetime(2026, 3, 12, 8, 15, tzinfo=UTC)
    assert avalanche.text == "Météo-France place la Savoie en vigilance orange."


def test_rss1_rdf() -> None:
    [note] = _parse("rss1_rdf.xml").items
    assert note.url == "https://lab.example/notes/42"
    assert note.published == datetime(2026, 2, 28, 12, tzinfo=UTC)


def test_json_feed() -> None:
    feed = _parse("feed.json", "application/feed+json")
    comet, jupiter = feed.items
    assert feed.title == "Night Sky Weekly"
    assert (comet.id, comet.author, comet.image, comet.lang) == (
        "sky-118",
        "Ravi Shankar",
        "https://sky.example/img/comet.jpg",
        "en",
    )
    assert comet.summary == "Comet visible this week." and comet.categories == ("Astronomy", "Comets")
    assert comet.published == datetime(2026, 3, 10, 20, tzinfo=UTC)
    assert jupiter.id == "117" and jupiter.title is None and jupiter.published is None
    assert jupiter.image == "https://sky.example/img/jupiter.png"


def test_podcast_uses_the_episode_image_not_the_audio() -> None:
    [episode] = _parse("podcast.xml").items
    assert episode.image == "https://podcast.example/12.jpg"
    assert episode.text == "Forty minutes of birdsong recorded in the marsh at dawn."


@pytest.mark.parametrize(
    ("name", "title", "text"),
    [
        ("latin1.xml", "Fête de l'Escalade à Genève", "Les élèves défilent dans la vieille ville."),
        ("cp1251.xml", "Весна пришла в Киев", "В парках зацвели первые каштаны."),
        ("wrong_encoding.xml", "Fête de l'Escalade à Genève", "Les élèves défilent dans la vieille ville."),
    ],
)
def test_non_utf8_and_mislabelled_encodings(name: str, title: str, text: str) -> None:
    [item] = _parse(name, "text/xml").items
    assert (item.title, item.text) == (title, text)


def test_http_charset_header_is_honoured() -> None:
    body = "<rss version='2.0'><channel><title>t</title><item><title>Zürich</title></item></channel></rss>"
    [item] = parse_feed(
        body.encode("cp1252"), url="u", content_type="application/rss+xml; charset=windows-1252"
    ).items
    assert item.title == "Zürich"


@pytest.mark.parametrize(
    ("body", "content_type", "problem"),
    [
        (b"", "", "is empty"),
        (b"  \n ", "", "is empty"),
        (b"hello world", "text/plain", "is not an RSS or Atom feed (invalid XML: syntax error)"),
        (b"<notxml <<<>", "application/xml", "(invalid XML: not well-formed (invalid token))"),
        (
            b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>",
            "",
            "no items",
        ),
        (b'{"title": "x"}', "application/json", "is JSON but not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "", "without an 'items' list"),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}',
            "",
            "'items' is a number, not a list",
        ),
        (b"{broken", "application/feed+json", "is not valid JSON"),
    ],
)
def test_unusable_documents_get_a_readable_error(body: bytes, content_type: str, problem: str) -> None:
    with pytest.raises(SourceFormatError) as caught:
        parse_feed(body, url="https://feeds.example/x", content_type=content_type, source="My feed")
    assert str(caught.value).startswith("My feed: ")
    assert problem in caught.value.problem


def test_html_to_text_keeps_paragraphs_and_drops_scripts() -> None:
    text, image = html_to_text(
        "<div><p>One &amp; two</p><script>x()</script><br>three <img src='a.png'></div>"
    )
    assert text == "One & two\n\nthree" and image == "a.png"


def test_a_json_feed_field_of_the_wrong_type_is_ignored_with_a_warning_naming_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "a", "title": "One"}, '
        b'{"id": "b", "title": "Two", "authors": 5, "attachments": [{"url": 9}], "tags": "x"}]}'
    )
    with caplog.at_level(logging.WARNING, logger="bot.ingest.feeds"):
        feed = parse_feed(body, url="https://feeds.example/j", source="My feed")
    assert [item.title for item in feed.items] == ["One", "Two"]
    assert caplog.messages == [
        "My feed: item 2: 'authors' is a number, not a list of objects; ignored",
        "My feed: item 2: 'attachments' 1: 'url' is a number, not a string; ignored",
        "My feed: item 2: 'tags' is a string, not a list of strings; ignored",
    ]


def test_items_without_title_or_text_are_counted_in_the_error() -> None:
    body = b"<rss version='2.0'><channel><title>t</title><item><link>https://e.org/1</link></item></channel></rss>"
    with pytest.raises(SourceFormatError, match="is a feed of 1 item, but none has a title or text"):
        parse_feed(body, url="https://feeds.example/x")


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "data:text/html,hi", "/relative/path", "ftp://e.org/a"]
)
def test_only_http_links_are_kept(link: str) -> None:
    body = (
        "<rss version='2.0'><channel><title>t</title><item><title>One</title>"
        f"<link>{link}</link><enclosure url='{link}' type='image/png'/></item></channel></rss>"
    ).encode()
    [item] = parse_feed(body, url="file:///nowhere").items
    assert item.url is None and item.image is None


def test_every_image_of_an_item_and_its_video_are_kept() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
    <channel><title>T</title><link>https://t.example/</link><description>d</description>
    <item><title>Gallery</title><link>https://t.example/g</link>
    <description>&lt;p&gt;Text &lt;img src="https://t.example/in-text.jpg"&gt;&lt;/p&gt;</description>
    <media:group><media:content url="https://t.example/a.jpg" medium="image"/>
    <media:content url="https://t.example/b.jpg" type="image/jpeg"/>
    <media:content url="https://t.example/clip.mp4" medium="video"/></media:group>
    <media:thumbnail url="https://t.example/thumb.jpg"/>
    <enclosure url="https://t.example/c.png" type="image/png" length="1"/>
    <enclosure url="https://t.example/a.jpg" type="image/jpeg" length="1"/></item>
    <item><title>Clip</title><link>https://t.example/c</link><description>Only a video</description>
    <enclosure url="https://t.example/only.webm" type="video/webm" length="1"/></item></channel></rss>"""
    gallery, clip = parse_feed(rss, url="https://t.example/feed").items
    assert gallery.images == (
        "https://t.example/a.jpg",
        "https://t.example/b.jpg",
        "https://t.example/c.png",
        "https://t.example/in-text.jpg",
    )  # in order, each once; the thumbnail is only a fallback
    assert gallery.image == gallery.images[0] and gallery.video == "https://t.example/clip.mp4"
    assert (clip.images, clip.image, clip.video) == ((), None, "https://t.example/only.webm")


def test_json_feed_attachments_give_images_and_a_video() -> None:
    feed = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1",
    "title": "Gallery", "content_text": "t", "image": "https://j.example/lead.jpg", "attachments": [
    {"url": "https://j.example/2.png", "mime_type": "image/png"},
    {"url": "https://j.example/talk.mp4", "mime_type": "video/mp4"}]}]}"""
    [item] = parse_feed(feed, url="https://j.example/feed.json").items
    assert item.images == ("https://j.example/lead.jpg", "https://j.example/2.png")
    assert item.video == "https://j.example/talk.mp4"
