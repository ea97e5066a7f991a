"""`hashbot vocab` and `hashbot stats`: the channel's vocabulary, its admins' rules, and its figures."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

from bot.cli._common import EXIT_FAILED, EXIT_OK, Console, SubParsers, open_db, positive_int
from bot.config import Settings
from bot.errors import HashbotError
from bot.hashtags import normalize
from bot.stats import channel_stats, report_lines, window_start
from bot.storage import TagRule
from bot.vocabulary import VOCABULARY_SIZE

#: The most tags `hashbot vocab` lists without --json.
LISTED = 50
MAX_DAYS = 3660


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _tag(text: str) -> str:
    """A tag typed on the command line, refused if it has nothing to make a hashtag of."""
    if normalize(text, script="unicode", case="asis") is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no letter to make a hashtag of")
    return text


def _styled(text: str, settings: Settings) -> str:
    """The tag `text` makes in the settings' case and script, as every tag hashbot writes."""
    name = normalize(text, case=settings.tag_case, script=settings.tag_script)
    if name is None:  # only letters ASCII cannot spell (Київ with HASHBOT_TAG_SCRIPT=ascii)
        raise HashbotError(f"{text!r} makes no hashtag in the script of HASHBOT_TAG_SCRIPT")
    return name


def _days(value: str) -> int:
    days = positive_int(value)
    if days > MAX_DAYS:
        raise argparse.ArgumentTypeError(f"at most {MAX_DAYS} days")
    return days


def _cmd_vocab(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    with open_db(settings) as store:
        uses = store.tag_uses(chat=args.chat, prefix=args.prefix or "", limit=VOCABULARY_SIZE)
        rules = store.tag_rules()
    if args.json:
        data = {
            "chat": args.chat,
            "tags": [{"tag": use.name, "posts": use.uses} for use in uses],
            "aliases": {rule.tag: rule.alias for rule in rules if rule.alias is not None},
            "blocked": [rule.tag for rule in rules if rule.blocked],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2), file=console.out)
        return EXIT_OK
    scope = args.chat or "all chats"
    if not uses:
        print(f"no tags published to {scope} yet", file=console.out)
    else:
        print(f"{len(uses)} tags published to {scope}, by posts:", file=console.out)
        for use in uses[:LISTED]:
            print(f"  {use.uses:>5}  #{use.name}", file=console.out)
        if len(uses) > LISTED:
            print(f"  … and {len(uses) - LISTED} more (--json lists them all)", file=console.out)
    for rule in rules:
        change = f"→ #{rule.alias}" if rule.alias is not None else "blocked"
        print(f"rule: #{rule.tag} {change}", file=console.out)
    return EXIT_OK


