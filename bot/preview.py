"""The preview publisher: writes posts to a text stream instead of sending them."""

from __future__ import annotations

import json
from typing import Any, TextIO

from bot.clock import utcnow
from bot.models import ParseMode, Post, PreviewFormat, Receipt
from bot.render import visible_text


def post_as_dict(post: Post) -> dict[str, Any]:
    article = post.article
    return {
        "source": article.source,
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "template": post.template,
        "parse_mode": post.parse_mode.value,
        "tags": [tag.hashtag for tag in post.tags],
        "photo": post.photo,
        "album": list(post.album),
        "video": post.video,
        "silent": post.silent,
        "body": post.body,
    }


def media_lines(post: Post) -> list[str]:
    """What a preview says about a post's media, as Telegram would receive them."""
    lines = [f"video {post.video}"] if post.video else []
    if post.album:
        lines.append(f"album of {len(post.album)} photos: " + " ".join(post.album))
    elif post.photo:
        lines.append(f"photo {post.photo}")
    return lines


def format_post(post: Post, fmt: PreviewFormat, *, ansi: bool = False) -> str:
    """A post as the operator asked to see it: as sent (html), as read (text), or as data (json).

    With `ansi` (a terminal), the text view draws bold, italic and the rest as Telegram would.
    """
    if fmt is PreviewFormat.JSON:
        return json.dumps(post_as_dict(post), ensure_ascii=False)
    if fmt is PreviewFormat.TEXT and post.parse_mode is ParseMode.HTML:
        return visible_text(post.body, ansi=ansi)
    return post.body


class PreviewPublisher:
    """Publishes to a stream: what `preview` and every dry run use in place of Telegram."""

    def __init__(self, stream: TextIO, fmt: PreviewFormat = PreviewFormat.HTML) -> None:
        self._stream = stream
        self._fmt = fmt
        self._count = 0

    async def publish(self, post: Post) -> Receipt:
        self._count += 1
        if self._fmt is not PreviewFormat.JSON:
            if self._count > 1:
                self._stream.write("\n")
            self._stream.write(f"──── {post.article.source or 'post'} ────\n")
            for line in media_lines(post):
                self._stream.write(f"[{line}]\n")
        self._stream.write(format_post(post, self._fmt, ansi=self._stream.isatty()) + "\n")
        self._stream.flush()
        return Receipt(post=post, destination="preview", sent_at=utcnow(), preview=True)
