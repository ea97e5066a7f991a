from __future__ import annotations

import io
from pathlib import Path

import pytest
from auxil.fetching import FIXTURES
from auxil.paths import EXAMPLES

from bot.errors import IngestError, SourceFormatError
from bot.ingest import load_sources
from bot.ingest.local import decode_text
from bot.models import Article


def _split(items: list[Article | IngestError]) -> tuple[list[Article], list[str]]:
    articles = [item for item in items if isinstance(item, Article)]
    errors = [str(item) for item in items if isinstance(item, IngestError)]
    return articles, errors


def test_every_example_file_loads() -> None:
    articles, errors = _split(list(load_sources([str(EXAMPLES)])))
    assert errors == []
    assert len(articles) == len(list(EXAMPLES.iterdir()))
    assert all(article.text for article in articles)


def test_seed_article_tag_line_is_metadata_not_body() -> None:
    [seed] = [a for a in load_sources([str(EXAMPLES / "seed_article_fr.txt")])]
    assert not isinstance(seed, IngestError)
    assert seed.source_tags[:3] == ("GrandeBretagne", "France", "prêtes")
    assert "#GrandeBretagne" not in seed.text
    assert seed.title is None


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.md", b"  \n\n  ", "is empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file"),
        ("latin1.txt", "Élection à Genève".encode("latin-1"), "is not UTF-8 text (byte 0xc9 at offset 0)"),
        ("empty.html", b"", "is empty"),
        ("feed.xml", b"<rss/>", "is a feed with no items"),
        ("notes.csv", b"a,b", "unsupported file type"),
        # A UTF-16 byte order mark, then an odd number of bytes: cut off mid-character.
        ("cut.txt", "Hi".encode("utf-16") + b"!", "is not UTF-16 text"),
        ("blank16.txt", " \n".encode("utf-16"), "is empty"),
    ],
)
def test_bad_files_get_a_clear_error_naming_them(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    [item] = list(load_sources([str(path)]))
    assert isinstance(item, IngestError)
    assert str(item).startswith(f"{path}: ")
    assert problem in str(item)


def test_missing_file(tmp_path: Path) -> None:
    [missing] = list(load_sources([str(tmp_path / "nope.txt")]))
    assert isinstance(missing, IngestError)
    assert "nope.txt: cannot be read: No such file or directory" in str(missing)


def test_one_bad_source_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\x00binary")
    (tmp_path / "good.txt").write_text("Good article text.", encoding="utf-8")
    names = [str(tmp_path / "nope.txt"), str(tmp_path / "bad.txt"), str(tmp_path / "good.txt")]
    articles, errors = _split(list(load_sources(names)))
    assert [a.text for a in articles] == ["Good article text."]
    assert len(errors) == 2


def test_folder_expands_to_its_article_files_in_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Second.", encoding="utf-8")
    (tmp_path / "a.md").write_text("# A\n\nFirst.", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a,b", encoding="utf-8")
    articles, errors = _split(list(load_sources([str(tmp_path)])))
    assert errors == []
    assert [a.text for a in articles] == ["First.", "Second."]


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    [item] = list(load_sources([str(tmp_path)]))
    assert isinstance(item, IngestError)
    assert "folder has no article files" in str(item)


@pytest.mark.parametrize(
    ("content", "title"),
    [
        (b"Title line\n\nBody of the text.", "Title line"),
        (b"# Markdown title\n\nBody.", "Markdown title"),
        (b'{"title": "Json title", "text": "Body."}', "Json title"),
        (
            b"<html><body><article><h1>Html title</h1><p>"
            + b"Body sentence here. " * 20
            + b"</p></article></body></html>",
            "Html title",
        ),
    ],
)
def test_standard_input_format_is_sniffed(content: bytes, title: str) -> None:
    [article] = list(load_sources(["-"], stdin=io.BytesIO(content)))
    assert not isinstance(article, IngestError)
    assert article.title == title
    assert article.source == "<stdin>"


def test_standard_input_json_lines() -> None:
    articles, errors = _split(
        list(load_sources(["-"], stdin=io.BytesIO(b'{"text": "one"}\n{"text": "two"}\n')))
    )
    assert [a.text for a in articles] == ["one", "two"] and errors == []


def test_web_addresses_come_from_the_pages_fetched_beforehand() -> None:
    page = Article(text="Fetched.", url="https://example.org/a")
    fetched, missing, ftp = load_sources(
        ["https://example.org/a", "https://example.org/b", "ftp://example.org/c"],
        pages={"https://example.org/a": page},
    )
    assert fetched is page
    assert isinstance(missing, IngestError) and "cannot be fetched by this command" in str(missing)
    assert isinstance(ftp, IngestError) and "only http:// and https:// web addresses" in str(ftp)


def test_feed_files_give_one_article_per_item(tmp_path: Path) -> None:
    path = tmp_path / "gazette.rss"
    path.write_bytes((FIXTURES / "rss2_cdata.xml").read_bytes())
    articles, errors = _split(list(load_sources([str(path)])))
    assert errors == [] and len(articles) == 3
    assert articles[0].title == "Harbour wall repaired before winter storms" and articles[0].source == str(
        path
    )


def test_utf16_with_bom_and_utf8_bom_decode() -> None:
    assert decode_text("Hello".encode("utf-16"), source="x") == "Hello"
    assert decode_text("\ufeffHello".encode("utf-8"), source="x") == "Hello"
    with pytest.raises(SourceFormatError):
        decode_text(b"\x00\x01\x02", source="x")


def test_a_huge_text_is_read_up_to_the_budget_with_its_tag_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.ingest.local import TEXT_BUDGET

    path = tmp_path / "long.txt"
    line = "The council approved the harbour plan after a long debate.\n"
    path.write_text("A long report\n\n" + line * (2 * TEXT_BUDGET // len(line)) + "#Harbour #Council\n")
    [article] = list(load_sources([str(path)]))
    assert isinstance(article, Article)
    assert article.title == "A long report" and article.source_tags == ("Harbour", "Council")
    assert len(article.text.encode()) <= TEXT_BUDGET and article.text.endswith("debate.")
    assert caplog.messages == [f"{path}: 2.0 MB; only its first 1.0 MB are read"]
