"""A decision desk: one question about a post, put to every admin with buttons; the first answer wins.

What the approval previews and the uncertain-post questions share:

- each admin gets a copy with the buttons; the copies are kept in the store, so they can all be
  edited whichever admin decides, and whenever (after a restart too);
- a button's callback data is ``<desk>:<post id>:<action>``, and nothing else is needed to act
  on it, so buttons keep working across restarts and processes;
- a click is authorized like a command (:meth:`Admins.only`), then handed to the desk's
  ``decide``, which claims the decision in the store with a compare-and-set. A lost claim (a
  double click, two admins at once) is answered "Already decided" and changes nothing. A desk
  whose decision is no lifecycle event (``claims=True``: [Post again]) claims the question
  itself: the click takes its messages from the store (:meth:`Store.take_desk_messages`), so of
  two clicks, in one process or two, only one reaches ``decide``;
- a decision is answered to the clicking admin and shown under every admin's copy, whose
  buttons go away. A verdict without a note (paused, "send me the tags") keeps the question open.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from html import escape

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import CallbackQueryLimit, ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.errors import HashbotError
from bot.storage import DeskMessage, Store
from bot.telegram.auth import Admins

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Click:
    """An admin's click on one of a desk's buttons."""

    post_id: int
    action: str
    #: How the decision is signed under the question: the admin's first name.
    who: str
    user_id: int


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a click did: the answer the clicking admin sees, and the note every admin's copy gets.

    Without a note the question stays open and its buttons keep working.
    """

    answer: str
    note: str | None = None


#: Carries out a click; None when the decision had already been taken (the claim was lost).
Decide = Callable[[Click], Awaitable[Verdict | None]]
#: Rows of (label, action) buttons.
Buttons = Sequence[Sequence[tuple[str, str]]]


