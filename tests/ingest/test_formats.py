from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.errors import SourceFormatError
from bot.ingest import formats
from bot.models import Article


def test_text_title_body_and_trailing_tag_line() -> None:
    article = formats.parse_text(
        "Storm hits the coast\n\nA storm hit the coast on Monday.\nMore rain is due.\n\n#Storm #Weather\n",
        source="a.txt",
    )
    assert article.title == "Storm hits the coast"
    assert article.text == "A storm hit the coast on Monday.\nMore rain is due."
    assert article.source_tags == ("Storm", "Weather")
    assert "#Storm" not in article.text


def test_text_whose_first_paragraph_is_prose_has_no_title() -> None:
    article = formats.parse_text("The storm hit the coast on Monday.\n\nMore rain is due.", source="a.txt")
    assert article.title is None
    assert article.text.startswith("The storm hit")


def test_text_hashtag_line_glued_to_body_is_still_split_off() -> None:
    body, tags = formats.split_source_tags("Body text here.\n#A #B#C")
    assert body == "Body text here."
    assert tags == ("A", "B", "C")


def test_text_with_a_hashtag_inside_prose_keeps_it() -> None:
    article = formats.parse_text("We follow #Ukraine news closely.", source="a.txt")
    assert article.source_tags == ()
    assert article.text == "We follow #Ukraine news closely."


def test_text_made_only_of_tags_is_refused() -> None:
    with pytest.raises(SourceFormatError, match="a.txt: has no article text"):
        formats.parse_text("#One #Two", source="a.txt")


def test_markdown_front_matter_heading_and_markup() -> None:
    article = formats.parse_markdown(
        "---\nurl: https://example.org/a\nlang: en\npublished: 2026-07-14T09:30:00+01:00\n"
        "tags: [climate, weather]\nimage: https://example.org/i.jpg\n---\n\n"
        "# Heat *record* broken\n\nTemperatures above **46 °C** hit [Lisbon](https://x.org).\n",
        source="a.md",
    )
    assert article.title == "Heat *record* broken"
    assert article.url == "https://example.org/a"
    assert article.lang == "en"
    assert article.image == "https://example.org/i.jpg"
    assert article.source_tags == ("climate", "weather")
    assert article.published == datetime(2026, 7, 14, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert article.text == "Temperatures above 46 °C hit Lisbon."


def test_markdown_without_front_matter() -> None:
    article = formats.parse_markdown("Intro line.\n\n# Title\n\nBody.", source="a.md")
    assert article.title == "Title"
    assert "Body." in article.text and "Intro line." in article.text


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("---\ntitle: [unclosed\n---\nBody", "invalid front matter"),
        ("---\n- a list\n---\nBody", "front matter must be key: value pairs"),
        ("---\ntitle: Only a title\n---\n", "has no 'text'"),
        ("---\npublished: yesterday\n---\nBody", "'published' is not an ISO 8601 date"),
        # YAML reads this as a date itself, and its date constructor raises ValueError.
        ("---\npublished: 2026-13-45\n---\nBody", "invalid front matter: month must be in 1..12"),
    ],
)
def test_markdown_errors_name_the_file(content: str, problem: str) -> None:
    with pytest.raises(SourceFormatError) as caught:
        formats.parse_markdown(content, source="bad.md")
    assert str(caught.value).startswith("bad.md: ")
    assert problem in str(caught.value)


def test_html_main_text_title_and_metadata() -> None:
    page = (
        '<html lang="pt"><head><title>Chuvas fortes | Site</title>'
        '<meta property="og:image" content="https://example.org/i.jpg"></head><body>'
        "<nav>Início | Brasil | Mundo</nav><article><h1>Chuvas fortes</h1>"
        + "<p>As fortes chuvas atingem o estado desde quinta-feira e deixaram cidades isoladas.</p>" * 4
        + "</article><footer>Todos os direitos reservados.</footer></body></html>"
    )
    article = formats.parse_html(page.encode(), source="page.html", url="https://example.org/a")
    assert article.title == "Chuvas fortes"
    assert article.text.startswith("As fortes chuvas")
    assert "Início" not in article.text and "direitos" not in article.text
    assert article.lang == "pt"
    assert article.image == "https://example.org/i.jpg"
    assert article.url == "https://example.org/a"


def test_html_without_text_is_refused() -> None:
    with pytest.raises(SourceFormatError, match="page.html: has no readable article text"):
        formats.parse_html(
            b"<html><head><title>Only a title</title></head><body><script>x=1</script></body></html>",
            source="page.html",
        )


def test_json_object_and_list() -> None:
    [one] = formats.parse_json(
        '{"id": 7, "title": "T", "text": "Body", "tags": ["#A", "B"]}', source="a.json"
    )
    assert isinstance(one, Article) and one.id == "7"
    assert one.source_tags == ("A", "B")
    many = formats.parse_json('[{"text": "One"}, {"text": "Two"}]', source="a.json")
    assert [article.text for article in many if isinstance(article, Article)] == ["One", "Two"]


def test_a_bad_item_of_a_json_list_is_named_and_the_others_kept() -> None:
    items = list(formats.parse_json('[{"text": "One"}, {"text": 5}, 7, {"text": "Four"}]', source="a.json"))
    assert [item.text for item in items if isinstance(item, Article)] == ["One", "Four"]
    assert [str(item) for item in items if isinstance(item, SourceFormatError)] == [
        "a.json: item 2: 'text' must be a string, not a number",
        "a.json: item 3: must be a JSON object with at least 'text', not a number",
    ]


def test_an_empty_json_list_says_so() -> None:
    with pytest.raises(SourceFormatError, match="a.json: is an empty list: no articles"):
        list(formats.parse_json("[]", source="a.json"))


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "is not valid JSON"),
        ('"just a string"', "must be a JSON object"),
        ('{"title": "No text"}', "has no 'text'"),
        ('{"text": "x", "tags": [1, 2]}', "'tags' must be a list of strings"),
        ('{"text": "x", "url": 5}', "'url' must be a string"),
    ],
)
def test_json_errors_name_the_file(content: str, problem: str) -> None:
    with pytest.raises(SourceFormatError) as caught:
        list(formats.parse_json(content, source="a.json"))
    assert str(caught.value).startswith("a.json: ")
    assert problem in str(caught.value)


def test_json_lines_report_bad_lines_and_keep_the_others() -> None:
    items = list(
        formats.iter_json_lines(
            '{"text": "one"}\n\n{broken\n{"title": "x"}\n{"text": "two"}\n', source="f.jsonl"
        )
    )
    assert [item.text for item in items if not isinstance(item, Exception)] == ["one", "two"]
    errors = [str(item) for item in items if isinstance(item, Exception)]
    assert errors[0].startswith("f.jsonl:3: is not valid JSON")
    assert errors[1] == "f.jsonl:4: has no 'text'"
