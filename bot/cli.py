"""The `hashbot` command line: the only place that prints, configures logging and picks exit codes.

Exit codes: 0 success, 1 some input could not be handled (the rest was), 2 bad usage or settings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager, redirect_stderr, redirect_stdout
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot import __version__
from bot.app import (
    RunOptions,
    build_planner,
    build_poller,
    fetch_pages,
    housekeeping,
    open_fetcher,
    open_publisher,
    open_state,
    publish_schedule,
    run,
)
from bot.config import Settings, load_settings
from bot.errors import ConfigError, HashbotError, SourceFormatError, StoreError
from bot.ingest import STDIN, Loaded, is_web_address, load_sources
from bot.ingest.formats import article_from_mapping
from bot.ingest.opml import parse_opml, to_opml
from bot.ingest.poller import Outcome, PollResult
from bot.ingest.subscribe import FeedCheck, check_feed, find_feed, subscribe
from bot.logs import configure_logging
from bot.pipeline import PostPlanner, RunReport, publish_all
from bot.planner import parse_when
from bot.preview import PreviewFormat, PreviewPublisher
from bot.runner import queue_one_off
from bot.status import status_lines
from bot.storage import Feed, Store

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


def _load(sources: Sequence[str], settings: Settings, console: Console) -> list[Loaded]:
    """Every source's articles; web addresses are fetched first, all at once."""
    urls = [source for source in sources if is_web_address(source)]
    pages = asyncio.run(fetch_pages(settings, urls)) if urls else {}
    return list(load_sources(sources, stdin=console.stdin, pages=pages))


