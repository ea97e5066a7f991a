"""The Telegram publisher: delivers a post to its chat once, whatever the network does.

A post goes out in the richest form Telegram accepts: its video (``sendVideo``), else its album
(``sendMediaGroup``, 2–10 photos), else its photo, else a text message. A medium Telegram cannot
fetch costs only itself: the album is sent again without the photo Telegram named, and so on
down to text. Media whose caption cannot hold the post go first, the post follows as a message.

Retry rules, and why none of them can post a second copy (the Bot API has no idempotency key):

- **429** ``RetryAfter``: Telegram refused the request; wait what it asks, send the same post again.
- **5xx**: the server answered that the method failed, so nothing was posted; retry with backoff.
- **the connection never opened** (connect error, connect or pool timeout): nothing left this
  machine; retry with backoff.
- **anything else once the request is out** (read timeout, connection dropped before the answer):
  Telegram may have posted it. Retrying could post a second copy, so :class:`PublishUncertain` is
  raised instead and a person checks the channel. A generous read timeout keeps this rare.
- **400 "can't parse entities"**: sent once more as plain text (what a reader would see); a second
  refusal fails the post with Telegram's reason.
- **403**: :class:`PublishForbidden`, so the caller pauses publishing and tells the admins.
"""

from __future__ import annotations

import asyncio
import logging
import re
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from telegram import Bot, InputFile, InputMediaPhoto, LinkPreviewOptions, Message
from telegram.constants import MediaGroupLimit, MessageLimit
from telegram.constants import ParseMode as TelegramParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.clock import Clock, utcnow
from bot.errors import (
    PublishError,
    PublishForbidden,
    PublishRefused,
    PublishUncertain,
    PublishUndelivered,
)
from bot.models import LinkPreview, ParseMode, Post, Receipt, Target
from bot.planner import SilentHours
from bot.render import plain_text, utf16_length, visible_text
from bot.telegram.pacing import ChatPacer, Interruptible

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
#: Makes one Bot API call for a post: its text (None: no caption) and the common parameters.
Sender = Callable[[str | None, dict[str, Any]], Awaitable[Message]]

#: Failures of the transport that prove the request never reached Telegram.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
#: How Telegram words a medium it cannot use: a URL it cannot fetch, content it cannot read.
_MEDIA_REFUSALS = (
    "http url",
    "file identifier",
    "failed to get",
    "wrong type of the web page content",
    "webpage_",
    "image_process_failed",
    "photo_invalid_dimensions",
    "wrong remote file",
    "failed to send message #",
)
#: Names the refused item of an album, counted from 1.
_ALBUM_ITEM = re.compile(r"message #(\d+)")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard the publisher tries before giving up on a post (all retries share `attempts`)."""

    attempts: int = 6
    #: Waits between attempts after a network failure or a 5xx; the last one repeats.
    backoff: Sequence[float] = (1.0, 2.0, 4.0, 8.0, 16.0)
    #: The longest flood wait honoured; Telegram asking for more fails the post instead.
    max_retry_after: float = 600.0

    def delay(self, retry: int) -> float:
        return self.backoff[min(retry, len(self.backoff) - 1)] if self.backoff else 0.0


def caption_fits(post: Post) -> bool:
    """Whether the post's visible text fits a photo caption (counted in UTF-16 units, as Telegram does)."""
    text = plain_text(post.body) if post.parse_mode is ParseMode.HTML else post.body
    return utf16_length(text) <= MessageLimit.CAPTION_LENGTH


def link_preview_options(mode: LinkPreview, url: str | None) -> LinkPreviewOptions | None:
    """Telegram's options for a preview mode; the article's own link is previewed when known."""
    if mode is LinkPreview.OFF:
        return LinkPreviewOptions(is_disabled=True)
    above = mode is LinkPreview.ABOVE
    if url is None and not above:
        return None
    return LinkPreviewOptions(url=url, show_above_text=above or None)


def _retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that this attribute becomes a timedelta; accept either form.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: int | float | timedelta = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _surely_not_sent(exc: NetworkError) -> bool:
    """True when the error proves Telegram did not post: it answered, or we never connected."""
    cause = exc.__cause__
    return cause is None or isinstance(cause, _NOT_SENT)


