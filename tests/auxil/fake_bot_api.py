"""A fake Telegram Bot API server: the real python-telegram-bot talks HTTP to it on 127.0.0.1.

It keeps a small world (the bot, users, channels, groups with forum topics, the messages in them)
and answers the methods hashbot uses in the Bot API's JSON shapes, with Telegram's error texts.
Tests drive it from the outside:

- **inputs**: :meth:`FakeBotApi.push_message` (a user writes to the bot), :meth:`FakeBotApi.click`
  (a user presses an inline button), :meth:`FakeBotApi.react` (subscribers react to a channel
  post); all become updates served by ``getUpdates``, which honours ``allowed_updates`` as
  Telegram does (kept from the last call that gave it; reaction counts only when asked for);
- **faults**: :meth:`FakeBotApi.fail` (the next calls of a method answer 429 with ``retry_after``,
  400, 403, 500…), :meth:`FakeBotApi.delay` (the call is carried out, then answered late, as when
  Telegram posted but the answer was lost), :meth:`FakeBotApi.remove_bot` (a real 403);
- **observations**: :meth:`FakeBotApi.messages`, :attr:`FakeBotApi.calls`,
  :attr:`FakeBotApi.callback_answers`, :attr:`FakeBotApi.commands`.

It runs on a thread of its own, so it answers whatever the event loop under test is doing.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from auxil.telegram_html import CAPTION_LENGTH, MESSAGE_LENGTH, BadRequest, validate, validate_text

JSON = dict[str, Any]

# ── the world ────────────────────────────────────────────────────────────────────────────────────


@dataclass
class FakeUser:
    id: int
    first_name: str
    username: str | None = None
    is_bot: bool = False

    def json(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class FakeChat:
    id: int
    type: str  # private, group, supergroup, channel
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    is_forum: bool = False
    topics: set[int] = field(default_factory=set)
    invite_link: str | None = None
    bot_is_member: bool = True

    def json(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.is_forum:
            data["is_forum"] = True
        return data

    def full_json(self) -> JSON:
        data = self.json()
        data |= {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys(
                (
                    "unlimited_gifts",
                    "limited_gifts",
                    "unique_gifts",
                    "premium_subscription",
                    "gifts_from_channels",
                ),
                False,
            ),
        }
        if self.invite_link:
            data["invite_link"] = self.invite_link
        return data


@dataclass
class FakeMessage:
    """A message in the fake world, with what was sent kept beside what a reader sees."""

    chat: FakeChat
    message_id: int
    date: int
    sender: FakeUser | None
    text: str | None = None
    #: The text exactly as sent, tags and all.
    sent: str | None = None
    parse_mode: str | None = None
    thread_id: int | None = None
    photo: str | None = None
    video: str | None = None
    #: Shared by the messages of one album.
    media_group_id: str | None = None
    caption: str | None = None
    reply_markup: JSON | None = None
    link_preview_options: JSON | None = None
    reply_to: FakeMessage | None = None
    deleted: bool = False
    edits: int = 0
    #: Sent with ``disable_notification``: subscribers get it without a sound.
    silent: bool = False

    def json(self) -> JSON:
        data: JSON = {"message_id": self.message_id, "date": self.date, "chat": self.chat.json()}
        if self.chat.type == "channel":
            data["sender_chat"] = self.chat.json()
        elif self.sender is not None:
            data["from"] = self.sender.json()
        if self.thread_id is not None:
            data |= {"message_thread_id": self.thread_id, "is_topic_message": True}
        if self.text is not None:
            data["text"] = self.text
            if self.text.startswith("/"):
                command = self.text.split()[0]
                data["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if self.photo is not None:
            file_id = f"photo-{self.chat.id}-{self.message_id}"
            data["photo"] = [{"file_id": file_id, "file_unique_id": file_id, "width": 800, "height": 600}]
        if self.video is not None:
            file_id = f"video-{self.chat.id}-{self.message_id}"
            data["video"] = {
                "file_id": file_id,
                "file_unique_id": file_id,
                "width": 1280,
                "height": 720,
                "duration": 30,
            }
        if self.media_group_id is not None:
            data["media_group_id"] = self.media_group_id
        if self.caption is not None:
            data["caption"] = self.caption
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            # As Telegram: a message shows only an inline keyboard (a ForceReply is not echoed).
            data["reply_markup"] = self.reply_markup
        if self.link_preview_options is not None:
            data["link_preview_options"] = self.link_preview_options
        if self.reply_to is not None:
            data["reply_to_message"] = self.reply_to.json()
        if self.edits:
            data["edit_date"] = self.date
        return data

    @property
    def buttons(self) -> list[str]:
        """The callback data of every inline button under the message."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button["callback_data"] for row in rows for button in row if "callback_data" in button]


