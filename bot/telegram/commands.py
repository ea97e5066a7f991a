"""The bot's commands: the table Telegram shows (setMyCommands) and the handlers behind it.

Every command but `/start` and `/help` is for admins; a command with bad arguments answers with
its usage line. Handlers turn hashbot's errors into short replies; nothing here stops the bot.
The commands that act on the store live beside this module (queue.py, feeds.py, scheduling.py);
the table below lists them all, because it is what Telegram and /help show.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from typing import Protocol

from telegram import BotCommand, Message, Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.chat_vocabulary import NO_VOCABULARY, ChatVocabulary
from bot.errors import HashbotError, PublishError
from bot.models import Article, Post
from bot.pipeline import PostPlanner
from bot.planner import local_time
from bot.telegram.auth import Admins
from bot.telegram.handlers import Handler
from bot.telegram.publisher import AdminPreviewPublisher, TelegramPublisher
from bot.telegram.replies import reply as _reply
from bot.telegram.state import BotState, DryRunSwitch, PauseSwitch, PublishGate

logger = logging.getLogger(__name__)


class LoadArticle(Protocol):
    """The article a command's text is about (:class:`bot.ingest.pages.ArticleLoader`)."""

    async def __call__(self, text: str, *, source: str) -> Article: ...


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    arguments: str
    description: str

    @property
    def usage(self) -> str:
        return f"/{self.name} {self.arguments}".strip()


COMMANDS = (
    Command("start", "", "Introduce the bot"),
    Command("help", "", "List the commands"),
    Command("preview", "<url|text>", "Show the post for an article without publishing it"),
    Command("post", "<url|text>", "Publish a post for an article to the channel"),
    Command("tags", "<url|text>", "Show the hashtags chosen for an article"),
    Command("queue", "[queued|awaiting|uncertain|failed]", "List the posts waiting to be published"),
    Command("cancel", "<id>", "Take a post out of the queue"),
    Command("feeds", "[page]", "List the feeds with their state and last error"),
    Command("addfeed", "<url> [name]", "Subscribe to a feed (checked at once)"),
    Command("removefeed", "<url|id>", "Unsubscribe from a feed; its queued posts stay"),
    Command("pause", "", "Stop publishing until /resume"),
    Command("resume", "", "Publish again after /pause"),
    Command("status", "", "Show what the bot is doing"),
    Command(
        "schedule", "<HH:MM | YYYY-MM-DD HH:MM> <url|text>", "Publish a post at a given local time or date"
    ),
    Command("dryrun", "on|off", "Send posts to the admins as previews instead of the channel"),
    Command("vocab", "[prefix]", "List the channel's tags by use, and the aliases and blocks"),
    Command("alias", "<from> <to>", "Write one tag as another in new posts"),
    Command("unalias", "<from>", "Drop an alias"),
    Command("block", "<tag>", "Never use a tag in new posts"),
    Command("unblock", "<tag>", "Allow a blocked tag again"),
    Command("stats", "[days]", "Chart of posts per day, top tags and reactions"),
)
_BY_NAME = {command.name: command for command in COMMANDS}


def bot_commands() -> list[BotCommand]:
    return [BotCommand(command.name, command.description) for command in COMMANDS]


def help_text() -> str:
    lines = [f"{command.usage} — {command.description}" for command in COMMANDS]
    lines.append("/preview also works as a reply to a message.")
    return "\n".join(lines)


def usage(name: str) -> str:
    """The usage line a command answers with when its arguments are missing or wrong."""
    return f"Usage: {_BY_NAME[name].usage}"


def argument_text(message: Message) -> str:
    """What follows the command (newlines kept), or else the text of the message it replies to."""
    text = message.text or ""
    command = next((e for e in message.entities if e.type == "bot_command" and e.offset == 0), None)
    rest = text[command.length :].strip() if command else text.strip()
    if not rest and message.reply_to_message is not None:
        replied = message.reply_to_message
        rest = (replied.text or replied.caption or "").strip()
    return rest


def dry_run_mode(reason: str) -> str:
    """How /status names dry run turned on by `/dryrun`."""
    return f"dry run (posts go to the admins as previews and stay queued; {reason})"


