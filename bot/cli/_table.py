"""The command table: every `hashbot` command's options, arguments and help, and where it runs.

A command is three things, side by side here:

- its **options**, a frozen dataclass whose fields are exactly the parser's destinations (a test
  checks both ways, so no option is parsed and then silently ignored);
- its **parser**, added in ``register``;
- its **handler**, named as ``module:function`` (the notation of entry points) and imported only
  when the command runs, so that the table, and `hashbot tags`, never import python-telegram-bot,
  APScheduler or httpx (pip's command table does the same).

A handler is ``(options, settings, console) -> int``. To add a command, copy one: options class,
parser, handler in the module of its group.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias, TypeVar, cast

from bot import __version__
from bot.models import PreviewFormat

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from bot.cli._common import Console
    from bot.config import Settings

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Options = TypeVar("Options", bound="DataclassInstance")

SOURCE_HELP = (
    "article file (.txt .md .html .json .jsonl, or a feed .xml .rss .atom), folder of them, "
    "http(s) address of a web page, or - for standard input"
)
#: Tags per article that `tags --jsonl` writes by default: keyphrase sets are scored at 5 and 10.
JSONL_TAG_LIMIT = 10


@dataclass(frozen=True, slots=True)
class Command(Generic[Options]):
    """One row of the table: the type of a command's options and where its handler lives."""

    options: type[Options]
    handler: str

    def options_from(self, args: argparse.Namespace) -> Options:
        return options_from(args, self.options)

    def load(self) -> Callable[[Options, Settings, Console], int]:
        """The handler, its module imported now (with the adapters it needs, and no others)."""
        module, _, name = self.handler.partition(":")
        return cast("Callable[[Options, Settings, Console], int]", getattr(import_module(module), name))


def options_from(args: argparse.Namespace, kind: type[Options]) -> Options:
    """The one place where parsed arguments become typed options; argparse's lists become tuples."""
    values = vars(args)
    return kind(**{f.name: _frozen(values[f.name]) for f in fields(kind)})


def _frozen(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _add(
    commands: SubParsers, name: str, command: Command[Any], *, help: str, description: str
) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help, description=description)
    parser.set_defaults(command=command)
    return parser


@dataclass(frozen=True, slots=True)
class GlobalOptions:
    """The options before the command's name."""

    env_file: Path | None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] | None


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
    commands = parser.add_subparsers(dest="command_name", metavar="COMMAND", required=True)
    _register_articles(commands)
    _register_run(commands)
    _register_feeds(commands)
    _register_vocab(commands)
    return parser


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


# -- articles: preview, tags, post ------------------------------------------------------------------


def _preview_format(value: str) -> PreviewFormat:
    try:
        return PreviewFormat(value)
    except ValueError:
        choices = ", ".join(repr(choice.value) for choice in PreviewFormat)
        raise argparse.ArgumentTypeError(f"invalid choice: {value!r} (choose from {choices})") from None


@dataclass(frozen=True, slots=True)
class PreviewOptions:
    sources: tuple[str, ...]
    format: PreviewFormat
    template: str | None
    digest: bool
    chat: str | None


@dataclass(frozen=True, slots=True)
class TagsOptions:
    sources: tuple[str, ...]
    limit: int | None
    explain: bool
    jsonl: bool
    chat: str | None


@dataclass(frozen=True, slots=True)
class PostOptions:
    sources: tuple[str, ...]
    dry_run: bool
    template: str | None
    again: bool


VOCABULARY_CHAT_HELP = (
    "tag in this chat's vocabulary and its admins' rules, read from HASHBOT_DATABASE when it "
    "exists: @channel or numeric id (default: HASHBOT_CHANNEL)"
)


