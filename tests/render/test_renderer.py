from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from auxil.examples import NOW, tags_for
from auxil.telegram_html import CAPTION_LENGTH, MESSAGE_LENGTH, validate, validate_text

from bot.errors import RenderError
from bot.models import Article, ParseMode
from bot.render import Renderer, mastodon_length, visible_text, x_length

TAGS = tags_for(["Ukraine", "CessezLeFeu"])
URL = "https://example.org/news/a?x=1&y=2"


def _sentences(count: int, *, start: int = 0) -> str:
    return " ".join(f"Sentence number {n} says something about Kyiv and Paris." for n in range(start, count))


def test_default_post_has_linked_bold_title_lead_source_and_tags() -> None:
    article = Article(
        text="L'armée a dit « non ». Second sentence.\n\nAnother paragraph that is not in the lead.",
        title="A <b>title</b> & more",
        url=URL,
        published=datetime(2026, 3, 2, 23, 30, tzinfo=ZoneInfo("UTC")),
    )
    post = Renderer(tz=ZoneInfo("Europe/Paris")).render(article, TAGS, now=NOW)
    assert post.parse_mode is ParseMode.HTML
    link = '<a href="https://example.org/news/a?x=1&amp;y=2">'
    assert post.body == (
        f"<b>{link}A &lt;b&gt;title&lt;/b&gt; &amp; more</a></b>\n\n"
        "L'armée a dit « non ». Second sentence. Another paragraph that is not in the lead.\n\n"
        f"{link}example.org</a> · Mar 3, 2026\n\n"
        "#Ukraine #CessezLeFeu"
    )
    validate(post.body, strict=True)


def test_article_without_title_or_url_is_its_lead_and_tags() -> None:
    post = Renderer().render(Article(text="Only text."), TAGS, now=NOW)
    assert post.body == "Only text.\n\n#Ukraine #CessezLeFeu"


def test_feed_name_is_the_source_shown() -> None:
    post = Renderer().render(Article(text="Text.", url=URL), (), now=NOW, feed={"name": "Le Monde"})
    assert '">Le Monde</a>' in post.body


def test_user_folder_overrides_and_adds_templates_by_name(tmp_path: Path) -> None:
    (tmp_path / "telegram.html.j2").write_text("<i>{{ article.text }}</i>")
    (tmp_path / "short.txt.j2").write_text("{{ tags | hashtags(1) }} {{ article.text }}")
    renderer = Renderer(templates_dir=tmp_path)
    assert renderer.render(Article(text="x < y & 'z'"), (), now=NOW).body == "<i>x &lt; y &amp; 'z'</i>"
    text_post = renderer.render(Article(text="a < b"), TAGS, template="short", now=NOW)
    assert (text_post.body, text_post.parse_mode, text_post.template) == (
        "#Ukraine a < b",
        ParseMode.TEXT,
        "short.txt.j2",
    )


def test_missing_templates_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="templates folder .*nowhere does not exist"):
        Renderer(templates_dir=tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("line one\n{% if %}", r"template 'bad.html.j2' \(from .+\), line 2: Expected an expression"),
        ("one\ntwo\n{{ artcle.title }}", r"line 3: 'artcle' is undefined"),
        ("{{ article.titel }}", r"line 1: 'titel' is not a field; use one of: title, url, summary"),
        ("\n{% include 'gone.html.j2' %}", r"line 2: includes 'gone.html.j2', which is not found"),
        ("\n\n{{ article.text | words('many') }}", r"line 3: .*"),
        ("<p>{{ article.text }}</p>", r"produced HTML that Telegram refuses: <p> at position 0"),
        ("<b>{{ article.text }}", r"<b> at position 0 is never closed"),
        ("{% set limit = 'tweet' %}x", r"unknown limit 'tweet' \(use one of message, caption, x, mastodon\)"),
        ("{% if false %}x{% endif %}", r"produced an empty post"),
    ],
)
def test_template_errors_name_the_template_and_line(tmp_path: Path, source: str, message: str) -> None:
    (tmp_path / "bad.html.j2").write_text(source)
    with pytest.raises(RenderError, match=message):
        Renderer(templates_dir=tmp_path).render(Article(text="x"), (), template="bad.html.j2", now=NOW)