class BotCommands:
    """The handlers of every command, sharing the planner, the publish gate and the bot's state."""

    def __init__(
        self,
        *,
        planner: PostPlanner,
        gate: PublishGate,
        channel_publisher: TelegramPublisher,
        state: BotState,
        pause: PauseSwitch,
        dry_run: DryRunSwitch,
        admins: Admins,
        channel: str,
        load: LoadArticle,
        tz: tzinfo,
        run_status: Callable[[], list[str]] = list,
        vocabulary: Callable[[], ChatVocabulary] = lambda: NO_VOCABULARY,
    ) -> None:
        self._tz = tz
        self._run_status = run_status
        #: The channel's vocabulary as the store holds it now: /tags and /preview show the real post.
        self._vocabulary = vocabulary
        self._planner = planner
        self._load = load
        self._gate = gate
        self._channel_publisher = channel_publisher
        self._state = state
        self._pause = pause
        self._dry_run = dry_run
        self._admins = admins
        self._channel = channel
        self._channel_link: str | None = None

    def handlers(self) -> list[Handler]:
        admin = self._admins.only
        return [
            CommandHandler("start", self.start),
            CommandHandler("help", admin("/help", self.help)),
            # Reading a link may take seconds: these run beside other updates, not before them.
            CommandHandler("preview", admin("/preview", self.preview), block=False),
            CommandHandler("tags", admin("/tags", self.tags), block=False),
            CommandHandler("pause", admin("/pause", self.pause)),
            CommandHandler("resume", admin("/resume", self.resume)),
            CommandHandler("status", admin("/status", self.status)),
            CommandHandler("dryrun", admin("/dryrun", self.dryrun)),
        ]

    def unknown_command_handler(self) -> MessageHandler[ContextTypes.DEFAULT_TYPE, None]:
        """Answers a command nothing else took; register it after every command handler.

        Messages without a command are pasted articles (bot.telegram.posting).
        """
        return MessageHandler(
            filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.COMMAND,
            self._admins.only("a command", self.other),
        )

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        if self._admins.allows(update.effective_user):
            await message.reply_text(
                "Hello! Send me an article's link or text, or forward a channel post: I show you its "
                "post with buttons to publish, queue, retag or discard it. /post publishes at once.\n\n"
                + help_text()
            )
            return
        link = await self._public_link(context)
        await message.reply_text(f"This bot publishes the news of {link}. Subscribe there to read them!")

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await _reply(update, help_text())

    async def preview(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        post = await self._plan(update, "preview")
        if post is None or update.effective_user is None:
            return
        try:
            await AdminPreviewPublisher(self._channel_publisher, [update.effective_user.id]).publish(post)
        except PublishError as exc:
            await _reply(update, f"Could not show the preview: {exc}")

    async def tags(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        text = argument_text(message)
        if not text:
            await message.reply_text(usage("tags"))
            return
        try:
            tags = self._planner.tags(await self._load(text, source="message"), self._vocabulary())
        except HashbotError as exc:
            await message.reply_text(f"No tags: {exc}")
            return
        await message.reply_text(" ".join(tag.hashtag for tag in tags) or "No hashtags found in that text.")

    async def pause(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        self._pause.pause(f"paused by {user.first_name if user else 'an admin'}")
        logger.info("publishing paused by user %s", user.id if user else "unknown")
        await _reply(update, "⏸ Publishing paused. Nothing goes to the channel until /resume.")

    async def resume(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        was = self._pause.resume()
        logger.info("publishing resumed (was: %s)", was)
        await _reply(update, "▶️ Publishing resumed." if was else "Publishing was not paused.")

    async def status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state, paused = self._state, self._pause.paused()
        lines = [
            f"Channel: {self._channel}",
            "Publishing: " + (f"paused ({paused})" if paused is not None else "active"),
            "Mode: " + self._mode(),
            f"Since {local_time(state.started_at, self._tz)}: {state.published} published, "
            f"{state.previewed} previewed, {state.failed} failed",
        ]
        receipt = state.last_receipt
        if receipt is not None and receipt.sent_at is not None:
            lines.append(f"Last post: message {receipt.message_id}, {local_time(receipt.sent_at, self._tz)}")
        if state.last_error:
            lines.append(f"Last error: {state.last_error}")
        lines.extend(self._run_status())
        await _reply(update, "\n".join(lines))

    def _mode(self) -> str:
        if self._state.dry_run:
            return "dry run (hashbot run --dry-run: posts go to the admins as previews)"
        reason = self._dry_run.dry_run()
        return "live" if reason is None else dry_run_mode(reason)

    async def dryrun(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        choice = (context.args or [""])[0].lower()
        if choice not in ("on", "off") or len(context.args or []) != 1:
            await _reply(update, f"{usage('dryrun')}\nMode: {self._mode()}.")
            return
        if self._state.dry_run:
            await _reply(
                update,
                "This bot runs as `hashbot run --dry-run`: it publishes nothing, whatever /dryrun says.",
            )
            return
        user = update.effective_user
        self._dry_run.set_dry_run(
            f"turned on by {user.first_name if user else 'an admin'}" if choice == "on" else None
        )
        logger.info("dry run turned %s by user %s", choice, user.id if user else "unknown")
        await _reply(
            update,
            "🧪 Dry run is on: posts go to the admins as previews and stay queued; "
            "/dryrun off publishes them. It holds across restarts."
            if choice == "on"
            else "Dry run is off: posts go to the channel, the ones previewed first.",
        )

    async def other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await _reply(update, "I do not know that command. /help lists what I can do.")

    async def _plan(self, update: Update, name: str) -> Post | None:
        """The post for the command's article, or None once the admin has been told why not."""
        message = update.effective_message
        if message is None:
            return None
        text = argument_text(message)
        if not text:
            hint = " — or reply with it to a message" if name == "preview" else ""
            await message.reply_text(usage(name) + hint)
            return None
        try:
            article = await self._load(text, source=f"/{name} from {message.chat_id}")
            return self._planner.plan(article, vocabulary=self._vocabulary())
        except HashbotError as exc:
            await message.reply_text(f"Cannot make a post of that: {exc}")
            return None

    async def _public_link(self, context: ContextTypes.DEFAULT_TYPE) -> str:
        """The channel's public link (t.me/…), asked of Telegram once, for people who are not admins."""
        if self._channel_link is None:
            if self._channel.startswith("@"):
                self._channel_link = f"https://t.me/{self._channel[1:]}"
            else:
                chat = await context.bot.get_chat(self._channel)
                if chat.username:
                    self._channel_link = f"https://t.me/{chat.username}"
                else:
                    self._channel_link = chat.invite_link or chat.title or "our channel"
        return self._channel_link


async def announce_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Register the command list with Telegram, so clients offer it in the menu."""
    await application.bot.set_my_commands(bot_commands())