@dataclass
class Fault:
    status: int = 0
    description: str = ""
    retry_after: int | None = None
    #: Seconds to wait before answering, after the call was carried out.
    delay: float = 0.0


@dataclass(frozen=True)
class Call:
    method: str
    params: JSON
    #: When it came, by the test's clock (:attr:`FakeBotApi.clock`), if the test set one.
    at: datetime | None = None


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def json(self) -> JSON:
        data: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            data["parameters"] = {"retry_after": self.retry_after}
        return data


#: What Telegram sends a bot that never named its ``allowed_updates`` (the types the fake makes).
_DEFAULT_UPDATES = ("message", "callback_query")

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: message text is empty",
    403: "Forbidden: bot is not a member of the channel chat",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class Params:
    """A method's parameters as PTB sends them: form fields with JSON-encoded non-strings."""

    def __init__(self, fields: JSON, files: dict[str, bytes]) -> None:
        self.fields = fields
        self.files = files

    def get(self, name: str) -> Any:
        return self.fields.get(name)

    def text(self, name: str) -> str | None:
        value = self.fields.get(name)
        return None if value is None else str(value)

    def int(self, name: str) -> int | None:
        value = self.fields.get(name)
        return None if value is None else int(value)

    def obj(self, name: str) -> Any:
        value = self.fields.get(name)
        return json.loads(value) if isinstance(value, str) else value