def test_unknown_template_names_where_it_looked() -> None:
    with pytest.raises(RenderError, match="template 'nope.html.j2' not found \\(looked in .*templates"):
        Renderer().render(Article(text="x"), (), template="nope.html.j2")


def test_a_20000_character_article_fits_a_message_with_link_and_tags() -> None:
    text = _sentences(400)
    assert len(text) > 20_000
    article = Article(text=text, summary=text, title="Long", url=URL)
    post = Renderer().render(article, TAGS, now=NOW)
    message = validate(post.body, limit=MESSAGE_LENGTH, strict=True)
    assert MESSAGE_LENGTH - 100 < message.length <= MESSAGE_LENGTH
    assert post.body.endswith("#Ukraine #CessezLeFeu")
    assert any(entity.url == "https://example.org/news/a?x=1&y=2" for entity in message.entities)
    summary = post.body.split("\n\n")[1]
    assert summary.endswith("Paris.")  # cut at a sentence end


def test_a_template_showing_the_whole_text_is_cut_too(tmp_path: Path) -> None:
    (tmp_path / "full.html.j2").write_text(
        '<a href="{{ article.url }}">{{ article.text }}</a>\n{{ tags | hashtags }}'
    )
    post = Renderer(templates_dir=tmp_path).render(
        Article(text="\n\n".join(_sentences(40, start=n) for n in range(0, 400, 40)), url=URL),
        TAGS,
        template="full",
    )
    assert validate(post.body, strict=True).length <= MESSAGE_LENGTH
    assert post.body.endswith("</a>\n#Ukraine #CessezLeFeu")


def test_caption_fits_1024_and_carries_the_photo() -> None:
    article = Article(
        text=_sentences(100), summary=_sentences(100), title="T", url=URL, image="https://x.org/a b.jpg"
    )
    post = Renderer().render(article, TAGS, template="photo", now=NOW)
    assert validate(post.body, limit=CAPTION_LENGTH, caption=True, strict=True).length <= CAPTION_LENGTH
    assert post.photo == "https://x.org/a%20b.jpg"
    assert post.body.endswith("#Ukraine #CessezLeFeu") and URL.replace("&", "&amp;") in post.body
    assert Renderer().render(article, TAGS, now=NOW).photo is None


def test_word_cut_keeps_urls_and_hashtags_whole() -> None:
    words = " ".join(
        f"see https://example.org/{n}/path #Tag{n} word" for n in range(400)
    )  # one long sentence
    post = Renderer().render(Article(text=words, summary=words, title="T", url=URL), TAGS, template="photo")
    summary = post.body.split("\n\n")[1]
    assert summary.endswith("…")
    last_word = summary.removesuffix("…").split()[-1]
    assert last_word == "word" or last_word.startswith("#Tag") or last_word.endswith("/path")
    validate(post.body, limit=CAPTION_LENGTH, caption=True, strict=True)


def test_too_many_entities_shorten_the_summary() -> None:
    hashtags = " ".join(f"#t{n}" for n in range(300))
    post = Renderer().render(Article(text=hashtags, summary=hashtags, title="T", url=URL), TAGS)
    assert validate(post.body, strict=True).entity_count <= 100


def test_a_post_that_cannot_fit_is_a_clear_error() -> None:
    tags = tags_for([f"Tag{n:03d}" + "x" * 60 for n in range(80)])
    with pytest.raises(RenderError, match=r"cannot fit 4096 UTF-16 code units .* measures \d+"):
        Renderer().render(Article(text="Text.", title="T", url=URL), tags, now=NOW)


