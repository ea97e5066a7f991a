"""Commands on articles: `preview`, `tags` (and its `--jsonl` interface) and `post`.

Adapters are reached through :mod:`bot.app` by attribute, at the call: `post` loads the
Telegram side, `tags` and `preview` of local files load none.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from bot import app
from bot.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Console,
    exit_code,
    failure_status,
    load,
    open_db,
)
from bot.cli._table import JSONL_TAG_LIMIT, PostOptions, PreviewOptions, TagsOptions
from bot.config import Settings
from bot.errors import HashbotError, SourceFormatError, UnexpectedError
from bot.ingest import STDIN, Loaded
from bot.ingest.formats import article_from_mapping
from bot.models import Article, Tag
from bot.pipeline import PostPlanner, RunReport, publish_all
from bot.preview import PreviewPublisher

if TYPE_CHECKING:  # the run loop imports httpx: `hashbot preview` and `tags` must not pay for it
    from bot.runner import LongReads, PostNow
    from bot.storage import Store


def preview(options: PreviewOptions, settings: Settings, console: Console) -> int:
    planner = app.build_planner(settings, template=options.template)
    publisher = PreviewPublisher(console.out, options.format)
    if options.digest:
        items = load(options.sources, settings, console)
        return _preview_digest(items, options, planner, publisher, console)
    report = asyncio.run(
        publish_all(
            load(options.sources, settings, console),
            planner=planner,
            publisher=publisher,
            on_error=console.error,
        )
    )
    return exit_code(report, console)


def _preview_digest(
    items: list[Loaded],
    options: PreviewOptions,
    planner: PostPlanner,
    publisher: PreviewPublisher,
    console: Console,
) -> int:
    articles, errors = [], []
    for item in items:
        if isinstance(item, HashbotError):
            console.error(item)
            errors.append(item)
        else:
            articles.append(item)
    if not articles:
        if not errors:
            console.error("no articles found")
        return failure_status(errors) or EXIT_FAILED
    asyncio.run(publisher.publish(planner.plan_digest(articles, template=options.template)))
    return failure_status(errors)


def tags(options: TagsOptions, settings: Settings, console: Console) -> int:
    if not options.jsonl and not options.sources:
        console.error("tags: give at least one SOURCE, or --jsonl")
        return EXIT_USAGE
    limit = options.limit
    if options.jsonl and limit is None:
        limit = max(settings.tag_limit, JSONL_TAG_LIMIT)
    planner = app.build_planner(settings, tag_limit=limit)
    if options.jsonl:
        return _tags_jsonl(options.sources or [STDIN], planner, console)
    errors: list[HashbotError] = []
    found = 0
    articles = load(options.sources, settings, console)
    for item in articles:
        try:
            if isinstance(item, HashbotError):
                raise item
            chosen = planner.tags(item)
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


def post(options: PostOptions, settings: Settings, console: Console) -> int:
    dry_run = options.dry_run or settings.dry_run
    if not dry_run:
        return _post_recorded(options, settings, console)
    planner = app.build_planner(settings, template=options.template)
    items = load(options.sources, settings, console)

    async def run() -> RunReport:
        async with app.open_publisher(settings, dry_run=dry_run, preview_stream=console.out) as publisher:
            return await publish_all(
                items,
                planner=planner,
                publisher=publisher,
                on_error=console.error,
            )

    report = asyncio.run(run())
    if not dry_run:
        for receipt in report.receipts:
            source = receipt.post.article.source or "post"
            print(
                f"{source}: published to {receipt.destination} as message {receipt.message_id}",
                file=console.out,
            )
    return exit_code(report, console)


def _post_recorded(options: PostOptions, settings: Settings, console: Console) -> int:
    """Publish each article through the store, as `/post` does: recorded, and never twice unasked."""
    items = load(options.sources, settings, console)
    channel = settings.channel or ""

    async def run() -> int:
        failed = 0
        async with app.open_publisher(settings, dry_run=False, preview_stream=console.out) as publisher:
            with open_db(settings) as store:
                async with (
                    _long_reads(settings, store) as long_reads,
                    app.open_mastodon(settings) as mastodon,
                ):
                    runner = app.build_runner(
                        settings,
                        store=store,
                        publisher=publisher,
                        poller=None,
                        long_reads=long_reads,
                        mastodon=mastodon,
                    )
                    for item in items:
                        if isinstance(item, HashbotError):
                            console.error(item)
                            failed += 1
                            continue
                        result = await runner.post_now(
                            item, chat=channel, again=options.again, template=options.template
                        )
                        failed += not _tell_posted(item, result, settings, console)
        return failed

    failed = asyncio.run(run())
    if not items:
        console.error("no articles found")
        return EXIT_FAILED
    return EXIT_FAILED if failed else EXIT_OK


@asynccontextmanager
async def _long_reads(settings: Settings, store: Store) -> AsyncIterator[LongReads | None]:
    """Telegraph pages for long articles when ``HASHBOT_TELEGRAPH`` is on (a posted article has no
    feed whose ``--telegraph`` could ask); None when it is off."""
    if not settings.telegraph:
        yield None
        return
    async with app.open_long_reads(settings, store) as telegraph:
        yield telegraph


def _tell_posted(article: Article, result: PostNow, settings: Settings, console: Console) -> bool:
    """One line for what publishing `article` did; False when it was not published."""
    from bot.storage import PostState
    from bot.telegram.posting import already

    source, post = article.source or "post", result.post
    if result.duplicate is not None:
        console.error(f"{source}: {already(result.duplicate, settings.tz)}; --again posts it again")
        return False
    if post is not None and post.state is PostState.SENT:
        print(f"{source}: published to {post.chat} as message {post.message_id}", file=console.out)
        return True
    console.error(
        f"{source}: {(post.last_error if post else None) or result.report.paused or 'not published'}"
    )
    return False


def _tags_jsonl(sources: Sequence[str], planner: PostPlanner, console: Console) -> int:
    """The stable evaluation interface: `{"id","title","text","lang"?}` in, `{"id","tags"}` out."""
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
                tags = [tag.hashtag for tag in planner.tags(article)] if text.strip() else []
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
