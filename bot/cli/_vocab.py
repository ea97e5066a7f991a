"""`hashbot vocab`: the channel's vocabulary and its admins' rules."""

from __future__ import annotations

import json

from bot.cli._common import EXIT_FAILED, EXIT_OK, Console, open_db
from bot.cli._table import AliasOptions, TagRuleOptions, VocabOptions
from bot.clock import utcnow
from bot.config import Settings
from bot.errors import HashbotError
from bot.hashtags import normalize
from bot.storage import TagRule
from bot.vocabulary import VOCABULARY_SIZE

#: The most tags `hashbot vocab` lists without --json.
LISTED = 50


def _styled(text: str, settings: Settings) -> str:
    """The tag `text` makes in the settings' case and script, as every tag hashbot writes."""
    name = normalize(text, case=settings.tag_case, script=settings.tag_script)
    if name is None:  # only letters ASCII cannot spell (Київ with HASHBOT_TAG_SCRIPT=ascii)
        raise HashbotError(f"{text!r} makes no hashtag in the script of HASHBOT_TAG_SCRIPT")
    return name


def list_vocabulary(options: VocabOptions, settings: Settings, console: Console) -> int:
    with open_db(settings) as store:
        uses = store.tag_uses(chat=options.chat, prefix=options.prefix or "", limit=VOCABULARY_SIZE)
        rules = store.tag_rules()
    if options.json:
        data = {
            "chat": options.chat,
            "tags": [{"tag": use.name, "posts": use.uses} for use in uses],
            "aliases": {rule.tag: rule.alias for rule in rules if rule.alias is not None},
            "blocked": [rule.tag for rule in rules if rule.blocked],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2), file=console.out)
        return EXIT_OK
    scope = options.chat or "all chats"
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


def alias(options: AliasOptions, settings: Settings, console: Console) -> int:
    source, target = _styled(options.source, settings), _styled(options.target, settings)
    with open_db(settings) as store:
        store.set_tag_rule(TagRule(source, target, author="cli"), now=utcnow())
    print(f"#{source} is now written #{target} in new posts", file=console.out)
    return EXIT_OK


def unalias(options: TagRuleOptions, settings: Settings, console: Console) -> int:
    return _remove_rule(
        options,
        settings,
        console,
        blocked=False,
        missing="has no alias",
        done="is written as extracted again",
    )


def block(options: TagRuleOptions, settings: Settings, console: Console) -> int:
    tag = _styled(options.tag, settings)
    with open_db(settings) as store:
        store.set_tag_rule(TagRule(tag, author="cli"), now=utcnow())
    print(f"#{tag} is blocked: no new post gets it", file=console.out)
    return EXIT_OK


def unblock(options: TagRuleOptions, settings: Settings, console: Console) -> int:
    return _remove_rule(
        options, settings, console, blocked=True, missing="is not blocked", done="is allowed again"
    )


def _remove_rule(
    options: TagRuleOptions, settings: Settings, console: Console, *, blocked: bool, missing: str, done: str
) -> int:
    """Drop a tag's alias or block; saying so when there was none is a failure, as for any command."""
    tag = _styled(options.tag, settings)
    with open_db(settings) as store:
        removed = store.remove_tag_rule(tag, blocked=blocked)
    if removed is None:
        console.error(f"#{tag} {missing}; `hashbot vocab` lists the rules")
        return EXIT_FAILED
    print(f"#{removed.tag} {done}", file=console.out)
    return EXIT_OK