def _is_parse_error(exc: BadRequest) -> bool:
    return "can't parse entities" in exc.message.lower()


class TelegramPublisher:
    """Publishes posts to Telegram chats through an initialized PTB ``Bot``."""

    def __init__(
        self,
        bot: Bot,
        *,
        channel: str,
        link_preview: LinkPreview = LinkPreview.ON,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        silent_hours: SilentHours | None = None,
        clock: Clock = utcnow,
        pacer: ChatPacer | None = None,
    ) -> None:
        self._bot = bot
        #: Keeps Telegram's limits per chat; None sends as fast as Telegram answers.
        self._pacer = pacer
        self._default = Target(chat=channel)
        self._link_preview = link_preview
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        #: Waits before trying a post again (a flood wait, a backoff), cut short by :meth:`interrupt`.
        self._waits = Interruptible(sleep)
        self._silent_hours = silent_hours
        self._clock = clock

    def interrupt(self) -> None:
        """hashbot is stopping: a post waiting its turn or a retry gives up (PublishStopping).

        A send already on the wire finishes, and so does the text of a post whose media are out.
        """
        self._waits.interrupt()
        if self._pacer is not None:
            self._pacer.interrupt()

    def silent(self, post: Post) -> bool:
        """Whether `post` goes out without a sound: its feed says so, or it is sent in silent hours."""
        hours = self._silent_hours
        return post.silent or (hours is not None and hours.contains(self._clock()))

    async def publish(self, post: Post) -> Receipt:
        target = post.target or self._default
        post = replace(post, silent=self.silent(post))
        try:
            message = await self._deliver(post, target)
        except Forbidden as exc:
            raise PublishForbidden(target.chat, exc.message) from exc
        except BadRequest as exc:
            raise PublishRefused(f"{_where(post, target)}: Telegram refused the post: {exc.message}") from exc
        except TelegramError as exc:
            raise PublishUndelivered(
                f"{_where(post, target)}: Telegram did not take the post: {exc.message}"
            ) from exc
        logger.info(
            "published %s to %s as message %s%s",
            post.article.source or "post",
            target.chat,
            message.id,
            " (silent)" if post.silent else "",
        )
        return Receipt(
            post=post, destination=str(message.chat_id), message_id=message.id, sent_at=message.date
        )

    async def edit(self, post: Post, message_id: int) -> None:
        """Make message `message_id` show `post`: its text, or its caption when it is a medium.

        Telegram answers "there is no text in the message to edit" for a photo, album or video;
        the caption is edited then. Raises as :meth:`publish` does; an edit that changes nothing
        is no error.
        """
        target = post.target or self._default
        html = post.parse_mode is ParseMode.HTML
        try:
            try:
                await self._with_plain_fallback(
                    post, target, html=html, send=self._edited(message_id, "text")
                )
            except BadRequest as exc:
                if "no text in the message" not in exc.message.lower():
                    raise
                await self._with_plain_fallback(
                    post, target, html=html, send=self._edited(message_id, "caption")
                )
        except BadRequest as exc:
            if "message is not modified" in exc.message.lower():
                return
            raise PublishRefused(f"{_where(post, target)}: Telegram refused the edit: {exc.message}") from exc
        except Forbidden as exc:
            raise PublishForbidden(target.chat, exc.message) from exc
        except TelegramError as exc:
            raise PublishError(f"{_where(post, target)}: Telegram refused the edit: {exc.message}") from exc
        logger.info("edited message %s in %s: %s", message_id, target.chat, post.article.source or "post")

    def _edited(self, message_id: int, part: str) -> Sender:
        async def send(text: str | None, common: dict[str, Any]) -> Message:
            where = {
                "chat_id": common["chat_id"],
                "message_id": message_id,
                "parse_mode": common["parse_mode"],
            }
            if part == "caption":
                edited = await self._bot.edit_message_caption(caption=text, **where)
            else:
                edited = await self._bot.edit_message_text(text=text or "", **where)
            assert isinstance(edited, Message)  # True is for inline messages, which we never send
            return edited

        return send

    async def _deliver(self, post: Post, target: Target) -> Message:
        """The richest form Telegram accepts: video, album, photo, then text; a refused medium
        costs only itself, never the post."""
        html = post.parse_mode is ParseMode.HTML
        if post.video:
            try:
                return await self._with_media(post, target, html=html, send=self._video(post.video))
            except BadRequest as exc:
                if not _is_media_refusal(exc):
                    raise
                logger.warning("video for %s refused (%s); sending without it", _where(post, target), exc)
        photos = list(post.album) or ([post.photo] if post.photo else [])
        while len(photos) >= MediaGroupLimit.MIN_MEDIA_LENGTH:
            try:
                return await self._with_media(post, target, html=html, send=self._album(photos))
            except BadRequest as exc:
                if not _is_media_refusal(exc):
                    raise
                refused = photos.pop(_refused_item(exc, len(photos)))
                logger.warning(
                    "album for %s: Telegram refused %s (%s); trying %d photos",
                    _where(post, target),
                    refused,
                    exc.message,
                    len(photos),
                )
        if photos and caption_fits(post):
            try:
                return await self._with_plain_fallback(post, target, html=html, send=self._photo(photos[0]))
            except BadRequest as exc:
                if not _is_media_refusal(exc):
                    raise
                # A dead image link must not cost the post: it goes out as a text message.
                logger.warning("photo for %s refused (%s); sending text only", _where(post, target), exc)
        return await self._with_plain_fallback(post, target, html=html, send=self._text(post, target))

    async def _with_media(self, post: Post, target: Target, *, html: bool, send: Sender) -> Message:
        """Media with the post as caption when it fits; else the media, then the post as a message."""
        if caption_fits(post):
            return await self._with_plain_fallback(post, target, html=html, send=send)
        media = await self._send(post, target, html=html, send=send, captioned=False)
        try:
            return await self._with_plain_fallback(
                post, target, html=html, send=self._text(post, target), interruptible=False
            )
        except (TelegramError, PublishError) as exc:
            # The media are in the chat already: sending the post again would repeat them.
            raise PublishUncertain(
                f"{_where(post, target)}: the media went out as message {media.id} but the post's text "
                f"did not ({exc}); check the chat before posting it again"
            ) from exc

    async def _with_plain_fallback(
        self, post: Post, target: Target, *, html: bool, send: Sender, interruptible: bool = True
    ) -> Message:
        """Send as HTML; if Telegram cannot parse it, once more as the plain text a reader would see."""
        try:
            return await self._send(post, target, html=html, send=send, interruptible=interruptible)
        except BadRequest as exc:
            if not (html and _is_parse_error(exc)):
                raise
            logger.warning("%s: %s; sending as plain text", _where(post, target), exc.message)
            return await self._send(post, target, html=False, send=send, interruptible=interruptible)

    def _text(self, post: Post, target: Target) -> Sender:
        # A long read's page is what the preview opens: Telegram shows it in Instant View.
        preview = link_preview_options(
            target.link_preview or self._link_preview, post.long_read or post.article.url
        )

        async def send(text: str | None, common: dict[str, Any]) -> Message:
            return await self._bot.send_message(text=text or "", link_preview_options=preview, **common)

        return send

    def _photo(self, photo: str) -> Sender:
        async def send(text: str | None, common: dict[str, Any]) -> Message:
            return await self._bot.send_photo(photo=_photo_input(photo), caption=text, **common)

        return send

    def _video(self, video: str) -> Sender:
        async def send(text: str | None, common: dict[str, Any]) -> Message:
            return await self._bot.send_video(video=video, caption=text, supports_streaming=True, **common)

        return send

    def _album(self, photos: Sequence[str]) -> Sender:
        media = [InputMediaPhoto(media=_photo_input(photo)) for photo in photos]

        async def send(text: str | None, common: dict[str, Any]) -> Message:
            # PTB puts a group caption on the first photo, which clients show under the album.
            messages = await self._bot.send_media_group(media=media, caption=text, **common)
            return messages[0]

        return send

    async def _send(
        self,
        post: Post,
        target: Target,
        *,
        html: bool,
        send: Sender,
        captioned: bool = True,
        interruptible: bool = True,
    ) -> Message:
        """One logical send, retried only while a retry cannot make a second copy.

        `interruptible`: a stop request ends its waits (PublishStopping); False for a post's text
        after its media, which must follow them.
        """
        text = post.body if html or post.parse_mode is ParseMode.TEXT else plain_text(post.body)
        common: dict[str, Any] = {
            "chat_id": target.chat,
            "message_thread_id": target.thread_id,
            "parse_mode": TelegramParseMode.HTML if html and captioned else None,
            "disable_notification": True if post.silent else None,
        }
        retries = 0
        while True:
            if self._pacer is not None:
                await self._pacer.wait(target.chat, interruptible=interruptible)
            try:
                return await send(text if captioned else None, common)
            except RetryAfter as exc:
                self._refused(target)
                wait = _retry_after_seconds(exc)
                if wait > self._retry.max_retry_after or retries + 1 >= self._retry.attempts:
                    raise
                logger.warning("flood limit at %s: waiting %.0f s as Telegram asks", target.chat, wait)
            except BadRequest:
                raise  # a subclass of NetworkError, but the answer is final
            except NetworkError as exc:  # TimedOut is a NetworkError too
                if not _surely_not_sent(exc):  # it may have counted: the pacer keeps it
                    raise PublishUncertain(
                        f"{_where(post, target)}: the connection failed after the post was sent "
                        f"({exc.message}); Telegram may have published it, check the chat before "
                        "posting it again"
                    ) from exc
                self._refused(target)
                if retries + 1 >= self._retry.attempts:
                    raise PublishUndelivered(
                        f"{_where(post, target)}: Telegram could not be reached after "
                        f"{self._retry.attempts} attempts: {exc.message}"
                    ) from exc
                wait = self._retry.delay(retries)
                logger.warning(
                    "sending to %s failed (%s); retrying in %.0f s", target.chat, exc.message, wait
                )
            retries += 1
            await (self._waits.sleep(wait) if interruptible else self._sleep(wait))

    def _refused(self, target: Target) -> None:
        """Telegram did not take the send: it does not count against the chat's limits."""
        if self._pacer is not None:
            self._pacer.refused(target.chat)


