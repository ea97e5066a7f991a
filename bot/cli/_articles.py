"""Commands on articles: `preview`, `tags` (and its `--jsonl` interface) and `post`."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Sequence
from pathlib import Path

from bot.app import build_planner, open_publisher
from bot.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    SOURCE_HELP,
    Console,
    SubParsers,
    exit_code,
    load,
    positive_int,
)
from bot.config import Settings
from bot.errors import HashbotError, SourceFormatError
from bot.ingest import STDIN, Loaded
from bot.ingest.formats import article_from_mapping
from bot.pipeline import PostPlanner, RunReport, publish_all
from bot.preview import PreviewFormat, PreviewPublisher


def _cmd_preview(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    planner = build_planner(settings, template=args.template)
    publisher = PreviewPublisher(console.out, PreviewFormat(args.format))
    if args.digest:
        return _preview_digest(load(args.sources, settings, console), args, planner, publisher, console)
    report = asyncio.run(
        publish_all(
            load(args.sources, settings, console),
            planner=planner,
            publisher=publisher,
            on_error=console.error,
        )
    )
    return exit_code(report, console)


def _preview_digest(
    items: list[Loaded],
    args: argparse.Namespace,
    planner: PostPlanner,
    publisher: PreviewPublisher,
    console: Console,
) -> int:
    articles, failed = [], 0
    for item in items:
        if isinstance(item, HashbotError):
            console.error(item)
            failed += 1
        else:
            articles.append(item)
    if not articles:
        console.error("no articles found")
        return EXIT_FAILED
    asyncio.run(publisher.publish(planner.plan_digest(articles, template=args.template)))
    return EXIT_FAILED if failed else EXIT_OK


#: Tags per article that `tags --jsonl` writes by default: keyphrase sets are scored at 5 and 10.
JSONL_TAG_LIMIT = 10


def _cmd_tags(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    if not args.jsonl and not args.sources:
        console.error("tags: give at least one SOURCE, or --jsonl")
        return EXIT_USAGE
    limit = args.limit
    if args.jsonl and limit is None:
        limit = max(settings.tag_limit, JSONL_TAG_LIMIT)
    planner = build_planner(settings, tag_limit=limit)
    if args.jsonl:
        return _tags_jsonl(args.sources or [STDIN], planner, console)
    failed = found = 0
    articles = load(args.sources, settings, console)
    for item in articles:
        if isinstance(item, HashbotError):
            console.error(item)
            failed += 1
            continue
        found += 1
        tags = planner.tags(item)
        if args.explain:
            print(f"{item.source}:", file=console.out)
            for tag in tags:
                print(f"  {tag.hashtag:<32} {tag.score:8.2f}  {tag.reason.value}", file=console.out)
            continue
        line = " ".join(tag.hashtag for tag in tags)
        print(f"{item.source}: {line}" if len(articles) > 1 else line, file=console.out)
    return EXIT_FAILED if failed or not found else EXIT_OK


def _cmd_post(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    dry_run = args.dry_run or settings.dry_run
    planner = build_planner(settings, template=args.template)
    items = load(args.sources, settings, console)

    async def run() -> RunReport:
        async with open_publisher(settings, dry_run=dry_run, preview_stream=console.out) as publisher:
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


def register(commands: SubParsers) -> None:
    """Add `preview`, `tags` and `post` to the top-level parser."""
    preview = commands.add_parser(
        "preview",
        help="print posts exactly as they would be sent; never publishes",
        description="Render each article into the post hashbot would send, and print it. "
        "Needs no token and no network.",
    )
    preview.add_argument("sources", nargs="+", metavar="SOURCE", help=SOURCE_HELP)
    preview.add_argument(
        "--format",
        choices=[f.value for f in PreviewFormat],
        default="html",
        help="html: as sent (default); text: as subscribers read it; json: one object per post",
    )
    preview.add_argument(
        "--template",
        metavar="NAME",
        help="template to render with: telegram, photo, digest, x, mastodon or one of your own "
        "(default: HASHBOT_TEMPLATE)",
    )
    preview.add_argument(
        "--digest",
        action="store_true",
        help="render all articles into one digest post (template: --template, else digest.html.j2)",
    )
    preview.set_defaults(handler=_cmd_preview)

    tags = commands.add_parser(
        "tags",
        help="print the hashtags chosen for articles",
        description="Print the hashtags for each article, best first.",
    )
    tags.add_argument("sources", nargs="*", metavar="SOURCE", help=SOURCE_HELP)
    tags.add_argument(
        "--limit", type=positive_int, metavar="N", help="at most N tags (default: HASHBOT_TAG_LIMIT)"
    )
    tags.add_argument("--explain", action="store_true", help="show each tag's score and why it was chosen")
    tags.add_argument(
        "--jsonl",
        action="store_true",
        help='read JSON lines {"id","title","text","lang"} (files or standard input) and '
        f'write {{"id","tags"}} per line, up to {JSONL_TAG_LIMIT} tags (or HASHBOT_TAG_LIMIT if higher)',
    )
    tags.set_defaults(handler=_cmd_tags)

    post = commands.add_parser(
        "post",
        help="publish posts for articles to the Telegram channel",
        description="Render each article and publish it to HASHBOT_CHANNEL with the bot "
        "HASHBOT_BOT_TOKEN. With --dry-run (or HASHBOT_DRY_RUN=true) the same posts are printed "
        "instead, and nothing is sent.",
    )
    post.add_argument("sources", nargs="+", metavar="SOURCE", help=SOURCE_HELP)
    post.add_argument("--dry-run", action="store_true", help="print the posts instead of publishing them")
    post.add_argument(
        "--template", metavar="NAME", help="template to render with (default: HASHBOT_TEMPLATE)"
    )
    post.set_defaults(handler=_cmd_post)
