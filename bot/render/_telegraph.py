"""Long reads: an article as a Telegraph page (title, author, paragraphs, images, source link).

Pure: the page is data in Telegraph's Node format (``{"tag": "p", "children": [...]}``), built
here and sent by :mod:`bot.telegraph`. Telegraph allows 256 characters of title, 128 of author and
64 KB of content; paragraphs are dropped from the end until the page fits, and it says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.models import Article, ParseMode, Post
from bot.render._markup import clean_text, domain, plain_text, safe_url

TITLE_LENGTH = 256
AUTHOR_LENGTH = 128
CONTENT_BYTES = 64 * 1024

Node = str | dict[str, Any]


@dataclass(frozen=True, slots=True)
class TelegraphPage:
    """What ``createPage`` needs, apart from the account's token."""

    title: str
    content: tuple[Node, ...]
    author_name: str | None = None
    author_url: str | None = None


def _paragraphs(text: str) -> list[str]:
    return [" ".join(part.split()) for part in clean_text(text).split("\n\n") if part.strip()]


def _figure(url: str) -> Node:
    return {"tag": "figure", "children": [{"tag": "img", "attrs": {"src": safe_url(url)}}]}


def _size(nodes: list[Node]) -> int:
    return len(json.dumps(nodes, ensure_ascii=False).encode("utf-8"))


def telegraph_page(article: Article) -> TelegraphPage:
    """The page for `article`: lead image, paragraphs, further images, then where it comes from."""
    images = list(article.images or ((article.image,) if article.image else ()))
    head: list[Node] = [_figure(images[0])] if images else []
    tail: list[Node] = [_figure(url) for url in images[1:]]
    if article.url:
        link = {"tag": "a", "attrs": {"href": safe_url(article.url)}, "children": [domain(article.url)]}
        tail.append({"tag": "p", "children": [{"tag": "em", "children": ["Source: ", link]}]})
    paragraphs: list[Node] = [{"tag": "p", "children": [part]} for part in _paragraphs(article.text)]
    cut: list[Node] = []
    while paragraphs and _size([*head, *paragraphs, *cut, *tail]) > CONTENT_BYTES:
        paragraphs.pop()
        cut = [{"tag": "p", "children": ["…"]}]
    paragraphs += cut
    while tail and _size([*head, *paragraphs, *tail]) > CONTENT_BYTES:
        tail.pop(0)
    title = " ".join(clean_text(article.title or "").split()) or domain(article.url) or "Article"
    author = " ".join(clean_text(article.author or "").split()) or None
    return TelegraphPage(
        title=title[:TITLE_LENGTH],
        content=(*head, *paragraphs, *tail),
        author_name=author[:AUTHOR_LENGTH] if author else None,
        author_url=safe_url(article.url) if article.url else None,
    )


def shows_whole_article(article: Article, post: Post) -> bool:
    """Whether the post already shows all of the article's text, so a long read adds nothing."""
    shown = plain_text(post.body) if post.parse_mode is ParseMode.HTML else post.body
    return len(" ".join(article.text.split())) <= len(" ".join(shown.split()))
