"""Replies to commands: plain text, and listings (/queue, /feeds) that always fit one message.

Replies are sent without a parse mode, so titles and addresses need no escaping; what must be
watched is the length, counted in UTF-16 code units as Telegram counts it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import Update
from telegram.constants import MessageLimit

from bot.render import utf16_length

MESSAGE_LIMIT = MessageLimit.MAX_TEXT_LENGTH


async def reply(update: Update, text: str) -> None:
    """Answer the message that brought `update`, if there is one."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(text)


def clip(text: str, width: int) -> str:
    """`text` on one line, cut to `width` characters with an ellipsis (between words if it can)."""
    line = " ".join(text.split())
    if len(line) <= width:
        return line
    cut = line[: width - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > width * 2 // 3 else cut).rstrip() + "…"


def fit(lines: Sequence[str], *, more: Callable[[int], str], limit: int = MESSAGE_LIMIT) -> str:
    """The lines joined; if they are too long, as many as fit with the line `more(left out)`."""
    text = "\n".join(lines)
    if utf16_length(text) <= limit:
        return text
    kept: list[str] = []
    size = 0
    for line in lines:
        size += utf16_length(line) + 1  # and its newline
        if size + utf16_length(more(len(lines) - len(kept))) > limit:
            break
        kept.append(line)
    return "\n".join([*kept, more(len(lines) - len(kept))])