def _register_articles(commands: SubParsers) -> None:
    preview = _add(
        commands,
        "preview",
        Command(PreviewOptions, "bot.cli._articles:preview"),
        help="print posts exactly as they would be sent; never publishes",
        description="Render each article into the post hashbot would send, and print it. "
        "Needs no token and no network.",
    )
    preview.add_argument("sources", nargs="+", metavar="SOURCE", help=SOURCE_HELP)
    preview.add_argument(
        "--format",
        type=_preview_format,
        choices=list(PreviewFormat),
        default=PreviewFormat.HTML,
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
    preview.add_argument("--chat", help=VOCABULARY_CHAT_HELP)

    tags = _add(
        commands,
        "tags",
        Command(TagsOptions, "bot.cli._tags:tags"),
        help="print the hashtags chosen for articles",
        description="Print the hashtags for each article, best first.",
    )
    tags.add_argument("sources", nargs="*", metavar="SOURCE", help=SOURCE_HELP)
    tags.add_argument(
        "--limit", type=positive_int, metavar="N", help="at most N tags (default: HASHBOT_TAG_LIMIT)"
    )
    tags.add_argument("--explain", action="store_true", help="show each tag's score and why it was chosen")
    tags.add_argument("--chat", help=VOCABULARY_CHAT_HELP + "; not with --jsonl")
    tags.add_argument(
        "--jsonl",
        action="store_true",
        help='read JSON lines {"id","title","text","lang"} (files or standard input) and '
        f'write {{"id","tags"}} per line, up to {JSONL_TAG_LIMIT} tags (or HASHBOT_TAG_LIMIT if higher)',
    )

    post = _add(
        commands,
        "post",
        Command(PostOptions, "bot.cli._articles:post"),
        help="publish posts for articles to the Telegram channel",
        description="Render each article and publish it to HASHBOT_CHANNEL with the bot "
        "HASHBOT_BOT_TOKEN, recorded in the database like every post; an article the channel "
        "already has is refused unless --again. With --dry-run (or HASHBOT_DRY_RUN=true) the same "
        "command runs on a copy of the database: the posts are printed instead, with the tags and "
        "refusals of the real one, and nothing is sent or written.",
    )
    post.add_argument("sources", nargs="+", metavar="SOURCE", help=SOURCE_HELP)
    post.add_argument("--dry-run", action="store_true", help="print the posts instead of publishing them")
    post.add_argument(
        "--again",
        action="store_true",
        help="publish an article even if the channel already has it (by default it is refused)",
    )
    post.add_argument(
        "--template", metavar="NAME", help="template to render with (default: HASHBOT_TEMPLATE)"
    )


# -- the run loop: run, status, schedule -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunCommandOptions:
    dry_run: bool
    once: bool
    no_bot: bool


@dataclass(frozen=True, slots=True)
class StatusOptions:
    pass


@dataclass(frozen=True, slots=True)
class CopyDbOptions:
    target: str


@dataclass(frozen=True, slots=True)
class ScheduleOptions:
    when: str
    sources: tuple[str, ...]


def _register_run(commands: SubParsers) -> None:
    run = _add(
        commands,
        "run",
        Command(RunCommandOptions, "bot.cli._run:run"),
        help="the main job: poll feeds and publish new items on the schedule",
        description="Poll every feed on its interval, tag and render new items, and publish them "
        "at the publishing slots (HASHBOT_PUBLISH_*), answering bot commands meanwhile, until "
        "Ctrl-C or SIGTERM; the send in flight is finished first. Needs HASHBOT_BOT_TOKEN, "
        "HASHBOT_CHANNEL and HASHBOT_ADMIN_IDS, except with --dry-run.",
    )
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="print the posts instead of publishing them, working on an in-memory copy of the "
        "database (a later real run is unaffected); needs no token; with no feed configured it "
        "reads the bundled examples/feed.xml",
    )
    run.add_argument(
        "--once", action="store_true", help="one poll and one publish pass, then exit (for cron)"
    )
    run.add_argument(
        "--no-bot",
        action="store_true",
        help="poll and publish without answering bot commands: one of several workers sharing the "
        "database with one `hashbot run` that answers them. Workers split the feed polls between "
        "them (each feed polled by one at a time) and one of them sends at a time",
    )

    _add(
        commands,
        "status",
        Command(StatusOptions, "bot.cli._run:status"),
        help="show feeds, the queue and the next publishing slot",
        description="Show whether publishing is paused, the next publishing slot, the queue by "
        "state, and every feed's last poll, next poll and last error.",
    )

    schedule = _add(
        commands,
        "schedule",
        Command(ScheduleOptions, "bot.cli._run:schedule"),
        help="queue a post to go out at a given local time",
        description="Queue one post per article to be published at WHEN (in HASHBOT_TIMEZONE), "
        "whatever the publishing slots, caps and quiet hours say. A running `hashbot run` picks "
        "it up within a minute.",
    )
    schedule.add_argument("when", metavar="WHEN", help='"YYYY-MM-DD HH:MM", or HH:MM for its next occurrence')
    schedule.add_argument("sources", nargs="+", metavar="SOURCE", help=SOURCE_HELP)

    copy_db = _add(
        commands,
        "copy-db",
        Command(CopyDbOptions, "bot.cli._db:copy_db"),
        help="copy the whole database into a new one (SQLite to PostgreSQL, or back)",
        description="Copy every feed, post, seen item, tag and setting of HASHBOT_DATABASE into "
        "TARGET, which must be new or empty; ids are kept. The source is read as a snapshot and "
        "never written: stop `hashbot run` first so nothing happens after the snapshot, then "
        "point HASHBOT_DATABASE at TARGET.",
    )
    copy_db.add_argument(
        "target", metavar="TARGET", help="a SQLite file path or a postgresql://user:password@host/db URL"
    )


