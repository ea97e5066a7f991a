"""`hashbot tags`: the hashtags chosen for articles, and the `--jsonl` evaluation interface.

Tagging renders nothing and publishes nothing, so this module reaches only the tag engine, the
readers of local files and the settings' tag options (`app.tag_options`): no planner with its
renderer, no template engine, no adapter (a web address loads the HTTP fetcher when it is given).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot import app
from bot.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Console,
    chat_vocabulary,
    failure_status,
    load,
)
from bot.cli._table import JSONL_TAG_LIMIT, TagsOptions
from bot.config import Settings
from bot.errors import HashbotError, SourceFormatError, UnexpectedError
from bot.hashtags import TagOptions, extract_tags
from bot.ingest import STDIN

if TYPE_CHECKING:
    from bot.models import Article, Tag


def tags(options: TagsOptions, settings: Settings, console: Console) -> int:
    if not options.jsonl and not options.sources:
        console.error("tags: give at least one SOURCE, or --jsonl")
        return EXIT_USAGE
    limit = options.limit
    if options.jsonl and limit is None:
        limit = max(settings.tag_limit, JSONL_TAG_LIMIT)
    tag_options = app.tag_options(settings, limit=limit)
    if options.jsonl:  # the evaluation interface: the tag engine alone, whatever a database says
        return _tags_jsonl(options.sources or [STDIN], tag_options, console)
    # What a post of this article gets from the planner (`PostPlanner.tags`), in the chat's words.
    vocabulary = chat_vocabulary(settings, options.chat, console)
    tag_options = vocabulary.options(tag_options)
    errors: list[HashbotError] = []
    found = 0
    articles = load(options.sources, settings, console)
    for item in articles:
        try:
            if isinstance(item, HashbotError):
                raise item
            chosen = extract_tags(item, tag_options, vocabulary=vocabulary.vocabulary)
        except HashbotError as error:
            errors.append(error)
        except Exception as exc:  # a bug on one article: the others still get their tags
            errors.append(UnexpectedError(getattr(item, "source", ""), exc))
        else:
            found += 1
            _print_tags(item, chosen, explain=options.explain, named=len(articles) > 1, console=console)
            continue
        console.error(errors[-1])
    if not found and not errors:
        console.error("no articles found")
    return failure_status(errors) or (EXIT_OK if found else EXIT_FAILED)


def _print_tags(
    article: Article, tags: Sequence[Tag], *, explain: bool, named: bool, console: Console
) -> None:
    if explain:
        print(f"{article.source}:", file=console.out)
        for tag in tags:
            print(f"  {tag.hashtag:<32} {tag.score:8.2f}  {tag.reason.value}", file=console.out)
        return
    line = " ".join(tag.hashtag for tag in tags)
    print(f"{article.source}: {line}" if named else line, file=console.out)


def _tags_jsonl(sources: Sequence[str], tag_options: TagOptions, console: Console) -> int:
    """The stable evaluation interface: `{"id","title","text","lang"?}` in, `{"id","tags"}` out."""
    from bot.ingest.formats import article_from_mapping

    failed = 0
    for source in sources:
        stream = console.stdin if source == STDIN else None
        try:
            raw = stream.read() if stream is not None else Path(source).read_bytes()
        except OSError as exc:
            console.error(f"{source}: cannot be read: {exc.strerror or exc}")
            failed += 1
            continue
        for number, line in enumerate(raw.decode("utf-8", "replace").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{'<stdin>' if source == STDIN else source}:{number}"
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise SourceFormatError(where, "must be a JSON object")
                text = record.get("text") or record.get("title") or ""
                article = article_from_mapping(
                    {"title": record.get("title"), "text": text or " ", "lang": record.get("lang")},
                    source=where,
                )
                tags = [tag.hashtag for tag in extract_tags(article, tag_options)] if text.strip() else []
            except json.JSONDecodeError as exc:
                console.error(f"{where}: is not valid JSON: {exc.msg}")
                failed += 1
                continue
            except HashbotError as exc:
                console.error(exc)
                failed += 1
                continue
            print(json.dumps({"id": record.get("id"), "tags": tags}, ensure_ascii=False), file=console.out)
    return EXIT_FAILED if failed else EXIT_OK
