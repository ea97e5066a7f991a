from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import RenderError
from bot.models import Article, ParseMode, Tag, TagReason
from bot.render import Renderer, summarize, visible_text

TAGS = (Tag("Ukraine", 3.0, TagReason.ENTITY), Tag("CessezLeFeu", 2.0, TagReason.PHRASE))


def test_default_template_links_the_title_and_ends_with_tags() -> None:
    article = Article(
        text="First sentence. Second one.", title="A <b>title</b> & more", url="https://ex.org/a?x=1&y=2"
    )
    post = Renderer().render(article, TAGS)
    assert post.parse_mode is ParseMode.HTML
    assert post.body.startswith(
        '<b><a href="https://ex.org/a?x=1&amp;y=2">A &lt;b&gt;title&lt;/b&gt; &amp; more</a></b>'
    )
    assert post.body.endswith("#Ukraine #CessezLeFeu")
    assert "First sentence. Second one." in post.body


def test_article_without_title_or_url_still_renders() -> None:
    post = Renderer().render(Article(text="Only text."), ())
    assert post.body == "Only text."


def test_user_folder_overrides_and_adds_templates(tmp_path: Path) -> None:
    (tmp_path / "telegram.html.j2").write_text("<i>{{ article.text }}</i>")
    (tmp_path / "short.txt.j2").write_text("{{ tags | hashtags }}")
    renderer = Renderer(templates_dir=tmp_path)
    assert renderer.render(Article(text="x < y"), ()).body == "<i>x &lt; y</i>"
    text_post = renderer.render(Article(text="x"), TAGS, template="short.txt.j2")
    assert text_post.body == "#Ukraine #CessezLeFeu"
    assert text_post.parse_mode is ParseMode.TEXT


def test_template_errors_are_render_errors(tmp_path: Path) -> None:
    (tmp_path / "broken.html.j2").write_text("line one\n{% if %}")
    (tmp_path / "typo.html.j2").write_text("{{ artcle.title }}")
    renderer = Renderer(templates_dir=tmp_path)
    with pytest.raises(RenderError, match="'broken.html.j2', line 2"):
        renderer.render(Article(text="x"), (), template="broken.html.j2")
    with pytest.raises(RenderError, match="artcle"):
        renderer.render(Article(text="x"), (), template="typo.html.j2")
    with pytest.raises(RenderError, match="'missing.html.j2' not found"):
        renderer.render(Article(text="x"), (), template="missing.html.j2")


def test_summary_keeps_whole_sentences_of_the_first_paragraph() -> None:
    text = "One sentence here. Another sentence.\nSame paragraph.\n\nSecond paragraph."
    assert summarize(text) == "One sentence here. Another sentence. Same paragraph."
    assert summarize("A. " * 10 + "B" * 500, max_chars=12) == "A. A. A. A."
    assert summarize("word " * 200, max_chars=20).endswith("…")


def test_visible_text_shows_link_targets_and_decodes_entities() -> None:
    assert visible_text('<b><a href="https://x.org">T &amp; U</a></b>') == "T & U <https://x.org>"
