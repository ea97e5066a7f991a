"""Commands that render articles into posts: `preview` and `post` (`tags` is in ``_tags``).

Adapters are reached through :mod:`bot.app` by attribute, at the call: `post` loads the
Telegram side, `preview` of local files loads none.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from bot import app
from bot.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    Console,
    exit_code,
    failure_status,
    load,
    open_db,
)
from bot.cli._table import PostOptions, PreviewOptions
from bot.config import Settings
from bot.errors import HashbotError
from bot.ingest import Loaded
from bot.models import Article
from bot.pipeline import PostPlanner, RunReport, publish_all
from bot.preview import PreviewPublisher

if TYPE_CHECKING:  # the run loop imports httpx: `hashbot preview` must not pay for it
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