# -- feeds ACTION ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedsAddOptions:
    url: str
    check: bool
    name: str | None
    chat: str | None
    topic: int | None
    template: str | None
    interval: int | None
    tags: tuple[str, ...]
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    lang: str | None
    fetch_pages: bool
    media: Literal["all", "first", "none"]
    telegraph: bool
    edit_updates: bool
    digest_at: tuple[str, ...]
    mastodon: bool
    silent: bool


@dataclass(frozen=True, slots=True)
class FeedsListOptions:
    json: bool


@dataclass(frozen=True, slots=True)
class FeedsRefOptions:
    """`remove`, `enable`, `disable` and `poll`: the feeds to act on."""

    feeds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FeedsToggleOptions:
    feeds: tuple[str, ...]
    enable: bool


@dataclass(frozen=True, slots=True)
class FeedsImportOptions:
    file: Path


@dataclass(frozen=True, slots=True)
class FeedsExportOptions:
    output: Path | None


_INTERVAL = re.compile(r"(\d+)\s*(m|min|h|d)?", re.IGNORECASE)


def interval(value: str) -> int:
    """Poll interval in seconds from `45` (minutes), `30m`, `2h` or `1d`."""
    match = _INTERVAL.fullmatch(value.strip())
    if not match or int(match.group(1)) < 1:
        raise argparse.ArgumentTypeError("expected minutes or a number with m, h or d, such as 30m or 2h")
    unit = (match.group(2) or "m").lower()
    return int(match.group(1)) * {"m": 60, "min": 60, "h": 3600, "d": 86400}[unit]


def _comma_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


_CLOCK = re.compile(r"([01]?\d|2[0-3]):[0-5]\d")


def _clock_times(value: str) -> tuple[str, ...]:
    """Local times of day from `08:00,18:30`, each as HH:MM."""
    times = _comma_list(value)
    bad = [item for item in times if not _CLOCK.fullmatch(item)]
    if bad or not times:
        raise argparse.ArgumentTypeError(f"expected times of day as HH:MM, comma-separated, not {value!r}")
    return tuple(sorted({item.zfill(5) for item in times}))


