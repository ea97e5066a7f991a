"""Commands that render articles into posts: `preview` and `post` (`tags` is in ``_tags``).

Adapters are reached through :mod:`bot.app` by attribute, at the call: `post` loads the
Telegram side, `preview` of local files loads none.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing, contextmanager
from typing import TYPE_CHECKING

from bot import app
from bot.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    Console,
    chat_vocabulary,
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
from bot.pipeline import PostPlanner, publish_all
from bot.preview import PreviewPublisher

if TYPE_CHECKING:  # the run loop imports httpx: `hashbot preview` must not pay for it
    from bot.chat_vocabulary import ChatVocabulary
    from bot.runner import CrossPoster, LongReads, PostNow
    from bot.storage import Store


def preview(options: PreviewOptions, settings: Settings, console: Console) -> int:
    planner = app.build_planner(settings, template=options.template)
    publisher = PreviewPublisher(console.out, options.format)
    items = load(options.sources, settings, console)
    vocabulary = chat_vocabulary(settings, options.chat, console)
    if options.digest:
        return _preview_digest(items, options, planner, publisher, vocabulary, console)
    report = asyncio.run(
        publish_all(
            items, planner=planner, publisher=publisher, vocabulary=vocabulary, on_error=console.error
        )
    )
    return exit_code(report, console)


def _preview_digest(
    items: list[Loaded],
    options: PreviewOptions,
    planner: PostPlanner,
    publisher: PreviewPublisher,
    vocabulary: ChatVocabulary,
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
    post = planner.plan_digest(articles, template=options.template, vocabulary=vocabulary)
    asyncio.run(publisher.publish(post))
    return failure_status(errors)


def post(options: PostOptions, settings: Settings, console: Console) -> int:
    """Publish each article through the store, as `/post` does: recorded, and never twice unasked.

    A dry run is the same: the same runner, vocabulary, rules, duplicate check and refusals, on an
    in-memory copy of the database (as `hashbot run --dry-run`), with the preview as publisher.
    """
    dry_run = options.dry_run or settings.dry_run
    items = load(options.sources, settings, console)
    channel = settings.channel or ""

    async def run() -> int:
        failed = 0
        async with app.open_publisher(settings, dry_run=dry_run, preview_stream=console.out) as publisher:
            with _store(settings, dry_run=dry_run) as store:
                async with (
                    _long_reads(settings, store, dry_run=dry_run) as long_reads,
                    _mastodon(settings, dry_run=dry_run) as mastodon,
                ):
                    runner = app.build_runner(
                        settings,
                        store=store,
                        publisher=publisher,
                        poller=None,
                        dry_run=dry_run,
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
                        failed += not _tell_posted(item, result, settings, console, dry_run=dry_run)
        return failed

    failed = asyncio.run(run())
    if not items:
        console.error("no articles found")
        return EXIT_FAILED
    return EXIT_FAILED if failed else EXIT_OK


@contextmanager
def _store(settings: Settings, *, dry_run: bool) -> Iterator[Store]:
    """The database; in a dry run an in-memory copy of it, so nothing reaches the database."""
    if not dry_run:
        with open_db(settings) as store:
            yield store
        return
    from bot.storage import open_store_copy

    with closing(open_store_copy(settings.database)) as copy:
        yield copy


@asynccontextmanager
async def _mastodon(settings: Settings, *, dry_run: bool) -> AsyncIterator[CrossPoster | None]:
    """The Mastodon account to cross-post to; none in a dry run, which publishes nothing."""
    if dry_run:
        yield None
        return
    async with app.open_mastodon(settings) as mastodon:
        yield mastodon


@asynccontextmanager
async def _long_reads(settings: Settings, store: Store, *, dry_run: bool) -> AsyncIterator[LongReads | None]:
    """Telegraph pages for long articles when ``HASHBOT_TELEGRAPH`` is on (a posted article has no
    feed whose ``--telegraph`` could ask); None when it is off, and in a dry run."""
    if dry_run or not settings.telegraph:
        yield None
        return
    async with app.open_long_reads(settings, store) as telegraph:
        yield telegraph


def _tell_posted(
    article: Article, result: PostNow, settings: Settings, console: Console, *, dry_run: bool
) -> bool:
    """One line for what publishing `article` did (the preview says it in a dry run); False when
    it was not published."""
    from bot.storage import PostState
    from bot.telegram.posting import already

    source, post = article.source or "post", result.post
    if result.duplicate is not None:
        console.error(f"{source}: {already(result.duplicate, settings.tz)}; --again posts it again")
        return False
    if post is not None and post.state is PostState.SENT:
        if dry_run:
            return True  # the preview above is what would be published
        print(f"{source}: published to {post.chat} as message {post.message_id}", file=console.out)
        return True
    console.error(
        f"{source}: {(post.last_error if post else None) or result.report.paused or 'not published'}"
    )
    return False
