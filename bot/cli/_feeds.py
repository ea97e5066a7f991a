"""`hashbot feeds ACTION`: subscribe, list, remove, enable, disable, import, export and poll."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from datetime import datetime, tzinfo

from bot import app
from bot.cli._common import EXIT_BUG, EXIT_FAILED, EXIT_OK, Console, Progress, open_db
from bot.cli._table import (
    FeedsAddOptions,
    FeedsExportOptions,
    FeedsImportOptions,
    FeedsListOptions,
    FeedsRefOptions,
    FeedsToggleOptions,
)
from bot.clock import utcnow
from bot.config import Settings
from bot.errors import HashbotError, SourceFormatError, StoreError
from bot.ingest.opml import parse_opml, to_opml
from bot.ingest.poller import Outcome, PollResult
from bot.ingest.subscribe import FeedCheck, check_feed, find_feed, subscribe
from bot.planner import local_time
from bot.storage import Feed, FeedMedia, NewFeed, Store


def _find(store: Store, ref: str) -> Feed:
    feed = find_feed(store, ref)
    if feed is None:
        raise StoreError(f"no feed {ref!r}; `hashbot feeds list` shows ids and addresses")
    return feed


def add(options: FeedsAddOptions, settings: Settings, console: Console) -> int:
    feed = NewFeed(
        url=options.url,
        name=options.name,
        chat=options.chat,
        topic=options.topic,
        template=options.template,
        interval=options.interval or settings.feed_interval * 60,
        tags=tuple(tag.lstrip("#") for tag in options.tags),
        include=options.include,
        exclude=options.exclude,
        lang=options.lang,
        fetch_pages=options.fetch_pages,
        silent=options.silent,
        media=FeedMedia(options.media),
        telegraph=options.telegraph,
        edit_updates=options.edit_updates,
        digest_at=options.digest_at,
        mastodon=options.mastodon,
    )

    async def subscribe_to(store: Store) -> tuple[Feed, FeedCheck | None]:
        if not options.check:
            return await subscribe(store, feed, clock=utcnow)
        async with app.open_fetcher(settings) as fetcher:
            return await subscribe(store, feed, clock=utcnow, fetcher=fetcher)

    with open_db(settings) as store:
        added, probe = asyncio.run(subscribe_to(store))
    if probe is not None:
        found = f" (announced by {probe.given})" if probe.given else ""
        items = "1 item" if probe.items == 1 else f"{probe.items} items"
        print(f"{probe.url}{found}: a feed with {items}", file=console.out)
    print(f"added feed {added.id}: {added.label} (every {_duration(added.interval)})", file=console.out)
    return EXIT_OK


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def _when(moment: datetime | None, tz: tzinfo) -> str:
    return local_time(moment, tz) if moment else "never"


def list_feeds(options: FeedsListOptions, settings: Settings, console: Console) -> int:
    with open_db(settings) as store:
        feeds = store.feeds()
    if options.json:
        for feed in feeds:
            print(json.dumps(asdict(feed), default=str, ensure_ascii=False), file=console.out)
        return EXIT_OK
    if not feeds:
        print("no feeds yet; add one with `hashbot feeds add URL`", file=console.out)
    for feed in feeds:
        state = "off" if not feed.enabled else "failing" if feed.error_count else "ok"
        print(f"{feed.id:>4}  {state:<7}  {feed.label}", file=console.out)
        details = [f"every {_duration(feed.interval)}", f"last poll {_when(feed.last_checked, settings.tz)}"]
        if feed.name:
            details.insert(0, feed.url)
        if feed.silent:
            details.append("silent")
        if feed.telegraph:
            details.append("telegraph")
        if feed.edit_updates:
            details.append("edits")
        if feed.mastodon:
            details.append("mastodon")
        if feed.digest_at:
            details.append(f"digest at {', '.join(feed.digest_at)}")
        if feed.media is not FeedMedia.ALL:
            details.append(f"media {feed.media.value}")
        if feed.chat:
            details.append(f"to {feed.chat}" + (f" topic {feed.topic}" if feed.topic else ""))
        print(f"      {', '.join(details)}", file=console.out)
        if feed.last_error:
            print(f"      last error ({feed.error_count} in a row): {feed.last_error}", file=console.out)
    return EXIT_OK


def remove(options: FeedsRefOptions, settings: Settings, console: Console) -> int:
    with open_db(settings) as store:
        for ref in options.feeds:
            feed = _find(store, ref)
            store.remove_feed(feed.id)
            print(f"removed feed {feed.id}: {feed.label}", file=console.out)
    return EXIT_OK


def toggle(options: FeedsToggleOptions, settings: Settings, console: Console) -> int:
    enable = options.enable
    with open_db(settings) as store:
        for ref in options.feeds:
            feed = _find(store, ref)
            store.set_feed_enabled(feed.id, enable)
            print(f"{'enabled' if enable else 'disabled'} feed {feed.id}: {feed.label}", file=console.out)
    return EXIT_OK


def import_opml(options: FeedsImportOptions, settings: Settings, console: Console) -> int:
    try:
        data = options.file.read_bytes()
    except OSError as exc:
        raise SourceFormatError(str(options.file), f"cannot be read: {exc.strerror or exc}") from None
    added = failed = 0
    with open_db(settings) as store:
        for feed in parse_opml(data, source=str(options.file)):
            try:
                store.add_feed(check_feed(feed), now=utcnow())
                added += 1
            except HashbotError as exc:
                console.error(exc)
                failed += 1
    print(
        f"imported {added} feeds from {options.file}" + (f"; {failed} skipped" if failed else ""),
        file=console.out,
    )
    return EXIT_FAILED if failed else EXIT_OK


def export_opml(options: FeedsExportOptions, settings: Settings, console: Console) -> int:
    with open_db(settings) as store:
        document = to_opml(store.feeds(), now=utcnow())
    if options.output is None:
        console.out.write(document)
    else:
        options.output.write_text(document, encoding="utf-8")
    return EXIT_OK


def _poll_line(result: PollResult) -> str:
    head = f"{result.feed.id:>4}  {result.feed.label}: {result.outcome.value}"
    if result.outcome is Outcome.UPDATED:
        return f"{head}, {result.new_items} new, {len(result.queued)} queued"
    if result.error:
        return f"{head}: {result.error}"
    return head


def poll(options: FeedsRefOptions, settings: Settings, console: Console) -> int:
    """Poll the feeds once each, under claims (bot.workers): a feed another worker is polling is
    left to it, so two `feeds poll` (or a `hashbot run` beside one) share the feeds."""
    started = utcnow()
    with open_db(settings) as store:
        feeds = [_find(store, ref) for ref in options.feeds] if options.feeds else store.feeds()
        for feed in feeds:
            if options.feeds and not feed.enabled:
                console.error(
                    f"feed {feed.id} is disabled; `hashbot feeds enable {feed.id}` polls it at once"
                )
        feeds = [feed for feed in feeds if feed.enabled]
        if not feeds:
            console.error("no enabled feeds to poll")
            return EXIT_FAILED

        progress = Progress(console.err)
        done: list[PollResult] = []

        def on_done(result: PollResult) -> None:
            """Each feed's line as soon as it is polled, and on a terminal how far the poll is."""
            done.append(result)
            progress.clear()
            print(_poll_line(result), file=console.out, flush=True)
            failed = sum(_failed(each) for each in done)
            progress.show(f"polled {len(done)}/{len(feeds)} feeds, {failed} failed so far")

        async def poll_all() -> list[PollResult]:
            async with app.open_fetcher(settings) as fetcher:
                poller = app.build_poller(settings, store=store, fetcher=fetcher)
                ids = [feed.id for feed in feeds] if options.feeds else None
                return await poller.poll_claimed(feed_ids=ids, unchecked_since=started, on_done=on_done)

        try:
            results = asyncio.run(poll_all())
        finally:
            progress.clear()
    others = len(feeds) - len(results)
    if others:
        print(f"{others} feeds: polled by another worker meanwhile, left to it", file=console.out)
    if any(result.unexpected for result in results):
        return EXIT_BUG
    refused = len(feeds) < len(options.feeds)  # disabled feeds named
    return EXIT_FAILED if refused or any(_failed(result) for result in results) else EXIT_OK


def _failed(result: PollResult) -> bool:
    return result.outcome in (Outcome.FAILED, Outcome.DISABLED)
