from __future__ import annotations

import asyncio
import io
import json

from bot.errors import HashbotError, IngestError
from bot.models import Article, Post, PreviewFormat, Receipt
from bot.pipeline import PostPlanner, publish_all
from bot.preview import PreviewPublisher
from bot.render import Renderer


class CollectingPublisher:
    """A fake publisher that behaves like a channel: it keeps what it was sent."""

    def __init__(self) -> None:
        self.sent: list[Post] = []

    async def publish(self, post: Post) -> Receipt:
        self.sent.append(post)
        return Receipt(post=post, destination="test", message_id=len(self.sent))


def test_errors_are_reported_and_the_rest_still_publishes() -> None:
    publisher = CollectingPublisher()
    seen: list[HashbotError] = []
    items = [
        Article(text="Paris est calme."),
        IngestError("bad.txt", "is empty"),
        Article(text="Berlin too."),
    ]
    report = asyncio.run(
        publish_all(
            items, planner=PostPlanner(renderer=Renderer()), publisher=publisher, on_error=seen.append
        )
    )
    assert [post.article.text for post in publisher.sent] == ["Paris est calme.", "Berlin too."]
    assert [str(error) for error in seen] == ["bad.txt: is empty"]
    assert not report.ok and len(report.receipts) == 2


def test_render_error_of_one_article_does_not_stop_the_next() -> None:
    publisher = CollectingPublisher()
    planner = PostPlanner(renderer=Renderer(), template="missing.html.j2")
    report = asyncio.run(
        publish_all([Article(text="a"), Article(text="b")], planner=planner, publisher=publisher)
    )
    assert len(report.errors) == 2 and publisher.sent == []


def test_preview_publisher_formats() -> None:
    post = PostPlanner(renderer=Renderer()).plan(Article(text="Body & more.", title="T", url="https://x.org"))
    for fmt, check in [
        (PreviewFormat.HTML, lambda out: '<a href="https://x.org">T</a>' in out and "&amp;" in out),
        (PreviewFormat.TEXT, lambda out: "T <https://x.org>" in out and "Body & more." in out),
        (PreviewFormat.JSON, lambda out: json.loads(out)["title"] == "T"),
    ]:
        stream = io.StringIO()
        receipt = asyncio.run(PreviewPublisher(stream, fmt).publish(post))
        assert receipt.destination == "preview" and receipt.preview
        assert check(stream.getvalue()), (fmt, stream.getvalue())
