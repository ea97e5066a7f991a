"""Parse article files already read into text: plain text, Markdown, HTML and JSON.

Pure functions: they take the content and the source's name (for messages) and return articles
or raise :class:`~bot.errors.SourceFormatError`. Reading files and standard input is in
:mod:`bot.ingest.local`. trafilatura (a third of a second to import) is imported by the one
function that calls it, so a `.txt`, `.md` or `.json` article never loads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from bot.errors import SourceFormatError
from bot.ingest.untrusted import clean_article, kind_of, load_json, load_yaml
from bot.models import Article

_HASHTAG_LINE = re.compile(r"^\s*(?:#[^\s#]+\s*)+$")
_HASHTAG = re.compile(r"#([^\s#]+)")
_HTML_LANG = re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def split_source_tags(text: str) -> tuple[str, tuple[str, ...]]:
    """Split a trailing line made only of hashtags off `text`: it is metadata, not prose."""
    body, _, last = text.rstrip().rpartition("\n")
    if _HASHTAG_LINE.match(last):
        return body.rstrip(), tuple(_HASHTAG.findall(last))
    return text.strip(), ()


def _looks_like_title(line: str) -> bool:
    """A headline: one short line that does not end like a sentence of prose."""
    line = line.strip()
    return 0 < len(line) <= 200 and "\n" not in line and not line.endswith((".", ",", ";", ":"))


def parse_text(content: str, *, source: str) -> Article:
    """A `.txt` article: an optional title line followed by a blank line, the body, a tag line."""
    body, tags = split_source_tags(content.strip())
    title: str | None = None
    first, blank, rest = body.partition("\n\n")
    if blank and _looks_like_title(first) and rest.strip():
        title, body = first.strip(), rest.strip()
    if not body:
        raise SourceFormatError(source, "has no article text")
    return clean_article(Article(text=body, title=title, source_tags=tags, source=source))


def _strip_markdown(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their words
    text = re.sub(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+\.\s+)", "", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|__|\*|_|`)(\S(?:.*?\S)?)\1", r"\2", text)
    return re.sub(r"^```.*$", "", text, flags=re.MULTILINE).strip()


def parse_markdown(content: str, *, source: str) -> Article:
    """A `.md` article: optional YAML front matter, the first `# heading` as title."""
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(content)
    if match:
        # The front matter starts on the line after the opening ---.
        loaded = load_yaml(match.group(1), source=source, what="front matter", first_line=2)
        if loaded is not None and not isinstance(loaded, dict):
            raise SourceFormatError(source, "front matter must be key: value pairs")
        meta = loaded or {}
        content = content[match.end() :]
    heading = _MD_HEADING.search(content)
    if heading and "title" not in meta:
        meta["title"] = heading.group(1)
        content = content[: heading.start()] + content[heading.end() :]
    body, tags = split_source_tags(_strip_markdown(content))
    meta["text"] = body
    if tags and "tags" not in meta:
        meta["tags"] = list(tags)
    return article_from_mapping(meta, source=source)


def parse_html(content: bytes | str, *, source: str, url: str | None = None) -> Article:
    """An HTML page: title, main text and metadata through trafilatura (it and the image finder
    load with the first page: a text article needs neither)."""
    import trafilatura
    from trafilatura.settings import Document

    from bot.ingest.page_images import page_images

    document = trafilatura.bare_extraction(content, url=url, with_metadata=True, include_comments=False)
    if not isinstance(document, Document) or not (document.text or "").strip():
        raise SourceFormatError(source, "has no readable article text")
    title = (document.title or "").strip() or None
    text = (document.text or "").strip()
    if title and text.startswith(title):
        text = text[len(title) :].lstrip()
    raw = content.encode("utf-8", "replace") if isinstance(content, str) else content
    lang_match = _HTML_LANG.search(raw[:4096])
    lang = document.language or (lang_match.group(1).decode().lower() if lang_match else None)
    page = raw.decode("utf-8", "replace") if isinstance(content, bytes) else content
    images = page_images(page, base_url=url or document.url or "", lead=document.image)
    return clean_article(
        Article(
            text=text or title or "",
            title=title,
            url=url or document.url,
            lang=lang,
            image=images[0] if images else document.image,
            images=images,
            author=document.author,
            published=_parse_date(document.date, source=source, strict=False),
            summary=document.description,
            categories=tuple(document.categories or ()),
            source=source,
        )
    )


def _parse_date(value: Any, *, source: str, strict: bool = True) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        if strict:
            raise SourceFormatError(source, f"'published' is not an ISO 8601 date: {value!r}") from None
        return None


def _string_list(value: Any, *, field: str, source: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise SourceFormatError(source, f"'{field}' must be a list of strings, not {kind_of(value)}")


def _optional_str(mapping: Mapping[str, Any], field: str, source: str) -> str | None:
    value = mapping.get(field)
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and field == "id":
        return str(value)
    if not isinstance(value, str):
        raise SourceFormatError(source, f"'{field}' must be a string, not {kind_of(value)}")
    return value.strip()


def article_from_mapping(data: Mapping[str, Any], *, source: str) -> Article:
    """Build an article from JSON fields or Markdown front matter."""
    text = _optional_str(data, "text", source)
    if not text:
        raise SourceFormatError(source, "has no 'text'")
    return clean_article(
        Article(
            text=text,
            title=_optional_str(data, "title", source),
            url=_optional_str(data, "url", source),
            lang=_optional_str(data, "lang", source),
            image=_optional_str(data, "image", source),
            author=_optional_str(data, "author", source),
            summary=_optional_str(data, "summary", source),
            published=_parse_date(data.get("published"), source=source),
            source_tags=tuple(
                tag.lstrip("#") for tag in _string_list(data.get("tags"), field="tags", source=source)
            ),
            categories=_string_list(data.get("categories"), field="categories", source=source),
            id=_optional_str(data, "id", source),
            source=source,
        )
    )


def _object(value: Any, *, source: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise SourceFormatError(source, f"must be a JSON object with at least 'text', not {kind_of(value)}")
    return value


def parse_json(content: str, *, source: str) -> Iterator[Article | SourceFormatError]:
    """A `.json` file: one article object, a list of them (a bad one is named by its number), or a
    saved JSON Feed (the feed parsers load for a file that may be one, not for every article)."""
    from bot.ingest.feeds import is_json_feed, json_feed

    data = load_json(content, source=source)
    if is_json_feed(data):
        yield from json_feed(data, source=source).items
    else:
        yield from articles_from_json(data, source=source)


def articles_from_json(data: Any, *, source: str) -> Iterator[Article | SourceFormatError]:
    """The articles of a parsed `.json` file; in a list, each item is read (or refused) on its own."""
    if not isinstance(data, list):
        yield article_from_mapping(_object(data, source=source), source=source)
        return
    if not data:
        raise SourceFormatError(source, "is an empty list: no articles")
    for number, item in enumerate(data, start=1):
        try:
            yield article_from_mapping(_object(item, source=f"{source}: item {number}"), source=source)
        except SourceFormatError as exc:
            yield SourceFormatError(f"{source}: item {number}", exc.problem)


def iter_json_lines(content: str, *, source: str) -> Iterator[Article | SourceFormatError]:
    """A `.jsonl` file, one article per line; a bad line is reported and the others still come."""
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            yield article_from_mapping(_object(load_json(line, source=where), source=where), source=where)
        except SourceFormatError as exc:
            yield exc
