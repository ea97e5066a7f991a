"""The run loop's parts from the settings: the runner (built first) and the scheduler that drives it."""

from __future__ import annotations

from datetime import timedelta

from bot.app._planning import build_planner
from bot.app._schedule import publish_schedule
from bot.clock import Clock, utcnow
from bot.config import Settings
from bot.ingest.poller import Poller
from bot.pipeline import Publisher
from bot.runner import CrossPoster, Editor, LongReads, Runner, RunnerConfig
from bot.scheduler import Housekeeping, Jobs, Scheduler
from bot.storage import Store


def build_runner(
    settings: Settings,
    *,
    store: Store,
    publisher: Publisher,
    poller: Poller | None,
    clock: Clock = utcnow,
    dry_run: bool = False,
    approval: bool = False,
    previewer: Publisher | None = None,
    long_reads: LongReads | None = None,
    editor: Editor | None = None,
    mastodon: CrossPoster | None = None,
) -> Runner:
    """The run loop's passes. `approval` only where admins are asked (a bot watches the runner);
    `dry_run`: the store is a dry run's copy, where previews count as sent. `long_reads` makes the
    Telegraph pages of long articles (``HASHBOT_TELEGRAPH``, ``feeds add --telegraph``); `editor`
    edits the channel messages of corrected items (``feeds add --edit-updates``)."""
    config = RunnerConfig(
        schedule=publish_schedule(settings),
        channel=settings.channel,
        approval=approval,
        previews_count_as_sent=dry_run,
        vocabulary_days=settings.vocabulary_days,
        long_reads_for_all=settings.telegraph,
        mastodon_all=settings.mastodon_all,
    )
    return Runner(
        store=store,
        planner=build_planner(settings),
        publisher=publisher,
        config=config,
        poller=poller,
        clock=clock,
        previewer=previewer,
        long_reads=long_reads,
        editor=editor,
        mastodon=mastodon,
    )


def housekeeping(settings: Settings) -> Housekeeping:
    return Housekeeping(retention=timedelta(days=settings.seen_retention_days))


def build_scheduler(
    settings: Settings, runner: Runner, *, jobs: Jobs, store: Store, clock: Clock = utcnow
) -> Scheduler:
    """The jobs that drive `runner`, on `jobs` (PTB's JobQueue scheduler when the bot runs)."""
    return Scheduler(
        jobs,
        runner,
        store=store,
        schedule=publish_schedule(settings),
        clock=clock,
        housekeeping=housekeeping(settings),
    )