def _register_feeds(commands: SubParsers) -> None:
    """`hashbot feeds ACTION`: one sub-command per action on the feed list."""
    feeds = commands.add_parser(
        "feeds",
        help="add, list, remove, import, export and poll feeds",
        description="Manage the feeds hashbot polls. Feeds live in the database (HASHBOT_DATABASE).",
    )
    sub = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    ref_help = "feed id or address, as `hashbot feeds list` shows"

    add = _add(
        sub,
        "add",
        Command(FeedsAddOptions, "bot.cli._feeds:add"),
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
        type=interval,
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
        "--media",
        choices=["all", "first", "none"],
        default="all",
        help="media in posts: all (an album of every image, a video), first (the lead image only) "
        "or none (text only); default all",
    )
    add.add_argument(
        "--telegraph",
        action="store_true",
        help="give articles longer than their post a Telegraph page the post links (Instant View); "
        "HASHBOT_TELEGRAPH=true does it for every feed",
    )
    add.add_argument(
        "--edit-updates",
        action="store_true",
        help="when an item comes back changed (same guid, new title or text) within "
        "HASHBOT_EDIT_WINDOW_HOURS, edit its channel post in place instead of ignoring it",
    )
    add.add_argument(
        "--digest",
        dest="digest_at",
        type=_clock_times,
        default=(),
        metavar="HH:MM,…",
        help="post no items one by one: at each of these local times, one digest post collects "
        "the items that came since the last (several posts when one cannot hold them)",
    )
    add.add_argument(
        "--mastodon",
        action="store_true",
        help="cross-post this feed's posts to Mastodon when HASHBOT_MASTODON_ALL=false",
    )
    add.add_argument(
        "--silent",
        action="store_true",
        help="post this feed's items without a notification sound (subscribers still see them)",
    )

    listing = _add(
        sub,
        "list",
        Command(FeedsListOptions, "bot.cli._feeds:list_feeds"),
        help="list feeds with their state and last error",
        description="List feeds: id, state (ok, failing, off), last poll and last error.",
    )
    listing.add_argument("--json", action="store_true", help="one JSON object per feed")

    remove = _add(
        sub,
        "remove",
        Command(FeedsRefOptions, "bot.cli._feeds:remove"),
        help="unsubscribe from feeds; their queued posts stay",
        description="Remove feeds and what they have seen. Posts already queued stay queued.",
    )
    remove.add_argument("feeds", nargs="+", metavar="FEED", help=ref_help)

    for action, what in (
        ("enable", "resume polling feeds (after they were disabled)"),
        ("disable", "stop polling feeds"),
    ):
        toggle = _add(
            sub,
            action,
            Command(FeedsToggleOptions, "bot.cli._feeds:toggle"),
            help=what,
            description=what[0].upper() + what[1:] + ".",
        )
        toggle.add_argument("feeds", nargs="+", metavar="FEED", help=ref_help)
        toggle.set_defaults(enable=action == "enable")

    imports = _add(
        sub,
        "import",
        Command(FeedsImportOptions, "bot.cli._feeds:import_opml"),
        help="subscribe to every feed of an OPML file",
        description="Subscribe to the feeds of an OPML file (from hashbot or any feed reader).",
    )
    imports.add_argument("file", type=Path, metavar="FILE.opml", help="OPML file to read")

    export = _add(
        sub,
        "export",
        Command(FeedsExportOptions, "bot.cli._feeds:export_opml"),
        help="write all feeds as OPML 2.0",
        description="Write every feed and its settings as OPML 2.0 (standard output by default).",
    )
    export.add_argument(
        "output", type=Path, nargs="?", metavar="FILE", help="file to write instead of standard output"
    )

    poll = _add(
        sub,
        "poll",
        Command(FeedsRefOptions, "bot.cli._feeds:poll"),
        help="poll feeds now and queue their new items",
        description="Poll the given feeds (default: every enabled feed) once, queue new items "
        "and print what each feed did. Exit status 1 if any feed failed.",
    )
    poll.add_argument("feeds", nargs="*", metavar="FEED", help=ref_help)


# -- vocab [ACTION], stats --------------------------------------------------------------------------

#: The longest window `hashbot stats --days` covers: ten years.
MAX_STATS_DAYS = 3660


@dataclass(frozen=True, slots=True)
class VocabOptions:
    chat: str | None
    prefix: str | None
    json: bool