def _cmd_vocab_alias(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    source, target = _styled(args.source, settings), _styled(args.target, settings)
    with open_db(settings) as store:
        store.set_tag_rule(TagRule(source, target, author="cli"), now=_utcnow())
    print(f"#{source} is now written #{target} in new posts", file=console.out)
    return EXIT_OK


def _cmd_vocab_unalias(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    tag = _styled(args.tag, settings)
    with open_db(settings) as store:
        removed = store.remove_tag_rule(tag, blocked=False)
    if removed is None:
        console.error(f"#{tag} has no alias; `hashbot vocab` lists the rules")
        return EXIT_FAILED
    print(f"#{removed.tag} is written as extracted again", file=console.out)
    return EXIT_OK


def _cmd_vocab_block(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    tag = _styled(args.tag, settings)
    with open_db(settings) as store:
        store.set_tag_rule(TagRule(tag, author="cli"), now=_utcnow())
    print(f"#{tag} is blocked: no new post gets it", file=console.out)
    return EXIT_OK


def _cmd_vocab_unblock(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    tag = _styled(args.tag, settings)
    with open_db(settings) as store:
        removed = store.remove_tag_rule(tag, blocked=True)
    if removed is None:
        console.error(f"#{tag} is not blocked; `hashbot vocab` lists the rules")
        return EXIT_FAILED
    print(f"#{removed.tag} is allowed again", file=console.out)
    return EXIT_OK


def _cmd_stats(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    now = _utcnow()
    since = window_start(now, days=args.days, tz=settings.tz)
    with open_db(settings) as store:
        counts = store.published_counts(since=since, chat=args.chat)
    stats = channel_stats(counts, now=now, days=args.days, tz=settings.tz, scope=args.chat or "all chats")
    for line in report_lines(stats):
        print(line, file=console.out)
    if args.png is None:
        return EXIT_OK
    if stats.empty:
        console.error(f"{args.png}: not written, there is nothing to chart")
        return EXIT_FAILED
    from bot.chart import render_chart  # matplotlib is imported only when a chart is asked for

    png = render_chart(stats)
    try:
        args.png.write_bytes(png)
    except OSError as exc:
        raise HashbotError(f"{args.png}: cannot write the chart: {exc.strerror}") from exc
    print(f"chart written to {args.png} ({len(png) // 1024} KiB)", file=console.out)
    return EXIT_OK


def register(commands: SubParsers) -> None:
    """`hashbot vocab [ACTION]` and `hashbot stats`."""
    vocab = commands.add_parser(
        "vocab",
        help="list the tags the channel uses; alias or block tags",
        description="The channel vocabulary: the tags published so far, by posts, and the admins' "
        "rules. New posts take the chat's established spelling of a topic; rules set here (or "
        "with /alias and /block) apply to the next post, after HASHBOT_TAG_ALIASES and "
        "HASHBOT_TAG_BLOCKLIST.",
    )
    vocab.add_argument("--chat", help="only this chat: @channel or numeric id (default: all chats)")
    vocab.add_argument("--prefix", metavar="TEXT", help="only tags starting with TEXT")
    vocab.add_argument("--json", action="store_true", help="every tag and rule as JSON")
    vocab.set_defaults(handler=_cmd_vocab)
    sub = vocab.add_subparsers(dest="vocab_command", metavar="ACTION")
    alias = sub.add_parser(
        "alias", help="write one tag as another", description="Write #FROM as #TO in every new post."
    )
    alias.add_argument("source", type=_tag, metavar="FROM", help="the tag to replace")
    alias.add_argument("target", type=_tag, metavar="TO", help="the tag to write instead")
    alias.set_defaults(handler=_cmd_vocab_alias)
    unalias = sub.add_parser("unalias", help="drop an alias", description="Drop the alias on #FROM.")
    unalias.add_argument("tag", type=_tag, metavar="FROM", help="the tag whose alias goes")
    unalias.set_defaults(handler=_cmd_vocab_unalias)
    block = sub.add_parser("block", help="never use a tag", description="No new post gets #TAG.")
    block.add_argument("tag", type=_tag, metavar="TAG", help="the tag to block")
    block.set_defaults(handler=_cmd_vocab_block)
    unblock = sub.add_parser("unblock", help="allow a blocked tag", description="Allow #TAG again.")
    unblock.add_argument("tag", type=_tag, metavar="TAG", help="the tag to allow")
    unblock.set_defaults(handler=_cmd_vocab_unblock)

    stats = commands.add_parser(
        "stats",
        help="posts per day, per feed, top tags and reactions; a PNG chart",
        description="What the channel published in the last days (local days, HASHBOT_TIMEZONE): "
        "posts per day and per feed, the top tags, and the tags whose posts drew the most "
        "reactions. --png also draws them (needs the chart extra: pip install 'hashbot[chart]').",
    )
    stats.add_argument("--days", type=_days, default=30, metavar="N", help="days to cover (default: 30)")
    stats.add_argument("--chat", help="only this chat: @channel or numeric id (default: all chats)")
    stats.add_argument("--png", type=Path, metavar="FILE", help="also write the chart to FILE")
    stats.set_defaults(handler=_cmd_stats)
