"""Property: whatever an article says, every shipped template yields a post its destination accepts,
with the link and the hashtag line intact."""

from __future__ import annotations

import pytest
from auxil.examples import NOW, tags_for
from auxil.telegram_html import CAPTION_LENGTH, MESSAGE_LENGTH, validate, validate_text
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import Article
from bot.render import Renderer, mastodon_length, safe_url, x_length

TAGS = tags_for(["Ukraine", "CessezLeFeu", "EtatsUnis"])
TAG_LINE = "#Ukraine #CessezLeFeu #EtatsUnis"
RENDERER = Renderer()

_PIECES = [
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;b&gt;",
    "&nbsp;",
    "<b>",
    "</i>",
    '"',
    "'",
    "\u202e",
    "\u200b",
    "\u200d",
    "\x00",
    "\r\n",
    "\t",
    "👩‍👩‍👧",
    "👍🏽",
    "مرحبا بالعالم",
    "שלום",
    "日本語の文章。",
    "e\u0301",
    ". ",
    "! ",
    " « Non » ",
    "M. ",
    "U.S. ",
    "\n\n",
    "#tag",
    "https://example.org/a?b=1&c=2",
    "Lorem ipsum dolor sit amet. " * 30,
]
text = st.lists(st.one_of(st.characters(), st.sampled_from(_PIECES)), max_size=300).map("".join)


@st.composite
def articles(draw: st.DrawFn) -> Article:
    body = draw(text)
    return Article(
        text=body if body.strip() else "x",
        title=draw(st.none() | text),
        url=draw(
            st.sampled_from(
                [None, "https://example.org/a?x=1&y=2", 'https://ex.org/"><b>', "https://пример.рф/путь 1"]
            )
        ),
        summary=draw(st.none() | text),
        author=draw(st.none() | text),
        image=draw(st.sampled_from([None, "https://example.org/i.jpg"])),
    )


@pytest.mark.parametrize("template", ["telegram", "photo"])
@settings(max_examples=75, deadline=None)
@given(article=articles())
def test_telegram_templates_always_produce_valid_fitting_html(template: str, article: Article) -> None:
    post = RENDERER.render(article, TAGS, template=template, now=NOW)
    caption = template == "photo"
    message = validate(
        post.body, limit=CAPTION_LENGTH if caption else MESSAGE_LENGTH, caption=caption, strict=True
    )
    assert message.text.endswith(TAG_LINE)
    if article.url:
        assert any(entity.url == safe_url(article.url) for entity in message.entities)


@pytest.mark.parametrize(
    ("template", "measure", "limit"), [("x", x_length, 280), ("mastodon", mastodon_length, 500)]
)
@settings(max_examples=75, deadline=None)
@given(article=articles())
def test_social_snippets_always_fit(template: str, measure: object, limit: int, article: Article) -> None:
    post = RENDERER.render(article, TAGS, template=template, now=NOW)
    validate_text(post.body)
    assert callable(measure) and measure(post.body) <= limit
    assert post.body.endswith(TAG_LINE)
    if article.url:
        assert safe_url(article.url) in post.body


@settings(max_examples=40, deadline=None)
@given(st.lists(articles(), min_size=1, max_size=5))
def test_digest_always_produces_valid_fitting_html(items: list[Article]) -> None:
    post = RENDERER.render_digest([(article, TAGS) for article in items], now=NOW)
    message = validate(post.body, limit=MESSAGE_LENGTH, strict=True)
    assert message.text.endswith(TAG_LINE)
    links = {entity.url for entity in message.entities}
    assert {safe_url(article.url) for article in items if article.url} <= links