class FakeBotApi:
    """The fake server and its world. Start it once; :meth:`reset` between tests."""

    def __init__(self, token: str, *, bot_id: int = 7000001, bot_username: str = "hashbot_test_bot") -> None:
        self.token = token
        self.bot = FakeUser(bot_id, "hashbot", bot_username, is_bot=True)
        self._lock = threading.Condition(threading.RLock())
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._closing = False
        self.reset()

    # ── lifecycle ──

    def start(self) -> FakeBotApi:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-bot-api", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        with self._lock:
            self._closing = True
            self._lock.notify_all()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        """What ``HASHBOT_BOT_API_URL`` points at; PTB appends the token."""
        assert self._httpd is not None, "start() the server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/bot"

    def reset(self) -> None:
        """An empty world: no chats, messages, updates, faults or recorded calls."""
        with self._lock:
            self.users: dict[int, FakeUser] = {}
            self.chats: dict[int, FakeChat] = {}
            self._messages: dict[int, list[FakeMessage]] = defaultdict(list)
            self._updates: list[JSON] = []
            self._update_ids = itertools.count(1)
            self._callback_ids = itertools.count(1)
            self._open_callbacks: set[str] = set()
            self._faults: dict[str, deque[Fault]] = defaultdict(deque)
            #: Telegram's default until a getUpdates call names its own list.
            self.allowed_updates: list[str] = list(_DEFAULT_UPDATES)
            self._unreachable_media: set[str] = set()
            self._media_groups = itertools.count(1)
            self.calls: list[Call] = []
            self.callback_answers: list[JSON] = []
            self.commands: list[JSON] = []
            self.server_errors: list[str] = []
            #: Stamps each call (:attr:`Call.at`): a test's injected clock, to see when the bot sent.
            self.clock: Callable[[], datetime] | None = None
            self._lock.notify_all()

    # ── building the world ──

    def add_user(self, user_id: int, first_name: str = "Ada", username: str | None = None) -> FakeUser:
        """A person who has started a private chat with the bot."""
        with self._lock:
            user = self.users[user_id] = FakeUser(user_id, first_name, username)
            self.chats[user_id] = FakeChat(user_id, "private", first_name=first_name, username=username)
            return user

    def add_channel(
        self, chat_id: int, username: str | None = None, title: str = "News", invite_link: str | None = None
    ) -> FakeChat:
        with self._lock:
            chat = self.chats[chat_id] = FakeChat(
                chat_id, "channel", title=title, username=username, invite_link=invite_link
            )
            return chat

    def add_group(self, chat_id: int, title: str = "Newsroom", topics: tuple[int, ...] = ()) -> FakeChat:
        """A supergroup; with topics it is a forum whose topics have these thread ids."""
        with self._lock:
            chat = self.chats[chat_id] = FakeChat(
                chat_id, "supergroup", title=title, is_forum=bool(topics), topics=set(topics)
            )
            return chat

    def add_bot_message(self, chat_id: int, text: str, *, buttons: Sequence[str] = ()) -> FakeMessage:
        """A message the bot sent earlier (an older version of it, say), with these callback buttons."""
        with self._lock:
            markup = {"inline_keyboard": [[{"text": data[:10], "callback_data": data} for data in buttons]]}
            return self._store(self.chats[chat_id], self.bot, text=text, sent=text, reply_markup=markup)

    def remove_bot(self, chat_id: int) -> None:
        """The bot is removed from a chat: posting there now answers 403."""
        with self._lock:
            self.chats[chat_id].bot_is_member = False

    def unreachable_media(self, url: str) -> None:
        """Telegram cannot fetch `url`: a photo or video sent by it is refused with a 400."""
        with self._lock:
            self._unreachable_media.add(url)

    # ── inputs ──

    def push_message(self, user_id: int, text: str, *, reply_to: FakeMessage | None = None) -> FakeMessage:
        """The user writes `text` to the bot in their private chat."""
        with self._lock:
            chat = self.chats[user_id]
            message = self._store(chat, self.users[user_id], text=text, reply_to=reply_to)
            self._add_update({"message": message.json()})
            return message

    def push_photo(self, user_id: int, *, caption: str | None = None) -> FakeMessage:
        """The user sends the bot a photo (with `caption`, or none) in their private chat."""
        with self._lock:
            chat = self.chats[user_id]
            message = self._store(chat, self.users[user_id], photo="user-photo", caption=caption)
            self._add_update({"message": message.json()})
            return message

    def click(self, user_id: int, message: FakeMessage, data: str) -> str:
        """The user presses the inline button with callback data `data` under `message`."""
        with self._lock:
            if data not in message.buttons:
                raise AssertionError(
                    f"no button {data!r} under message {message.message_id}: {message.buttons}"
                )
            query_id = str(next(self._callback_ids))
            self._open_callbacks.add(query_id)
            self._add_update(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": self.users[user_id].json(),
                        "message": message.json(),
                        "chat_instance": f"ci-{message.chat.id}",
                        "data": data,
                    }
                }
            )
            return query_id

    def react(self, message: FakeMessage, counts: dict[str, int]) -> bool:
        """Subscribers' reactions on a channel post now total `counts` (emoji → people).

        As Telegram: a ``message_reaction_count`` update, for channel messages only, and only to
        a bot that asked for it in ``allowed_updates``; False when none was sent.
        """
        with self._lock:
            if message.chat.type != "channel" or "message_reaction_count" not in self.allowed_updates:
                return False
            reactions = [
                {"type": {"type": "emoji", "emoji": emoji}, "total_count": count}
                for emoji, count in counts.items()
                if count > 0
            ]
            update = {
                "chat": message.chat.json(),
                "message_id": message.message_id,
                "date": int(time.time()),
                "reactions": reactions,
            }
            self._add_update({"message_reaction_count": update})
            return True

    # ── faults ──

    def fail(
        self,
        method: str,
        status: int,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls of `method` answer `status` and are not carried out."""
        if status == 429 and retry_after is None:
            retry_after = 1
        text = description or _DEFAULT_DESCRIPTIONS.get(status, "Error").format(retry_after=retry_after)
        with self._lock:
            for _ in range(times):
                self._faults[method].append(Fault(status, text, retry_after))

    def delay(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next `times` calls of `method` are carried out, then answered `seconds` late."""
        with self._lock:
            for _ in range(times):
                self._faults[method].append(Fault(delay=seconds))

    # ── observations ──

    def messages(self, chat_id: int) -> list[FakeMessage]:
        """The messages in a chat that are still there, oldest first."""
        with self._lock:
            return [message for message in self._messages[chat_id] if not message.deleted]

    def sent_by_bot(self, chat_id: int) -> list[FakeMessage]:
        return [message for message in self.messages(chat_id) if message.sender is self.bot]

    def click_update(self, query_id: str) -> JSON:
        """The update of click `query_id` as getUpdates serves it: for handing one click to a bot
        that does not poll (a second process on the same database)."""
        with self._lock:
            [update] = [u for u in self._updates if u.get("callback_query", {}).get("id") == query_id]
            return dict(update)

    def calls_of(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        """Block until `predicate` holds (checked on every change); fail after a generous `timeout`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("the fake Bot API never reached the expected state")
                self._lock.wait(left)

    async def until(self, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        """:meth:`wait_until` for async tests: waits on a thread, so the bot keeps running."""
        await asyncio.to_thread(self.wait_until, predicate, timeout)

    # ── the Bot API ──

    def handle(self, method: str, params: Params) -> tuple[int, JSON, float]:
        """Carry out one call: (HTTP status, JSON answer, seconds to wait before answering)."""
        with self._lock:
            at = self.clock() if self.clock else None
            self.calls.append(Call(method, dict(params.fields) | dict.fromkeys(params.files, "<file>"), at))
            self._lock.notify_all()
            fault = self._faults[method].popleft() if self._faults[method] else None
        if fault is not None and fault.status:
            return fault.status, ApiError(fault.status, fault.description, fault.retry_after).json(), 0.0
        implementation = getattr(self, f"_api_{method}", None)
        if implementation is None:
            return 404, ApiError(404, "Not Found").json(), 0.0
        try:
            if method == "getUpdates":
                result = implementation(params)
            else:
                with self._lock:
                    result = implementation(params)
                    self._lock.notify_all()
        except ApiError as error:
            return error.status, error.json(), 0.0
        except Exception as error:  # a bug in this fake: the session fixture fails the test on it
            self.server_errors.append(f"{method}: {error!r}")
            return 500, ApiError(500, f"fake Bot API bug: {error!r}").json(), 0.0
        return 200, {"ok": True, "result": result}, fault.delay if fault else 0.0

    def _api_getMe(self, params: Params) -> JSON:
        return self.bot.json() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _api_deleteWebhook(self, params: Params) -> bool:
        return True

    def _api_getUpdates(self, params: Params) -> list[JSON]:
        offset = params.int("offset") or 0
        allowed = params.obj("allowed_updates")
        if allowed is not None:  # Telegram keeps the list until a later call changes it
            self.allowed_updates = list(allowed) or list(_DEFAULT_UPDATES)
        timeout = float(params.get("timeout") or 0)
        limit = params.int("limit") or 100
        deadline = time.monotonic() + timeout
        with self._lock:
            self._updates = [update for update in self._updates if update["update_id"] >= offset]
            while not self._updates and not self._closing and time.monotonic() < deadline:
                self._lock.wait(deadline - time.monotonic())
            return self._updates[:limit]

    def _api_sendMessage(self, params: Params) -> JSON:
        chat = self._writable_chat(params)
        parse_mode = params.text("parse_mode")
        text = self._message_text(params.text("text") or "", parse_mode)
        message = self._store(
            chat,
            self.bot,
            text=text,
            sent=params.text("text"),
            parse_mode=parse_mode,
            thread_id=self._topic(chat, params),
            reply_markup=params.obj("reply_markup"),
            link_preview_options=params.obj("link_preview_options"),
            silent=self._silent(params),
        )
        return message.json()

    def _api_sendPhoto(self, params: Params) -> JSON:
        return self._send_medium(params, "photo")

    def _api_sendVideo(self, params: Params) -> JSON:
        return self._send_medium(params, "video")

    def _send_medium(self, params: Params, kind: str) -> JSON:
        """sendPhoto and sendVideo: one medium (`kind` names its parameter) with a caption."""
        chat = self._writable_chat(params)
        medium = self._medium(params, kind, params.text(kind))
        parse_mode = params.text("parse_mode")
        caption = params.text("caption")
        message = self._store(
            chat,
            self.bot,
            **{kind: medium},
            caption=self._caption(caption, parse_mode),
            sent=caption,
            parse_mode=parse_mode,
            thread_id=self._topic(chat, params),
            reply_markup=params.obj("reply_markup"),
            silent=self._silent(params),
        )
        return message.json()

    def _api_sendMediaGroup(self, params: Params) -> list[JSON]:
        """An album: 2–10 photos or videos, each with its own caption; all or nothing is posted."""
        chat = self._writable_chat(params)
        media = params.obj("media")
        if not isinstance(media, list) or not media:
            raise ApiError(400, 'Bad Request: parameter "media" is required')
        if not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media in the group: must be 2-10")
        items = []
        for number, item in enumerate(media, start=1):
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in ("photo", "video"):
                raise ApiError(
                    400, f"Bad Request: can't parse InputMedia: type \"{kind}\" can't be used here"
                )
            if "reply_markup" in item:
                raise ApiError(400, "Bad Request: media group messages can't have reply markup")
            try:
                url = self._medium(params, kind, item.get("media"))
            except ApiError as error:
                reason = error.description.removeprefix("Bad Request: ")
                raise ApiError(
                    400, f'Bad Request: failed to send message #{number} with the error message "{reason}"'
                ) from None
            caption, parse_mode = item.get("caption"), item.get("parse_mode")
            items.append((kind, url, caption, self._caption(caption, parse_mode), parse_mode))
        group = f"album-{next(self._media_groups)}"
        thread_id, silent = self._topic(chat, params), self._silent(params)
        return [
            self._store(
                chat,
                self.bot,
                **{kind: url},
                caption=shown,
                sent=caption,
                parse_mode=parse_mode,
                thread_id=thread_id,
                media_group_id=group,
                silent=silent,
            ).json()
            for kind, url, caption, shown, parse_mode in items
        ]

    def _api_editMessageCaption(self, params: Params) -> JSON:
        message = self._find(params)
        if message.photo is None and message.video is None:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        parse_mode = params.text("parse_mode")
        caption = params.text("caption")
        shown = self._caption(caption, parse_mode)
        markup = params.obj("reply_markup")
        if shown == message.caption and markup == message.reply_markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message",
            )
        message.caption, message.sent, message.parse_mode = shown, caption, parse_mode
        message.reply_markup = markup  # as Telegram: an edit without a keyboard removes it
        message.edits += 1
        return message.json()

    def _api_editMessageText(self, params: Params) -> JSON:
        message = self._find(params)
        if message.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        parse_mode = params.text("parse_mode")
        text = self._message_text(params.text("text") or "", parse_mode)
        markup = params.obj("reply_markup")
        if text == message.text and markup == message.reply_markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message",
            )
        message.text, message.sent, message.parse_mode = text, params.text("text"), parse_mode
        message.reply_markup = markup
        message.edits += 1
        return message.json()

    def _api_editMessageReplyMarkup(self, params: Params) -> JSON:
        message = self._find(params)
        message.reply_markup = params.obj("reply_markup")
        message.edits += 1
        return message.json()

    def _api_answerCallbackQuery(self, params: Params) -> bool:
        query_id = params.text("callback_query_id") or ""
        if query_id not in self._open_callbacks:
            raise ApiError(
                400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        if len(params.text("text") or "") > 200:  # Telegram's limit for a click's answer
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_callbacks.discard(query_id)
        self.callback_answers.append(
            {"id": query_id, "text": params.text("text"), "show_alert": params.obj("show_alert")}
        )
        return True

    def _api_setMyCommands(self, params: Params) -> bool:
        commands = params.obj("commands") or []
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands = commands
        return True

    def _api_getChat(self, params: Params) -> JSON:
        return self._chat(params.get("chat_id")).full_json()

    def _api_deleteMessage(self, params: Params) -> bool:
        try:
            message = self._find(params)
        except ApiError:
            raise ApiError(400, "Bad Request: message to delete not found") from None
        message.deleted = True
        return True

    # ── helpers (called with the lock held) ──

    def _chat(self, chat_id: Any) -> FakeChat:
        reference = str(chat_id or "")
        for chat in self.chats.values():
            if reference in (str(chat.id), f"@{chat.username}"):
                return chat
        raise ApiError(400, "Bad Request: chat not found")

    def _writable_chat(self, params: Params) -> FakeChat:
        chat = self._chat(params.get("chat_id"))
        if not chat.bot_is_member:
            kind = "channel chat" if chat.type == "channel" else "supergroup chat"
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind}")
        return chat

    def _medium(self, params: Params, kind: str, reference: Any) -> str:
        """What a photo or video parameter names: an upload, a URL Telegram can fetch, or a file id."""
        value = str(reference or "")
        upload = value.removeprefix("attach://") if value.startswith("attach://") else kind
        if upload in params.files:
            return f"upload:{len(params.files[upload])} bytes"
        if value in self._unreachable_media:
            raise ApiError(400, "Bad Request: failed to get HTTP URL content")
        if not value.startswith(("http://", "https://", f"{kind}-")):
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return value

    def _caption(self, caption: str | None, parse_mode: str | None) -> str | None:
        return None if caption is None else self._message_text(caption, parse_mode, caption=True)

    @staticmethod
    def _silent(params: Params) -> bool:
        value = params.obj("disable_notification")
        if value is not None and not isinstance(value, bool):
            raise ApiError(400, "Bad Request: can't parse disable_notification as a Boolean")
        return bool(value)

    @staticmethod
    def _topic(chat: FakeChat, params: Params) -> int | None:
        thread_id = params.int("message_thread_id")
        if thread_id is not None and thread_id not in chat.topics:
            raise ApiError(400, "Bad Request: message thread not found")
        return thread_id

    @staticmethod
    def _message_text(text: str, parse_mode: str | None, *, caption: bool = False) -> str:
        """What a reader sees of `text`, or the Bot API's 400 exactly as Telegram words it."""
        limit = CAPTION_LENGTH if caption else MESSAGE_LENGTH
        try:
            if parse_mode == "HTML":
                return validate(text, limit=limit, caption=caption).text
            if parse_mode is not None:
                raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r} in this fake")
            return validate_text(text, limit=limit, caption=caption).text
        except BadRequest as exc:
            raise ApiError(400, exc.description) from None

    def _find(self, params: Params) -> FakeMessage:
        chat = self._chat(params.get("chat_id"))
        message_id = params.int("message_id")
        for message in self._messages[chat.id]:
            if message.message_id == message_id and not message.deleted:
                return message
        raise ApiError(400, "Bad Request: message to edit not found")

    def _store(self, chat: FakeChat, sender: FakeUser, **fields: Any) -> FakeMessage:
        message_id = len(self._messages[chat.id]) + 1
        message = FakeMessage(chat, message_id, int(time.time()), sender, **fields)
        self._messages[chat.id].append(message)
        return message

    def _add_update(self, payload: JSON) -> None:
        self._updates.append({"update_id": next(self._update_ids), **payload})
        self._lock.notify_all()


def _parse_body(content_type: str, body: bytes) -> Params:
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + body
        )
        fields: JSON = {}
        files: dict[str, bytes] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                files[str(name)] = payload
            else:
                fields[str(name)] = payload.decode("utf-8")
        return Params(fields, files)
    if content_type.startswith("application/json"):
        return Params(json.loads(body or b"{}"), {})
    pairs = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    return Params({key: values[-1] for key, values in pairs.items()}, {})