def test_a_huge_title_is_shortened_once_the_summary_is_gone() -> None:
    title = " ".join(["word"] * 2000)
    post = Renderer().render(Article(text="Text.", title=title, url=URL), TAGS, now=NOW)
    assert validate(post.body, strict=True).length <= MESSAGE_LENGTH
    assert "word…</a></b>" in post.body and post.body.endswith("#Ukraine #CessezLeFeu")


def test_digest_lists_every_article_and_merges_tags() -> None:
    items = [
        (
            Article(text=_sentences(3), title=f"Story {n}", url=f"https://example.org/{n}"),
            tags_for(["Ukraine", f"T{n}"]),
        )
        for n in range(3)
    ]
    post = Renderer().render_digest(items, now=NOW, heading="Morning <digest>")
    assert post.body.startswith(
        '<b>Morning &lt;digest&gt;</b>\n\n<b><a href="https://example.org/0">Story 0</a></b>'
    )
    assert [tag.name for tag in post.tags][:1] == ["Ukraine"] and len(post.tags) == 2
    assert post.articles == tuple(article for article, _ in items)
    assert Renderer().render_digest(items, now=NOW).body.startswith("<b>Jul 15, 2026</b>")
    validate(post.body, strict=True)


def test_digest_too_long_shortens_every_summary_alike() -> None:
    items = [
        (Article(text="x", summary=_sentences(60), title=f"S{n}", url=f"https://e.org/{n}"), TAGS)
        for n in range(8)
    ]
    post = Renderer().render_digest(items, now=NOW)
    assert validate(post.body, strict=True).length <= MESSAGE_LENGTH
    assert all(f">S{n}</a>" in post.body for n in range(8))


def test_digest_needs_an_article() -> None:
    with pytest.raises(RenderError, match="at least one article"):
        Renderer().render_digest([])


@pytest.mark.parametrize(
    ("template", "limit", "measure", "tag_count"),
    [("x", 280, x_length, 3), ("mastodon", 500, mastodon_length, 5)],
)
def test_social_snippets_fit_their_network(
    template: str, limit: int, measure: object, tag_count: int
) -> None:
    url = "https://example.org/" + "long/" * 40
    article = Article(text=_sentences(30), title="A headline about Kyiv", url=url)
    post = Renderer().render(article, tags_for([f"Tag{n}" for n in range(8)]), template=template, now=NOW)
    assert post.parse_mode is ParseMode.TEXT
    assert callable(measure) and measure(post.body) <= limit
    assert url in post.body and post.body.startswith("A headline about Kyiv")
    assert post.body.endswith(" ".join(f"#Tag{n}" for n in range(tag_count)))
    validate_text(post.body)


def test_control_bidi_and_html_in_article_text_render_safely() -> None:
    article = Article(
        text="Fake\u202e txet <script>alert(1)</script> &amp; \x00\x1b[31m red 👩‍👩‍👧 مرحبا\u200b.",
        title="<i>not italic</i>",
        url='https://example.org/"><b>x',
    )
    post = Renderer().render(article, TAGS, now=NOW)
    message = validate(post.body, strict=True)
    assert "<script>" in message.text and "&amp;" in message.text
    assert "\u202e" not in message.text and "\x1b" not in message.text
    assert "👩‍👩‍👧 مرحبا\u200b" in message.text
    assert {entity.type for entity in message.entities} == {"bold", "text_link"}


def test_visible_text_applies_formatting_and_shows_link_targets() -> None:
    html = '<b><a href="https://x.org">T &amp; U</a></b> <a href="https://y.org">https://y.org</a>'
    assert visible_text(html) == "T & U <https://x.org> https://y.org"
    styled = visible_text("<b>bold</b> <blockquote>a\nb</blockquote>", ansi=True)
    assert "\x1b[1mbold\x1b[0m" in styled and "▎ a\n▎ b" in styled
