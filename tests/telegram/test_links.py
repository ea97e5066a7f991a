"""/preview and /post with a link: the page is fetched, read and rendered; failures are answered."""

from __future__ import annotations

import pytest
from auxil.fake_bot_api import FakeSession, RecordedSleep, reply_after
from auxil.feedserver import FeedServer, Route
from auxil.fetching import fixture
from auxil.running_bot import running

from bot.config import Settings
from bot.telegram import RetryPolicy
from bot.telegram.auth import REFUSAL

pytestmark = pytest.mark.anyio

TITLE = "Harbour wall repaired before winter storms"


@pytest.fixture
def article_url(web: FeedServer) -> str:
    web.routes["/news/harbour"] = Route(fixture("article_page.html"), content_type="text/html; charset=utf-8")
    return web.url("/news/harbour")


async def test_preview_of_a_link_replies_with_the_post_to_the_admin_only(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy, article_url: str
) -> None:
    async with running(settings, sleep, retry):
        [preview] = await reply_after(world, world.admin_id, f"/preview {article_url}")
    assert preview.startswith(f"Preview (dry run): not published\n\n{TITLE}")
    assert "#" in preview
    assert world.channel_posts() == [] and world.replies_to(world.second_admin_id) == []


async def test_post_of_a_link_publishes_one_channel_message(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy, article_url: str
) -> None:
    async with running(settings, sleep, retry):
        [answer] = await reply_after(world, world.admin_id, f"/post {article_url}")
    [post] = world.channel_posts()
    assert (post.text or "").startswith(TITLE) and post.parse_mode == "HTML"
    assert answer == f"Published to @{world.channel_username} (message {post.message_id})."


GALLERY_PAGE = b"""<!doctype html><html lang="en"><head><title>The night ferry returns</title>
<meta property="og:image" content="https://img.example/ferry-lead.jpg"></head><body>
<header><img src="https://img.example/site-logo.png"></header><article><h1>The night ferry returns</h1>
<p>The harbour council of Porto Velho voted on Monday to bring back the night ferry to the islands,
after fishermen and nurses had asked for a later crossing for years.</p>
<img src="https://img.example/quay.jpg" width="1200" height="800">
<p>The first crossing leaves at eleven in the evening and returns before dawn, the council said.</p>
<img src="https://img.example/deck.jpg"><img src="https://track.example/pixel.gif" width="1" height="1">
</article></body></html>"""


async def test_post_of_a_page_with_photos_is_one_album_of_them(
    settings: Settings, world: FakeSession, sleep: RecordedSleep, retry: RetryPolicy, web: FeedServer
) -> None:
    web.routes["/news/ferry"] = Route(GALLERY_PAGE, content_type="text/html; charset=utf-8")
    async with running(settings, sleep, retry):
        [answer] = await reply_after(world, world.admin_id, f"/post {web.url('/news/ferry')}")
    album = world.channel_posts()
    assert [message.photo for message in album] == [
        "https://img.example/ferry-lead.jpg",
        "https://img.example/quay.jpg",
        "https://img.example/deck.jpg",
    ]
    channel = f"@{world.channel_username}"
    assert len(world.api.calls_of("sendMediaGroup")) == 1
    assert [call for call in world.api.calls_of("sendMessage") if call.params["chat_id"] == channel] == []
    assert (album[0].caption or "").startswith("The night ferry returns")
    assert answer.startswith(f"Published to @{world.channel_username}")


@pytest.mark.parametrize("command", ["/preview", "/post"])
@pytest.mark.parametrize(
    ("route", "problem"),
    [
        (Route(b"gone", status=404), "HTTP 404 Not Found"),
        (Route(fixture("rss2_cdata.xml")), "is application/rss+xml, not a web page"),
    ],
)
async def test_a_link_that_cannot_be_read_gets_the_reason_and_the_bot_goes_on(
    settings: Settings,
    world: FakeSession,
    sleep: RecordedSleep,
    retry: RetryPolicy,
    web: FeedServer,
    command: str,
    route: Route,
    problem: str,
) -> None:
    web.routes["/page"] = route
    async with running(settings, sleep, retry):
        [answer] = await reply_after(world, world.admin_id, f"{command} {web.url('/page')}")
        [status] = await reply_after(world, world.admin_id, "/status")
    assert answer == f"Cannot make a post of that: {web.url('/page')}: {problem}"
    assert status.startswith("Channel: @hashbot_news")
    assert world.channel_posts() == []


async def test_strangers_links_are_not_even_fetched(
    settings: Settings,
    world: FakeSession,
    sleep: RecordedSleep,
    retry: RetryPolicy,
    web: FeedServer,
    article_url: str,
) -> None:
    async with running(settings, sleep, retry):
        [answer] = await reply_after(world, world.stranger_id, f"/post {article_url}")
    assert answer == REFUSAL
    assert web.requests == [] and world.channel_posts() == []


async def test_tags_of_a_link_are_the_pages_tags(
    settings: Settings,
    world: FakeSession,
    sleep: RecordedSleep,
    retry: RetryPolicy,
    web: FeedServer,
    article_url: str,
) -> None:
    async with running(settings, sleep, retry):
        [answer] = await reply_after(world, world.admin_id, f"/tags {article_url}")
    assert [request.path for request in web.requests] == ["/news/harbour"]
    assert "#HarbourWall" in answer.split() and "#Article" not in answer  # the headline's topic