def _handler_for(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            match = re.fullmatch(r"/bot([^/]+)/(\w+)", self.path.split("?")[0])
            if match is None:
                self._answer(404, ApiError(404, "Not Found").json())
                return
            if match.group(1) != api.token:
                self._answer(401, ApiError(401, "Unauthorized").json())
                return
            status, payload, delay = api.handle(
                match.group(2), _parse_body(self.headers.get("Content-Type", ""), body)
            )
            if delay:
                time.sleep(delay)
            self._answer(status, payload)

        do_GET = do_POST

        def _answer(self, status: int, payload: JSON) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                self.close_connection = True  # the client gave up (timeout, cancelled long poll)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: request lines carry the token."""

    return Handler


@dataclass
class FakeSession:
    """The ids a test world is built from."""

    api: FakeBotApi
    channel_id: int = -1001000000001
    channel_username: str = "hashbot_news"
    admin_id: int = 1001
    second_admin_id: int = 1002
    stranger_id: int = 2001

    def build(self) -> FakeSession:
        self.api.add_channel(self.channel_id, self.channel_username)
        self.api.add_user(self.admin_id, "Ada")
        self.api.add_user(self.second_admin_id, "Grace")
        self.api.add_user(self.stranger_id, "Eve")
        return self

    def channel_posts(self) -> list[FakeMessage]:
        return self.api.sent_by_bot(self.channel_id)

    def replies_to(self, user_id: int) -> list[FakeMessage]:
        return self.api.sent_by_bot(user_id)

    def texts_to(self, user_id: int) -> Iterator[str]:
        return (message.text or message.caption or "" for message in self.replies_to(user_id))


async def reply_after(world: FakeSession, user_id: int, text: str, *, count: int = 1) -> list[str]:
    """Send `text` as `user_id`, wait for `count` new bot messages in their chat, return them."""
    before = len(world.replies_to(user_id))
    world.api.push_message(user_id, text)
    await world.api.until(lambda: len(world.replies_to(user_id)) >= before + count)
    return list(world.texts_to(user_id))[before:]


class RecordedSleep:
    """An injectable `sleep` that remembers the waits asked for, and only yields to the event loop.

    Tests assert the waits the code asked for (what Telegram said, the backoff), never durations.
    """

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)