def _cmd_preview(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    planner = build_planner(settings, template=args.template)
    publisher = PreviewPublisher(console.out, PreviewFormat(args.format))
    if args.digest:
        return _preview_digest(_load(args.sources, settings, console), args, planner, publisher, console)
    report = asyncio.run(
        publish_all(
            _load(args.sources, settings, console),
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
    limit = args.limit
    if args.jsonl and limit is None:
        limit = max(settings.tag_limit, JSONL_TAG_LIMIT)
    planner = build_planner(settings, tag_limit=limit)
    if args.jsonl:
        return _tags_jsonl(args.sources or [STDIN], planner, console)
    failed = found = 0
    articles = _load(args.sources, settings, console)
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
    items = _load(args.sources, settings, console)

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
    return _exit_code(report, console)


#: The bundled example feed a dry run reads when no feed is configured (from a clone of the repo).
EXAMPLE_FEED = Path(__file__).resolve().parent.parent / "examples" / "feed.xml"


def _cmd_run(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    dry_run = args.dry_run or settings.dry_run
    example = EXAMPLE_FEED if EXAMPLE_FEED.is_file() else Path("examples/feed.xml")
    options = RunOptions(
        dry_run=dry_run,
        once=args.once,
        example_feed=example if example.is_file() else None,
        housekeeping=housekeeping(settings),
    )
    report = asyncio.run(run(settings, options, preview_stream=console.out))
    if report is not None and (report.failed or report.uncertain):
        return EXIT_FAILED
    return EXIT_OK


def _cmd_status(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    with _store(settings) as store:
        lines = status_lines(store, schedule=publish_schedule(settings), now=datetime.now(UTC))
    print("\n".join(lines), file=console.out)
    return EXIT_OK


def _cmd_schedule(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    now = datetime.now(UTC)
    try:
        when = parse_when(args.when, now=now, tz=settings.tz)
    except ValueError as exc:
        raise ConfigError("WHEN", str(exc)) from None
    failed = 0
    with _store(settings) as store:
        for item in _load(args.sources, settings, console):
            if isinstance(item, HashbotError):
                console.error(item)
                failed += 1
                continue
            post_id = queue_one_off(store, item, when=when, chat=settings.channel or "", now=now)
            if post_id is None:
                console.error(f"{item.source}: already queued or published in the channel; not scheduled")
                failed += 1
                continue
            print(
                f"{item.source}: scheduled as post {post_id} for "
                f"{when.astimezone(settings.tz):%Y-%m-%d %H:%M} ({settings.timezone})",
                file=console.out,
            )
    return EXIT_FAILED if failed else EXIT_OK


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


# Feed management: `hashbot feeds …`


@contextmanager
def _store(settings: Settings) -> Iterator[Store]:
    with closing(open_state(settings)) as store:
        yield store


def _find(store: Store, ref: str) -> Feed:
    feed = find_feed(store, ref)
    if feed is None:
        raise StoreError(f"no feed {ref!r}; `hashbot feeds list` shows ids and addresses")
    return feed


def _cmd_feeds_add(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    feed = Feed(
        url=args.url,
        name=args.name,
        chat=args.chat,
        topic=args.topic,
        template=args.template,
        interval=args.interval or settings.feed_interval * 60,
        tags=tuple(tag.lstrip("#") for tag in args.tags),
        include=tuple(args.include),
        exclude=tuple(args.exclude),
        lang=args.lang,
        fetch_pages=args.fetch_pages,
    )

    async def add(store: Store) -> tuple[Feed, FeedCheck | None]:
        if not args.check:
            return await subscribe(store, feed)
        async with open_fetcher(settings) as fetcher:
            return await subscribe(store, feed, fetcher=fetcher)

    with _store(settings) as store:
        added, probe = asyncio.run(add(store))
    if probe is not None:
        found = f" (announced by {probe.given})" if probe.given else ""
        print(f"{probe.url}{found}: a feed with {probe.items} items", file=console.out)
    print(f"added feed {added.id}: {added.label} (every {_duration(added.interval)})", file=console.out)
    return EXIT_OK


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if moment else "never"


def _cmd_feeds_list(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    with _store(settings) as store:
        feeds = store.feeds()
    if args.json:
        for feed in feeds:
            print(json.dumps(asdict(feed), default=str, ensure_ascii=False), file=console.out)
        return EXIT_OK
    if not feeds:
        print("no feeds yet; add one with `hashbot feeds add URL`", file=console.out)
    for feed in feeds:
        state = "off" if not feed.enabled else "failing" if feed.error_count else "ok"
        print(f"{feed.id:>4}  {state:<7}  {feed.label}", file=console.out)
        details = [f"every {_duration(feed.interval)}", f"last poll {_when(feed.last_checked)}"]
        if feed.name:
            details.insert(0, feed.url)
        if feed.chat:
            details.append(f"to {feed.chat}" + (f" topic {feed.topic}" if feed.topic else ""))
        print(f"      {', '.join(details)}", file=console.out)
        if feed.last_error:
            print(f"      last error ({feed.error_count} in a row): {feed.last_error}", file=console.out)
    return EXIT_OK


def _cmd_feeds_remove(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    with _store(settings) as store:
        for ref in args.feeds:
            feed = _find(store, ref)
            assert feed.id is not None
            store.remove_feed(feed.id)
            print(f"removed feed {feed.id}: {feed.label}", file=console.out)
    return EXIT_OK


def _cmd_feeds_enable(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    enable = args.feeds_command == "enable"
    with _store(settings) as store:
        for ref in args.feeds:
            feed = _find(store, ref)
            assert feed.id is not None
            store.set_feed_enabled(feed.id, enable)
            print(f"{'enabled' if enable else 'disabled'} feed {feed.id}: {feed.label}", file=console.out)
    return EXIT_OK


def _cmd_feeds_import(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise SourceFormatError(str(args.file), f"cannot be read: {exc.strerror or exc}") from None
    added = failed = 0
    with _store(settings) as store:
        for feed in parse_opml(data, source=str(args.file)):
            try:
                store.add_feed(check_feed(feed))
                added += 1
            except HashbotError as exc:
                console.error(exc)
                failed += 1
    print(
        f"imported {added} feeds from {args.file}" + (f"; {failed} skipped" if failed else ""),
        file=console.out,
    )
    return EXIT_FAILED if failed else EXIT_OK


def _cmd_feeds_export(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    with _store(settings) as store:
        document = to_opml(store.feeds(), now=datetime.now(UTC))
    if args.output is None:
        console.out.write(document)
    else:
        args.output.write_text(document, encoding="utf-8")
    return EXIT_OK


def _poll_line(result: PollResult) -> str:
    head = f"{result.feed.id:>4}  {result.feed.label}: {result.outcome.value}"
    if result.outcome is Outcome.UPDATED:
        return f"{head}, {result.new_items} new, {len(result.queued)} queued"
    if result.error:
        return f"{head}: {result.error}"
    return head


def _cmd_feeds_poll(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    with _store(settings) as store:
        feeds = (
            [_find(store, ref) for ref in args.feeds]
            if args.feeds
            else [f for f in store.feeds() if f.enabled]
        )
        if not feeds:
            console.error("no enabled feeds to poll")
            return EXIT_FAILED

        async def poll() -> list[PollResult]:
            async with open_fetcher(settings) as fetcher:
                return await build_poller(settings, store=store, fetcher=fetcher).poll_many(feeds)

        results = asyncio.run(poll())
    for result in results:
        print(_poll_line(result), file=console.out)
    failed = any(result.outcome in (Outcome.FAILED, Outcome.DISABLED) for result in results)
    return EXIT_FAILED if failed else EXIT_OK


_INTERVAL = re.compile(r"(\d+)\s*(m|min|h|d)?", re.IGNORECASE)


def _interval(value: str) -> int:
    """Poll interval in seconds from `45` (minutes), `30m`, `2h` or `1d`."""
    match = _INTERVAL.fullmatch(value.strip())
    if not match or int(match.group(1)) < 1:
        raise argparse.ArgumentTypeError("expected minutes or a number with m, h or d, such as 30m or 2h")
    unit = (match.group(2) or "m").lower()
    return int(match.group(1)) * {"m": 60, "min": 60, "h": 3600, "d": 86400}[unit]


def _comma_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _add_feeds_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`hashbot feeds ACTION`: one sub-command per action on the feed list."""
    feeds = commands.add_parser(
        "feeds",
        help="add, list, remove, import, export and poll feeds",
        description="Manage the feeds hashbot polls. Feeds live in the database (HASHBOT_DATABASE).",
    )
    sub = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    ref_help = "feed id or address, as `hashbot feeds list` shows"

    add = sub.add_parser(
        "add",
        help="subscribe to a feed",
        description="Subscribe to an RSS, Atom or JSON feed. "
        "A web page's address works too: its announced feed is found at the first poll. "
        "The first poll queues only the newest HASHBOT_FEED_FIRST_ITEMS items.",
    )
    add.add_argument("url", metavar="URL", help="address of the feed (http or https)")
    add.add_argument(
        "--check",
        action="store_true",
        help="fetch the feed once first: refuse it unless it is a feed, and save a web page's "
        "announced feed and the feed's title as its name",
    )
    add.add_argument("--name", help="name shown in messages and posts (default: the address)")
    add.add_argument("--chat", help="target chat: @channel or numeric id (default: HASHBOT_CHANNEL)")
    add.add_argument("--topic", type=int, metavar="ID", help="forum topic (message thread) id in a group")
    add.add_argument(
        "--template", metavar="NAME", help="template for this feed's posts (default: HASHBOT_TEMPLATE)"
    )
    add.add_argument(
        "--interval",
        type=_interval,
        metavar="TIME",
        help="time between polls: minutes, or 30m, 2h, 1d (default: HASHBOT_FEED_INTERVAL)",
    )
    add.add_argument(
        "--tags", type=_comma_list, default=[], metavar="A,B", help="hashtags added to every post"
    )
    add.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="TERM",
        help="post only items matching a term (repeatable): a keyword, matched ignoring case "
        "and accents, or /regex/",
    )
    add.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="TERM",
        help="never post items matching a term (repeatable), as --include",
    )
    add.add_argument(
        "--lang", metavar="CODE", help="language of the feed's articles (e.g. fr), if it says none"
    )
    add.add_argument(
        "--fetch-pages",
        action="store_true",
        help="fetch the article page for items whose feed text is only a teaser",
    )
    add.set_defaults(handler=_cmd_feeds_add)

    listing = sub.add_parser(
        "list",
        help="list feeds with their state and last error",
        description="List feeds: id, state (ok, failing, off), last poll and last error.",
    )
    listing.add_argument("--json", action="store_true", help="one JSON object per feed")
    listing.set_defaults(handler=_cmd_feeds_list)

    remove = sub.add_parser(
        "remove",
        help="unsubscribe from feeds; their queued posts stay",
        description="Remove feeds and what they have seen. Posts already queued stay queued.",
    )
    remove.add_argument("feeds", nargs="+", metavar="FEED", help=ref_help)
    remove.set_defaults(handler=_cmd_feeds_remove)

    for action, what in (
        ("enable", "resume polling feeds (after they were disabled)"),
        ("disable", "stop polling feeds"),
    ):
        toggle = sub.add_parser(action, help=what, description=what[0].upper() + what[1:] + ".")
        toggle.add_argument("feeds", nargs="+", metavar="FEED", help=ref_help)
        toggle.set_defaults(handler=_cmd_feeds_enable)

    imports = sub.add_parser(
        "import",
        help="subscribe to every feed of an OPML file",
        description="Subscribe to the feeds of an OPML file (from hashbot or any feed reader).",
    )
    imports.add_argument("file", type=Path, metavar="FILE.opml", help="OPML file to read")
    imports.set_defaults(handler=_cmd_feeds_import)

    export = sub.add_parser(
        "export",
        help="write all feeds as OPML 2.0",
        description="Write every feed and its settings as OPML 2.0 (standard output by default).",
    )
    export.add_argument(
        "output", type=Path, nargs="?", metavar="FILE", help="file to write instead of standard output"
    )
    export.set_defaults(handler=_cmd_feeds_export)

    poll = sub.add_parser(
        "poll",
        help="poll feeds now and queue their new items",
        description="Poll the given feeds (default: every enabled feed) once, queue new items "
        "and print what each feed did. Exit status 1 if any feed failed.",
    )
    poll.add_argument("feeds", nargs="*", metavar="FEED", help=ref_help)
    poll.set_defaults(handler=_cmd_feeds_poll)


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

    source_help = (
        "article file (.txt .md .html .json .jsonl, or a feed .xml .rss .atom), folder of them, "
        "http(s) address of a web page, or - for standard input"
    )

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
    post.add_argument("sources", nargs="+", metavar="SOURCE", help=source_help)
    post.add_argument("--dry-run", action="store_true", help="print the posts instead of publishing them")
    post.add_argument(
        "--template", metavar="NAME", help="template to render with (default: HASHBOT_TEMPLATE)"
    )
    post.set_defaults(handler=_cmd_post)

    run_parser = commands.add_parser(
        "run",
        help="the main job: poll feeds and publish new items on the schedule",
        description="Poll every feed on its interval, tag and render new items, and publish them "
        "at the publishing slots (HASHBOT_PUBLISH_*), answering bot commands meanwhile, until "
        "Ctrl-C or SIGTERM; the send in flight is finished first. Needs HASHBOT_BOT_TOKEN, "
        "HASHBOT_CHANNEL and HASHBOT_ADMIN_IDS, except with --dry-run.",
    )
    run_parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the posts instead of publishing them, working on an in-memory copy of the "
        "database (a later real run is unaffected); needs no token; with no feed configured it "
        "reads the bundled examples/feed.xml",
    )
    run_parser.add_argument(
        "--once", action="store_true", help="one poll and one publish pass, then exit (for cron)"
    )
    run_parser.set_defaults(handler=_cmd_run)

    status = commands.add_parser(
        "status",
        help="show feeds, the queue and the next publishing slot",
        description="Show whether publishing is paused, the next publishing slot, the queue by "
        "state, and every feed's last poll, next poll and last error.",
    )
    status.set_defaults(handler=_cmd_status)

    schedule = commands.add_parser(
        "schedule",
        help="queue a post to go out at a given local time",
        description="Queue one post per article to be published at WHEN (in HASHBOT_TIMEZONE), "
        "whatever the publishing slots, caps and quiet hours say. A running `hashbot run` picks "
        "it up within a minute.",
    )
    schedule.add_argument("when", metavar="WHEN", help='"YYYY-MM-DD HH:MM", or HH:MM for its next occurrence')
    schedule.add_argument("sources", nargs="+", metavar="SOURCE", help=source_help)
    schedule.set_defaults(handler=_cmd_schedule)
    _add_feeds_parser(commands)
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