@dataclass(frozen=True, slots=True)
class AliasOptions:
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class TagRuleOptions:
    """`unalias`, `block` and `unblock`: the one tag the rule is about."""

    tag: str


@dataclass(frozen=True, slots=True)
class StatsOptions:
    days: int
    chat: str | None
    png: Path | None


def _tag(text: str) -> str:
    """A tag typed on the command line; the handler writes it in the settings' tag style."""
    if not any(character.isalpha() for character in text):
        raise argparse.ArgumentTypeError(f"{text!r} has no letter to make a hashtag of")
    return text


def _days(value: str) -> int:
    days = positive_int(value)
    if days > MAX_STATS_DAYS:
        raise argparse.ArgumentTypeError(f"at most {MAX_STATS_DAYS} days")
    return days


def _bracket_optional_action(parser: argparse.ArgumentParser, metavar: str) -> None:
    """Show `parser`'s optional subcommand as optional: argparse writes ``ACTION ...`` either way.

    Derived from argparse's own usage line, once every option is added, so it stays true to them.
    """
    usage = parser.format_usage().removeprefix("usage: ").rstrip("\n")
    parser.usage = usage.replace(f"{metavar} ...", f"[{metavar} ...]")


def _register_vocab(commands: SubParsers) -> None:
    """`hashbot vocab [ACTION]` and `hashbot stats`."""
    vocab = _add(
        commands,
        "vocab",
        Command(VocabOptions, "bot.cli._vocab:list_vocabulary"),
        help="list the tags the channel uses; alias or block tags",
        description="The channel vocabulary: the tags published so far, by posts, and the admins' "
        "rules. New posts take a chat's established spelling of a topic; rules set here (or with "
        "/alias and /block) apply to the next post, after HASHBOT_TAG_ALIASES and "
        "HASHBOT_TAG_BLOCKLIST.",
    )
    vocab.add_argument("--chat", help="only this chat: @channel or numeric id (default: all chats)")
    vocab.add_argument("--prefix", metavar="TEXT", help="only tags starting with TEXT")
    vocab.add_argument("--json", action="store_true", help="every tag and rule as JSON")
    sub = vocab.add_subparsers(dest="vocab_command", metavar="ACTION", required=False)
    alias = _add(
        sub,
        "alias",
        Command(AliasOptions, "bot.cli._vocab:alias"),
        help="write one tag as another",
        description="Write #FROM as #TO in every new post.",
    )
    alias.add_argument("source", type=_tag, metavar="FROM", help="the tag to replace")
    alias.add_argument("target", type=_tag, metavar="TO", help="the tag to write instead")
    for name, handler, summary, description in (
        ("unalias", "unalias", "drop an alias", "Drop the alias on #TAG."),
        ("block", "block", "never use a tag", "No new post gets #TAG."),
        ("unblock", "unblock", "allow a blocked tag", "Allow #TAG again."),
    ):
        rule = _add(
            sub,
            name,
            Command(TagRuleOptions, f"bot.cli._vocab:{handler}"),
            help=summary,
            description=description,
        )
        rule.add_argument("tag", type=_tag, metavar="TAG", help="the tag")
    _bracket_optional_action(vocab, "ACTION")
    stats = _add(
        commands,
        "stats",
        Command(StatsOptions, "bot.cli._stats:stats"),
        help="posts per day, per feed, top tags and reactions; a PNG chart",
        description="What the channel published in the last days (local days, HASHBOT_TIMEZONE): "
        "posts per day and per feed, the top tags, and the tags whose posts drew the most "
        "reactions per post. --png also draws them (needs the chart extra: "
        "pip install 'hashbot[chart]').",
    )
    stats.add_argument("--days", type=_days, default=30, metavar="N", help="days to cover (default: 30)")
    stats.add_argument("--chat", help="only this chat: @channel or numeric id (default: all chats)")
    stats.add_argument("--png", type=Path, metavar="FILE", help="also write the chart to FILE")
