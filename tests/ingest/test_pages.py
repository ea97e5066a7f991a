from __future__ import annotations

from datetime import UTC, datetime

import pytest
from auxil.feedserver import FeedServer, Route
from auxil.fetching import fixture, with_fetcher

from bot.errors import FetchError, IngestError, SourceFormatError
from bot.ingest.http import Fetcher
from bot.ingest.local import is_web_address
from bot.ingest.pages import ArticleLoader, fetch_article, fetch_articles, with_page
from bot.models import Article

PAGE = Route(fixture("article_page.html"), content_type="text/html; charset=utf-8")


def test_article_page_gives_text_title_author_date_image_and_language(server: FeedServer) -> None:
    server.routes["/harbour"] = PAGE
    article = with_fetcher(lambda fetcher: fetch_article(fetcher, server.url("/harbour")))
    assert article.title == "Harbour wall repaired before winter storms"
    assert article.text.startswith("Engineers finished repairing the harbour wall on Wednesday")
    assert "Fishermen welcomed the work." in article.text and "© Coastal Gazette" not in article.text
    assert article.author == "Mira Okafor"
    assert article.image == "https://gazette.example/img/harbour-large.jpg"
    assert (
        article.published is not None and article.published.date() == datetime(2026, 3, 12, tzinfo=UTC).date()
    )
    assert article.lang == "en"
    assert article.url == server.url("/harbour")
    assert "text/html" in server.hits("/harbour")[0].headers["accept"]


def test_non_html_and_failing_pages_are_errors_not_crashes(server: FeedServer) -> None:
    server.routes["/feed"] = Route(fixture("rss2_cdata.xml"))
    server.routes["/good"] = PAGE
    results = with_fetcher(
        lambda fetcher: fetch_articles(
            fetcher, [server.url(p) for p in ("/feed", "/missing", "/good", "/good")]
        )
    )
    assert list(results) == [server.url("/feed"), server.url("/missing"), server.url("/good")]
    feed, missing, good = results.values()
    assert isinstance(feed, SourceFormatError) and "is application/rss+xml, not a web page" in str(feed)
    assert isinstance(missing, FetchError) and missing.problem == "HTTP 404 Not Found"
    assert isinstance(good, Article)


def test_with_page_keeps_feed_identity_and_takes_the_longer_text() -> None:
    item = Article(text="Teaser.", title="Feed title", url="https://e.org/a", id="g1", image=None)
    page = Article(text="The whole story, much longer than the teaser.", title="Page title", image="p.jpg")
    merged = with_page(item, page)
    assert (merged.title, merged.id, merged.url) == ("Feed title", "g1", "https://e.org/a")
    assert merged.text == page.text and merged.summary == "Teaser." and merged.image == "p.jpg"
    assert with_page(item, Article(text="x")).text == "Teaser."


def test_errors_are_ingest_errors() -> None:
    with pytest.raises(IngestError):
        with_fetcher(lambda fetcher: fetch_article(fetcher, "gopher://e.org/"))


def test_one_loader_reads_a_lone_link_through_the_fetcher_and_anything_else_as_text(
    server: FeedServer,
) -> None:
    server.routes["/harbour"] = PAGE
    url = server.url("/harbour")

    async def load(fetcher: Fetcher) -> tuple[Article, Article, Article]:
        loader = ArticleLoader(fetcher)
        return (
            await loader(url, source="message"),
            await loader(f"{url} is worth a read", source="message"),
            await loader(url.replace("http://", "HTTP://", 1), source="message"),
        )

    page, text, shouted = with_fetcher(load)
    assert page.title == "Harbour wall repaired before winter storms" and page.url == url
    assert text.text.startswith(url) and text.source == "message"  # a link inside text is text
    assert shouted.title == page.title  # HTTP:// is a web address too: fetched, not parsed
    assert len(server.hits("/harbour")) == 2


@pytest.mark.parametrize(
    ("text", "web"),
    [
        ("https://example.org/a", True),
        ("HTTP://example.org/a", True),
        ("https://example.org/a and then some text", False),
        ("ftp://example.org/a", False),
        ("https://", False),
        ("example.org/a", False),
    ],
)
def test_one_test_says_what_a_web_address_is(text: str, web: bool) -> None:
    assert is_web_address(text) is web
