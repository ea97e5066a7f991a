"""Article pages: fetch a URL and read its main text, title, author, date, image and language.

Extraction is :func:`bot.ingest.formats.parse_html` (trafilatura), the same as for saved pages,
run in a worker thread so a large page does not stall the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import replace

from bot.errors import IngestError, SourceFormatError
from bot.ingest.discovery import looks_like_html
from bot.ingest.formats import parse_html, parse_text
from bot.ingest.http import PAGE_ACCEPT, Fetcher
from bot.ingest.local import is_web_address
from bot.models import Article


async def fetch_article(fetcher: Fetcher, url: str) -> Article:
    """The article at `url`; raises IngestError (FetchError, SourceFormatError) on failure."""
    fetched = await fetcher.fetch(url, accept=PAGE_ACCEPT)
    if not looks_like_html(fetched.body, fetched.content_type):
        kind = fetched.content_type.split(";")[0] or "not HTML"
        raise SourceFormatError(url, f"is {kind}, not a web page")
    return await asyncio.to_thread(parse_html, fetched.body, source=url, url=fetched.url)


class ArticleLoader:
    """The article a command is about: the page at a lone link, read through the shared fetcher
    (its limits, its connection pool), or else the text itself.

    One loader serves every command that reads an article (`/preview`, `/post`, `/tags`,
    `/schedule`), so they agree on what a link is and none opens an HTTP client of its own.
    """

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher

    async def __call__(self, text: str, *, source: str) -> Article:
        if is_web_address(text):
            return await fetch_article(self._fetcher, text)
        return parse_text(text, source=source)


async def fetch_articles(fetcher: Fetcher, urls: Iterable[str]) -> dict[str, Article | IngestError]:
    """Fetch pages concurrently (within the fetcher's limits); each URL maps to its article or error."""
    wanted = list(dict.fromkeys(urls))

    async def one(url: str) -> Article | IngestError:
        try:
            return await fetch_article(fetcher, url)
        except IngestError as error:
            return error

    return dict(zip(wanted, await asyncio.gather(*(one(url) for url in wanted)), strict=True))


def with_page(item: Article, page: Article) -> Article:
    """A feed item completed by its page: the page's full text, the feed's identity and title."""
    return replace(
        item,
        text=page.text if len(page.text) > len(item.text) else item.text,
        summary=item.summary or (item.text if len(page.text) > len(item.text) else None),
        image=item.image or page.image,
        images=item.images or page.images,
        author=item.author or page.author,
        lang=item.lang or page.lang,
        published=item.published or page.published,
    )