class Desk:
    """Sends a desk's questions, dispatches its clicks, and edits every copy once decided."""

    def __init__(
        self, bot: Bot, *, name: str, admins: Admins, store: Store, buttons: Buttons, claims: bool = False
    ) -> None:
        self.name = name
        #: The click claims the question in the store before deciding (see the module's docstring).
        self._claims = claims
        self._bot = bot
        self._admins = admins
        self._store = store
        self._buttons = buttons

    def keyboard(self, post_id: int) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(label, callback_data=f"{self.name}:{post_id}:{action}")
                    for label, action in row
                ]
                for row in self._buttons
            ]
        )

    def asked(self, post_id: int) -> set[int]:
        """The admins who have a copy of the question about `post_id`."""
        return {message.chat_id for message in self._store.desk_messages(self.name, post_id)}

    async def ask(
        self, post_id: int, text: str, *, html: bool = True, admins: Collection[int] | None = None
    ) -> int:
        """Put the question to every admin (or to `admins`); returns how many it reached."""
        sent: list[DeskMessage] = []
        for admin in self._admins.ids if admins is None else admins:
            try:
                message = await self._bot.send_message(
                    admin, text, parse_mode=_mode(html), reply_markup=self.keyboard(post_id)
                )
            except TelegramError as exc:
                logger.warning(
                    "%s: could not ask admin %s about post %d: %s", self.name, admin, post_id, exc.message
                )
                continue
            sent.append(DeskMessage(self.name, post_id, admin, message.message_id, text, html))
        self._store.save_desk_messages(sent)
        return len(sent)

    async def revise(self, post_id: int, text: str, *, html: bool = True) -> None:
        """Replace the question's text in every admin's copy, keeping the buttons."""
        messages = self._store.desk_messages(self.name, post_id)
        for message in messages:
            await self._edit(message, text, html=html, keyboard=self.keyboard(post_id))
        self._store.save_desk_messages(
            [DeskMessage(self.name, post_id, m.chat_id, m.message_id, text, html) for m in messages]
        )

    async def close(self, post_id: int, note: str, messages: Sequence[DeskMessage] | None = None) -> None:
        """Show the decision under every admin's copy (or under `messages`, claimed already) and
        take the buttons away."""
        if messages is None:
            messages = self._store.desk_messages(self.name, post_id)
        for message in messages:
            text = f"{message.text}\n\n<b>{escape(note)}</b>" if message.html else f"{message.text}\n\n{note}"
            await self._edit(message, text, html=message.html, keyboard=None)
        self._store.forget_desk_messages(self.name, post_id)

    def handler(self, decide: Decide) -> CallbackQueryHandler[ContextTypes.DEFAULT_TYPE, None]:
        async def on_click(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            await self._on_click(update, decide)

        return CallbackQueryHandler(
            self._admins.only(f"a {self.name} button", on_click), pattern=f"^{self.name}:\\d+:"
        )

    async def _on_click(self, update: Update, decide: Decide) -> None:
        query = update.callback_query
        if query is None or query.data is None:
            return
        _, post_id, action = query.data.split(":", 2)
        user = query.from_user
        click = Click(post_id=int(post_id), action=action, who=user.first_name, user_id=user.id)
        if self._store.post(click.post_id) is None:  # a made-up id, or a post long forgotten
            await _answer(update, UNKNOWN_BUTTON)
            return
        claimed = self._store.take_desk_messages(self.name, click.post_id) if self._claims else None
        if claimed == []:
            verdict = None  # another click took the question first
        else:
            try:
                verdict = await decide(click)
            except HashbotError as exc:
                logger.warning("%s: post %d, %s failed: %s", self.name, click.post_id, action, exc)
                self._reopen(claimed)
                await _answer(update, f"Nothing done: {exc}")
                return
        if verdict is None:
            post = self._store.post(click.post_id)
            await _answer(
                update, f"Already decided: post {click.post_id} is {post.state if post else 'gone'}."
            )
            return
        logger.info("%s: post %d, %s by user %s", self.name, click.post_id, action, user.id)
        await _answer(update, verdict.answer)
        if verdict.note is not None:
            await self.close(click.post_id, verdict.note, claimed)
        else:
            self._reopen(claimed)

    def _reopen(self, claimed: Sequence[DeskMessage] | None) -> None:
        """Put back a question a click claimed but did not decide: its buttons keep working."""
        if claimed:
            self._store.save_desk_messages(claimed)

    async def _edit(
        self, message: DeskMessage, text: str, *, html: bool, keyboard: InlineKeyboardMarkup | None
    ) -> None:
        try:
            await self._bot.edit_message_text(
                text,
                chat_id=message.chat_id,
                message_id=message.message_id,
                parse_mode=_mode(html),
                reply_markup=keyboard,
            )
        except TelegramError as exc:  # deleted by the admin, or already showing this text
            logger.warning(
                "%s: could not edit the question about post %d for admin %s: %s",
                self.name,
                message.post_id,
                message.chat_id,
                exc.message,
            )


#: What a click on a button no desk knows is told: one from an older version, or made-up data.
UNKNOWN_BUTTON = "This button no longer works. Use the newest message, or /queue to see the posts."


def unknown_button_handler(admins: Admins) -> CallbackQueryHandler[ContextTypes.DEFAULT_TYPE, None]:
    """Answers every click no desk took, so the client's spinner stops; register it after the desks."""

    async def on_click(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        logger.info("a button no desk knows, from user %s", user.id if user else "unknown")
        await _answer(update, UNKNOWN_BUTTON)

    return CallbackQueryHandler(admins.only("a button", on_click))


def _mode(html: bool) -> ParseMode | None:
    return ParseMode.HTML if html else None


async def _answer(update: Update, text: str) -> None:
    """Answer the click; a click answered too late (a long send) is only logged.

    Telegram refuses an answer longer than its limit: a long one (an error's text) is cut.
    """
    assert update.callback_query is not None
    try:
        await update.callback_query.answer(text[: CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH])
    except TelegramError as exc:
        logger.warning("could not answer a button click: %s", exc.message)


def capitalized(text: str) -> str:
    """`text` with its first letter in upper case and the rest untouched (unlike str.capitalize)."""
    return text[:1].upper() + text[1:]


__all__ = ["Buttons", "Click", "Decide", "Desk", "Verdict", "capitalized", "unknown_button_handler"]