def _is_media_refusal(exc: BadRequest) -> bool:
    """Whether Telegram refused a medium (it could not fetch or read it), not the post itself."""
    message = exc.message.lower()
    return any(sign in message for sign in _MEDIA_REFUSALS)


def _refused_item(exc: BadRequest, count: int) -> int:
    """Which photo of an album Telegram refused ("failed to send message #2 …"); else the last."""
    match = _ALBUM_ITEM.search(exc.message)
    number = int(match.group(1)) if match else count
    return min(max(number, 1), count) - 1


def _photo_input(photo: str) -> str | InputFile:
    """A local image file is uploaded; anything else (URL, file_id) is passed to Telegram as is."""
    path = Path(photo)
    if "://" not in photo and path.is_file():
        return InputFile(path.read_bytes(), filename=path.name)
    return photo


def _where(post: Post, target: Target) -> str:
    return f"{post.article.source or post.article.title or 'post'} → {target.chat}"


class AdminPreviewPublisher:
    """Dry run with a token: posts go to each admin's private chat, marked as previews."""

    MARK = "<i>Preview (dry run): not published</i>"

    def __init__(self, publisher: TelegramPublisher, admin_ids: Sequence[int]) -> None:
        self._publisher = publisher
        self._admin_ids = tuple(admin_ids)

    async def publish(self, post: Post) -> Receipt:
        if not self._admin_ids:
            raise PublishError("dry run: no admin to send the preview to (set HASHBOT_ADMIN_IDS)")
        marked = _marked(post, self.MARK)
        receipt: Receipt | None = None
        for admin in self._admin_ids:
            receipt = await self._publisher.publish(replace(marked, target=Target(chat=str(admin))))
        assert receipt is not None
        return Receipt(
            post=post,
            destination="preview",
            message_id=receipt.message_id,
            sent_at=receipt.sent_at,
            preview=True,
        )


def _marked(post: Post, mark: str) -> Post:
    if post.parse_mode is ParseMode.HTML:
        return replace(post, body=f"{mark}\n\n{post.body}")
    return replace(post, body=f"{visible_text(mark)}\n\n{post.body}")
