"""The `hashbot` command line: the only place that prints, configures logging and picks exit codes.

Exit codes: 0 success, 1 some input could not be handled (the rest was), 2 bad usage or settings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any, TextIO

from bot import __version__
from bot.app import build_bot, build_planner, open_publisher
from bot.config import Settings, load_settings
from bot.errors import ConfigError, HashbotError, SourceFormatError
from bot.ingest import STDIN, load_sources
from bot.ingest.formats import article_from_mapping
from bot.logs import configure_logging
from bot.pipeline import PostPlanner, RunReport, publish_all
from bot.preview import PreviewFormat, PreviewPublisher

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_ENV_FILE = Path(".env")

Command = Callable[[argparse.Namespace, Settings, "Console"], int]


class Console:
    """Standard streams, injectable so tests run the real entry point in-process."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None, stdin: Any = None) -> None:
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.stdin = stdin if stdin is not None else sys.stdin.buffer

    def error(self, message: object) -> None:
        print(f"hashbot: error: {message}", file=self.err)


def _cmd_preview(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    planner = build_planner(settings, template=args.template)
    publisher = PreviewPublisher(console.out, PreviewFormat(args.format))
    if args.digest:
        return _preview_digest(args, planner, publisher, console)
    report = asyncio.run(
        publish_all(
            load_sources(args.sources, stdin=console.stdin),
            planner=planner,
            publisher=publisher,
            on_error=console.error,
        )
    )
    return _exit_code(report, console)


def _exit_code(report: RunReport, console: Console) -> int:
    """0 when every article went through; 1 when one failed or there were none at all."""
    if not report.receipts and report.ok:
        console.error("no articles found")
        return EXIT_FAILED
    return EXIT_OK if report.ok else EXIT_FAILED


def _preview_digest(
    args: argparse.Namespace, planner: PostPlanner, publisher: PreviewPublisher, console: Console
) -> int:
    articles, failed = [], 0
    for item in load_sources(args.sources, stdin=console.stdin):
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


def _cmd_tags(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    planner = build_planner(settings, tag_limit=args.limit)
    if args.jsonl:
        return _tags_jsonl(args.sources or [STDIN], planner, console)
    failed = found = 0
    articles = list(load_sources(args.sources, stdin=console.stdin))
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

    async def run() -> RunReport:
        async with open_publisher(settings, dry_run=dry_run, preview_stream=console.out) as publisher:
            return await publish_all(
                load_sources(args.sources, stdin=console.stdin),
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
    return _exit_code(report, console)


def _cmd_bot(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    if args.dry_run:
        settings = settings.model_copy(update={"dry_run": True})
    build_bot(settings).serve()
    return EXIT_OK


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


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hashbot",
        description="Turn news articles into well-tagged Telegram channel posts.",
        epilog="Settings come from HASHBOT_* environment variables and .env; see .env.example.",
    )
    parser.add_argument("--version", action="version", version=f"hashbot {__version__}")
    parser.add_argument(
        "--env-file",
        type=Path,
        metavar="PATH",
        help="settings file to read (default: .env in the current folder, when there is one)",
    )
    parser.add_argument(
        "--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="override HASHBOT_LOG_LEVEL"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    source_help = "article file (.txt .md .html .json .jsonl), folder of them, or - for standard input"

    preview = commands.add_parser(
        "preview",
        help="print posts exactly as they would be sent; never publishes",
        description="Render each article into the post hashbot would send, and print it. "
        "Needs no token and no network.",
    )
    preview.add_argument("sources", nargs="+", metavar="SOURCE", help=source_help)
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
    tags.add_argument("sources", nargs="*", metavar="SOURCE", help=source_help)
    tags.add_argument(
        "--limit", type=_positive_int, metavar="N", help="at most N tags (default: HASHBOT_TAG_LIMIT)"
    )
    tags.add_argument("--explain", action="store_true", help="show each tag's score and why it was chosen")
    tags.add_argument(
        "--jsonl",
        action="store_true",
        help='read JSON lines {"id","title","text","lang"} (files or standard input) and '
        'write {"id","tags"} per line',
    )
    tags.set_defaults(handler=_cmd_tags)

    post = commands.add_parser(
        "post",
        help="publish posts for articles to the Telegram channel",
        description="Render each article and publish it to HASHBOT_CHANNEL with the bot "
        "HASHBOT_BOT_TOKEN. With --dry-run (or HASHBOT_DRY_RUN=true) the same posts are printed "
        "instead, and nothing is sent.",
    )
    post.add_argument("sources", nargs="+", metavar="SOURCE", help=source_help)
    post.add_argument("--dry-run", action="store_true", help="print the posts instead of publishing them")
    post.add_argument(
        "--template", metavar="NAME", help="template to render with (default: HASHBOT_TEMPLATE)"
    )
    post.set_defaults(handler=_cmd_post)

    bot = commands.add_parser(
        "bot",
        help="run the Telegram bot: admin commands, approvals and publishing",
        description="Run the bot with long polling until interrupted (Ctrl-C or SIGTERM). Needs "
        "HASHBOT_BOT_TOKEN, HASHBOT_CHANNEL and HASHBOT_ADMIN_IDS.",
    )
    bot.add_argument("--dry-run", action="store_true", help="start with dry run on (admins get previews)")
    bot.set_defaults(handler=_cmd_bot)
    return parser


def main(argv: Sequence[str] | None = None, *, console: Console | None = None) -> int:
    """Entry point of the `hashbot` console script and `python -m bot`."""
    console = console or Console()
    parser = build_parser()
    try:
        with redirect_stdout(console.out), redirect_stderr(console.err):
            args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.command == "tags" and not args.jsonl and not args.sources:
        console.error("tags: give at least one SOURCE, or --jsonl")
        return EXIT_USAGE
    if args.env_file is not None and not args.env_file.is_file():
        console.error(f"--env-file: {args.env_file} is not a file")
        return EXIT_USAGE
    try:
        settings = load_settings(args.env_file or DEFAULT_ENV_FILE)
    except ConfigError as exc:
        console.error(exc)
        return EXIT_USAGE
    configure_logging(level=args.log_level or settings.log_level, fmt=settings.log_format, stream=console.err)
    try:
        return int(args.handler(args, settings, console))
    except ConfigError as exc:
        console.error(exc)
        return EXIT_USAGE
    except HashbotError as exc:
        console.error(exc)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
