"""Long reads: a long article gets one Telegraph page that its post links, and nothing blocks the post."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager

import pytest
from auxil.fake_bot_api import FakeSession, RecordedSleep
from auxil.fake_telegraph import FakeTelegraph
from auxil.feedserver import FeedServer, Route
from auxil.run_loop import Clock, Loop, paris, run_loop

from bot.config import Settings
from bot.models import Article
from bot.render import telegraph_page
from bot.render._telegraph import CONTENT_BYTES
from bot.storage import PostState
from bot.telegram import RetryPolicy
from bot.telegraph import TOKEN_FLAG

pytestmark = pytest.mark.anyio

PARAGRAPHS = [
    f"Paragraph {n}: the harbour council of Porto Velho heard fishermen, nurses and ferry crews "
    f"about the night crossing to the islands, and what it would cost to run it all winter long."
    for n in range(1, 16)
]
IMAGES = ("https://img.example/harbour-1.jpg", "https://img.example/harbour-2.jpg")


def feed(*, long: bool = True, guid: str = "ferry-1") -> bytes:
    text = f"&lt;p&gt;Story {guid}.&lt;/p&gt;" + "".join(
        f"&lt;p&gt;{p}&lt;/p&gt;" for p in (PARAGRAPHS if long else PARAGRAPHS[:1])
    )
    images = "".join(f'<media:content url="{url}" medium="image"/>' for url in IMAGES)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Harbour News</title>
<link>https://news.example.org/</link><description>Local news</description>
<item><title>The night ferry, a long story</title><link>https://news.example.org/{guid}</link>
<guid>{guid}</guid><author>mira@news.example.org (Mira Okafor)</author>
<description>{text}</description>{images}</item></channel></rss>""".encode()


@pytest.fixture
def telegraph() -> Iterator[FakeTelegraph]:
    with FakeTelegraph() as api:
        yield api


def _loop(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    api: FakeTelegraph,
    **over: object,
) -> AbstractAsyncContextManager[Loop]:
    return run_loop(
        settings, world, Clock(paris("2026-11-24 12:00")), retry, sleep, telegraph_api_url=api.url, **over
    )


async def _post_one(loop: Loop, web: FeedServer, body: bytes, **feed_options: object) -> None:
    web.routes["/long.xml"] = Route(body=body)
    await loop.subscribe_and_poll(web.url("/long.xml"), **feed_options)


async def test_a_long_article_gets_one_page_that_its_post_links(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    web: FeedServer,
    telegraph: FakeTelegraph,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG):
        async with _loop(settings, world, retry, sleep, telegraph, telegraph=True) as loop:
            await _post_one(loop, web, feed())
            report = await loop.runner.publish()
            token = loop.store.flag(TOKEN_FLAG)
    assert len(report.sent) == 1
    assert len(telegraph.calls_of("createAccount")) == 1 and len(telegraph.calls_of("createPage")) == 1
    [page] = telegraph.pages
    assert page.title == "The night ferry, a long story"
    assert page.author_name == "mira@news.example.org (Mira Okafor)"
    assert page.author_url == "https://news.example.org/ferry-1"
    assert all(paragraph in page.text() for paragraph in PARAGRAPHS)
    assert "Source: news.example.org" in page.text()
    assert page.images() == list(IMAGES)
    # The token is the account's, kept in the database, and in no log record.
    assert token is not None and token in telegraph.accounts and page.token == token
    assert token not in caplog.text
    [linked] = [message for message in world.channel_posts() if message.sent]
    assert "📖 Instant View" in (linked.caption or linked.text or "")
    assert f'<a href="{page.url}">Instant View</a>' in (linked.sent or "")


async def test_a_post_tried_again_links_the_same_page(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    web: FeedServer,
    telegraph: FakeTelegraph,
) -> None:
    world.api.fail("sendMediaGroup", 500, times=retry.attempts)
    async with _loop(settings, world, retry, sleep, telegraph, telegraph=True) as loop:
        await _post_one(loop, web, feed())
        first = await loop.runner.publish()
        second = await loop.runner.publish()
    assert first.retry and second.sent
    assert len(telegraph.calls_of("createPage")) == 1
    assert telegraph.pages[0].url in (world.channel_posts()[0].sent or "")


async def test_telegraph_down_never_blocks_the_post(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    web: FeedServer,
    telegraph: FakeTelegraph,
    caplog: pytest.LogCaptureFixture,
) -> None:
    telegraph.fail("createAccount", 500, "INTERNAL_ERROR")
    async with _loop(settings, world, retry, sleep, telegraph, telegraph=True) as loop:
        await _post_one(loop, web, feed())
        report = await loop.runner.publish()
        [post] = loop.store.posts()
    assert report.sent == [post.id] and post.state is PostState.SENT
    assert "Instant View" not in (world.channel_posts()[0].sent or "")
    assert "no Telegraph page for https://news.example.org/ferry-1, posting without it" in caplog.text
    assert telegraph.pages == []


async def test_a_revoked_token_is_replaced_by_a_new_account(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    web: FeedServer,
    telegraph: FakeTelegraph,
) -> None:
    async with _loop(settings, world, retry, sleep, telegraph, telegraph=True) as loop:
        loop.store.set_flag(TOKEN_FLAG, "revoked-token")
        await _post_one(loop, web, feed())
        await loop.runner.publish()
        token = loop.store.flag(TOKEN_FLAG)
    assert [call["access_token"] for call in telegraph.calls_of("createPage")] == ["revoked-token", token]
    assert len(telegraph.pages) == 1


async def test_only_articles_longer_than_their_post_and_only_where_asked(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    web: FeedServer,
    telegraph: FakeTelegraph,
) -> None:
    async with _loop(settings, world, retry, sleep, telegraph, publish_per_slot=5) as loop:
        web.routes["/short.xml"] = Route(body=feed(long=False, guid="short"))
        web.routes["/other.xml"] = Route(body=feed(guid="other"))
        await loop.subscribe_and_poll(web.url("/short.xml"), telegraph=True)  # the post shows it all
        await loop.subscribe_and_poll(web.url("/other.xml"))  # a long read, but the feed did not ask
        await _post_one(loop, web, feed(guid="asked"), telegraph=True)
        report = await loop.runner.publish()
    assert len(report.sent) == 3
    [page] = telegraph.pages
    assert page.author_url == "https://news.example.org/asked"


def test_a_huge_article_is_cut_to_telegraphs_64_kb() -> None:
    article = Article(text="\n\n".join(["word " * 400] * 60), title="Huge", url="https://e.example/huge")
    page = telegraph_page(article)
    assert len(json.dumps(list(page.content), ensure_ascii=False).encode()) <= CONTENT_BYTES
    assert page.content[-2] == {"tag": "p", "children": ["…"]}
