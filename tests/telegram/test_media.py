"""Albums and video: an item's media reach the channel as Telegram's richest form that works."""

from __future__ import annotations

from dataclasses import replace

import pytest
from auxil.fake_bot_api import FakeSession, RecordedSleep
from auxil.feedserver import FeedServer, Route
from auxil.run_loop import Clock, paris, run_loop

from bot.app import build_application, build_channel_publisher
from bot.config import Settings
from bot.errors import PublishUncertain
from bot.models import Article, ParseMode, Post
from bot.storage import FeedMedia, PostState
from bot.telegram import RetryPolicy

pytestmark = pytest.mark.anyio

IMAGES = tuple(f"https://img.example/harbour-{n}.jpg" for n in (1, 2, 3))
VIDEO = "https://video.example/ferry.mp4"


def gallery_feed(*, images: tuple[str, ...] = IMAGES, video: str | None = None) -> bytes:
    """One item with its images in a media:group and, if given, a video enclosure."""
    group = "".join(f'<media:content url="{url}" medium="image" type="image/jpeg"/>' for url in images)
    enclosure = f'<enclosure url="{video}" type="video/mp4" length="1000"/>' if video else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Harbour News</title>
<link>https://news.example.org/</link><description>Local news</description>
<item><title>The night ferry returns to Porto Velho</title><link>https://news.example.org/ferry</link>
<guid>ferry-1</guid><description>The harbour council voted to bring back the night ferry to the
islands. Fishermen and nurses had asked for a later crossing for years.</description>
<media:group>{group}</media:group>{enclosure}</item></channel></rss>""".encode()


async def _poll_and_publish(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    web: FeedServer,
    body: bytes,
    **feed: object,
) -> PostState:
    web.routes["/gallery.xml"] = Route(body=body)
    async with run_loop(settings, world, Clock(paris("2026-11-24 12:00")), retry, sleep) as loop:
        await loop.subscribe_and_poll(web.url("/gallery.xml"), **feed)
        [post] = loop.store.posts()
        await loop.runner.publish()
        stored = loop.store.post(post.id)
    assert stored is not None
    return stored.state


async def test_an_item_with_three_images_is_one_album_captioned_with_the_post(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    state = await _poll_and_publish(settings, world, retry, sleep, web, gallery_feed())
    assert state is PostState.SENT
    [call] = world.api.calls_of("sendMediaGroup")
    album = world.channel_posts()
    assert [message.photo for message in album] == list(IMAGES)
    assert len({message.media_group_id for message in album}) == 1
    assert (album[0].caption or "").startswith("The night ferry returns to Porto Velho")
    assert album[0].parse_mode == "HTML" and album[1].caption is None and album[2].caption is None
    assert world.api.calls_of("sendMessage") == world.api.calls_of("sendPhoto") == []
    assert call.params["chat_id"] == f"@{world.channel_username}"


async def test_a_video_item_goes_out_with_send_video_and_the_post_as_caption(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    body = gallery_feed(images=(), video=VIDEO)
    assert await _poll_and_publish(settings, world, retry, sleep, web, body) is PostState.SENT
    [message] = world.channel_posts()
    assert message.video == VIDEO
    assert (message.caption or "").startswith("The night ferry returns")
    assert world.api.calls_of("sendVideo")[0].params["supports_streaming"] == "true"


async def test_a_refused_image_leaves_the_album_with_the_others(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    world.api.unreachable_media(IMAGES[1])
    assert await _poll_and_publish(settings, world, retry, sleep, web, gallery_feed()) is PostState.SENT
    assert [message.photo for message in world.channel_posts()] == [IMAGES[0], IMAGES[2]]
    assert len(world.api.calls_of("sendMediaGroup")) == 2


async def test_when_no_medium_can_be_fetched_the_post_still_goes_as_text(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    for url in (*IMAGES, VIDEO):
        world.api.unreachable_media(url)
    body = gallery_feed(video=VIDEO)
    assert await _poll_and_publish(settings, world, retry, sleep, web, body) is PostState.SENT
    [message] = world.channel_posts()
    assert (message.text or "").startswith("The night ferry returns") and message.photo is None
    # Video, then ever fewer photos (3, 2), then one photo, then text: no post lost.
    methods = [call.method for call in world.api.calls if call.method.startswith("send")]
    assert methods == ["sendVideo", "sendMediaGroup", "sendMediaGroup", "sendPhoto", "sendMessage"]


@pytest.mark.parametrize(
    ("media", "sends", "kept"),
    [
        (FeedMedia.ALL, ["sendVideo"], (IMAGES, VIDEO)),
        (FeedMedia.FIRST, ["sendMessage"], (IMAGES[:1], None)),
        (FeedMedia.NONE, ["sendMessage"], ((), None)),
    ],
)
async def test_feed_media_option_chooses_what_posts_carry(
    settings: Settings,
    world: FakeSession,
    retry: RetryPolicy,
    sleep: RecordedSleep,
    web: FeedServer,
    media: FeedMedia,
    sends: list[str],
    kept: tuple[tuple[str, ...], str | None],
) -> None:
    web.routes["/gallery.xml"] = Route(body=gallery_feed(video=VIDEO))
    async with run_loop(settings, world, Clock(paris("2026-11-24 12:00")), retry, sleep) as loop:
        await loop.subscribe_and_poll(web.url("/gallery.xml"), media=media)
        [post] = loop.store.posts()
        await loop.runner.publish()
    assert (post.article.images, post.article.video) == kept
    assert post.article.image == (kept[0][0] if kept[0] else None)
    assert [call.method for call in world.api.calls if call.method.startswith("send")] == sends


def _long_post(**changes: object) -> Post:
    article = Article(text="x", title="Harbour", url="https://news.example.org/ferry", source="gallery")
    body = "<b>The night ferry</b>\n" + "The council met for hours. " * 60
    post = Post(article=article, tags=(), body=body, parse_mode=ParseMode.HTML, template="telegram.html.j2")
    return replace(post, **changes)  # type: ignore[arg-type]


async def test_a_post_too_long_for_a_caption_follows_its_album_as_a_message(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep
) -> None:
    async with build_application(settings) as application:
        publisher = build_channel_publisher(settings, application.bot, retry=retry, sleep=sleep)
        receipt = await publisher.publish(_long_post(album=IMAGES))
    *album, text = world.channel_posts()
    assert [message.photo for message in album] == list(IMAGES)
    assert all(message.caption is None for message in album)
    assert (text.text or "").startswith("The night ferry") and text.sent == _long_post().body
    assert receipt.message_id == text.message_id


async def test_an_album_whose_text_then_fails_is_uncertain_not_sent_again(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep
) -> None:
    world.api.fail("sendMessage", 400, "Bad Request: message text is empty")
    async with build_application(settings) as application:
        publisher = build_channel_publisher(settings, application.bot, retry=retry, sleep=sleep)
        with pytest.raises(PublishUncertain, match="the media went out as message 1"):
            await publisher.publish(_long_post(album=IMAGES))
    assert len(world.api.calls_of("sendMediaGroup")) == 1


async def test_an_album_caption_telegram_cannot_parse_is_sent_again_as_plain_text(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep
) -> None:
    world.api.fail("sendMediaGroup", 400, "Bad Request: can't parse entities: unclosed start tag at byte 9")
    post = _long_post(album=IMAGES[:2], body="<b>Ferry</b> back")
    async with build_application(settings) as application:
        publisher = build_channel_publisher(settings, application.bot, retry=retry, sleep=sleep)
        await publisher.publish(post)
    first, second = world.channel_posts()
    assert (first.caption, first.parse_mode, second.caption) == ("Ferry back", None, None)


async def test_a_teaser_whose_page_has_photos_goes_out_as_an_album_of_them(
    settings: Settings, world: FakeSession, retry: RetryPolicy, sleep: RecordedSleep, web: FeedServer
) -> None:
    """`--fetch-pages`: a feed item without media takes the photos of its page, not just one."""
    photos = "".join(f'<img src="https://img.example/quay-{n}.jpg" width="1200">' for n in (1, 2, 3))
    page = f"""<!doctype html><html lang="en"><head><title>The night ferry returns</title></head><body>
    <header><img src="https://img.example/logo.png"></header><article><h1>The night ferry returns</h1>
    <p>The harbour council of Porto Velho voted on Monday to bring back the night ferry to the
    islands, after fishermen and nurses had asked for a later crossing for years.</p>{photos}
    <p>The first crossing leaves at eleven in the evening and returns before dawn.</p></article>
    </body></html>""".encode()
    web.routes["/ferry"] = Route(page, content_type="text/html; charset=utf-8")
    feed = f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Harbour News</title>
    <link>https://news.example.org/</link><description>Local news</description><item>
    <title>The night ferry returns</title><link>{web.url("/ferry")}</link><guid>ferry-1</guid>
    <description>The night ferry is back.</description></item></channel></rss>""".encode()
    state = await _poll_and_publish(settings, world, retry, sleep, web, feed, fetch_pages=True)
    assert state is PostState.SENT
    assert [message.photo for message in world.channel_posts()] == [
        f"https://img.example/quay-{n}.jpg" for n in (1, 2, 3)
    ]
    assert len(world.api.calls_of("sendMediaGroup")) == 1
