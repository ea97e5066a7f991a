"""`hashbot feeds ACTION`: subscribe, list, remove, enable, disable, import, export and poll."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_poller, open_fetcher
from bot.cli._common import EXIT_FAILED, EXIT_OK, Console, SubParsers, open_db
from bot.config import Settings
from bot.errors import HashbotError, SourceFormatError, StoreError
from bot.ingest.opml import parse_opml, to_opml
from bot.ingest.poller import Outcome, PollResult
from bot.ingest.subscribe import FeedCheck, check_feed, find_feed, subscribe
from bot.storage import Feed, Store


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
        silent=args.silent,
    )

    async def add(store: Store) -> tuple[Feed, FeedCheck | None]:
        if not args.check:
            return await subscribe(store, feed)
        async with open_fetcher(settings) as fetcher:
            return await subscribe(store, feed, fetcher=fetcher)

    with open_db(settings) as store:
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
    with open_db(settings) as store:
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
        if feed.silent:
            details.append("silent")
        if feed.chat:
            details.append(f"to {feed.chat}" + (f" topic {feed.topic}" if feed.topic else ""))
        print(f"      {', '.join(details)}", file=console.out)
        if feed.last_error:
            print(f"      last error ({feed.error_count} in a row): {feed.last_error}", file=console.out)
    return EXIT_OK


def _cmd_feeds_remove(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    with open_db(settings) as store:
        for ref in args.feeds:
            feed = _find(store, ref)
            assert feed.id is not None
            store.remove_feed(feed.id)
            print(f"removed feed {feed.id}: {feed.label}", file=console.out)
    return EXIT_OK


def _cmd_feeds_enable(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    enable = args.feeds_command == "enable"
    with open_db(settings) as store:
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
    with open_db(settings) as store:
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
    with open_db(settings) as store:
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
    with open_db(settings) as store:
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


def register(commands: SubParsers) -> None:
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
    add.add_argument(
        "--silent",
        action="store_true",
        help="post this feed's items without a notification sound (subscribers still see them)",
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
