"""The approval flow: feed posts wait for an admin's [Publish], [Queue] or [Skip] before the channel.

With ``HASHBOT_APPROVAL`` on, the runner moves each feed post a slot would publish to ``awaiting``
and hands it to :meth:`ApprovalDesk.offer`, which sends every admin a preview with the buttons.
Everything is in the store (the post's state, the previews' message ids), so a restart forgets
nothing: the buttons keep working, and a post whose previews never went out is offered again.

- [Publish] sends the post now, through the runner's own claim and send (``awaiting → sending``);
- [Queue] approves it and puts it back in the queue: a later slot publishes it without asking;
- [Skip] skips it;
- [Edit tags] asks the admin for a new tag list in their private chat; the next text they send
  becomes the post's tags (normalized like any tag), and every preview is re-rendered with them;
- [Schedule…] (on a post an admin pasted) asks for a time the way `/schedule` reads one
  (``18:30`` or ``2026-12-01 09:00``, local time); the post becomes a one-off post at that time.

Each decision is a compare-and-set from ``awaiting``, so a double click, or two admins at once,
act once; :mod:`bot.telegram.desk` answers the click and shows the decision on every preview.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from datetime import tzinfo

from telegram import Bot, ForceReply, Message, Update
from telegram.constants import MessageLimit
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes, MessageHandler, filters

from bot.clock import Clock
from bot.hashtags import TagOptions, normalize, tag_key
from bot.models import ParseMode, Post
from bot.planner import local_time, parse_when
from bot.render import escape, plain_text, shorten, utf16_length
from bot.runner import PublishesApproved, RendersPosts
from bot.storage import AdminRequest, PostEvent, PostState, QueuedPost, Store
from bot.telegram.auth import Admins
from bot.telegram.desk import Click, Desk, Verdict, capitalized
from bot.telegram.handlers import Handler

logger = logging.getLogger(__name__)

#: Not "approval": the buttons of the in-memory desk this replaces said "approval:<key>:…", with
#: keys that are not post ids, and must never act on the post that happens to have that id.
PREFIX = "approve"
#: The desk of posts an admin pasted to the bot.
PASTED = "paste"
PUBLISH, QUEUE, EDIT_TAGS, SKIP, SCHEDULE = "publish", "queue", "tags", "skip", "schedule"
#: The kind of AdminRequest left by [Edit tags]: the admin's next text is the post's tags.
TAGS_REQUEST = "tags"
#: The kind of AdminRequest left by [Schedule…]: the admin's next text is the post's time.
TIME_REQUEST = "time"
#: Longer than any time an admin types: a longer text is an article, pasted meanwhile.
_TIME_ANSWER = 40
#: How an admin may write a post's time: what `/schedule` reads.
_TIME_FORMS = "Send a time like 18:30 or 2026-12-01 09:00"
_SEPARATORS = re.compile(r"[#,;\n]+")


def parse_tags(text: str, options: TagOptions) -> list[str] | None:
    """The tags an admin typed, normalized and without duplicates; ``-`` is no tags at all.

    Tags are separated by ``#``, commas, semicolons or lines (``#Keir Starmer #Ukraine``), or by
    spaces when none of those is used (``Ukraine Paris``). None when nothing taggable is left.
    """
    if text.strip() == "-":
        return []
    phrases = _SEPARATORS.split(text) if _SEPARATORS.search(text) else text.split()
    tags: dict[str, str] = {}
    for phrase in phrases:
        name = normalize(phrase, case=options.case, script=options.script)
        if name is not None:
            tags.setdefault(tag_key(name), name)
    return list(tags.values()) or None


#: Room a preview keeps for its header and for the decision note added when an admin decides.
DESK_ROOM = 300


def preview_text(post_id: int, post: Post, *, header: str = "Awaiting approval") -> str:
    """The post as the channel would show it, under its header; shortened when both cannot fit.

    A post rendered right up to Telegram's limit would be refused once the header is added, and
    the admins would never see it; its preview becomes its plain text, cut to leave the room.
    """
    html = post.parse_mode is ParseMode.HTML
    visible = plain_text(post.body) if html else post.body
    if utf16_length(visible) + DESK_ROOM > MessageLimit.MAX_TEXT_LENGTH:
        shortened = shorten(visible, MessageLimit.MAX_TEXT_LENGTH - DESK_ROOM)
        body = escape(shortened) if html else shortened
    else:
        body = post.body
    if html:
        return f"<i>{escape(header)}</i> · post #{post_id}\n\n{body}"
    return f"{header} · post #{post_id}\n\n{body}"


class ApprovalDesk:
    """Puts posts awaiting approval to the admins and carries out the first decision on each."""

    def __init__(
        self,
        bot: Bot,
        *,
        admins: Admins,
        store: Store,
        tag_options: TagOptions,
        clock: Clock,
        publishing: PublishesApproved,
        rendering: RendersPosts,
        tz: tzinfo,
        on_scheduled: Callable[[], None] = lambda: None,
    ) -> None:
        self.desk = Desk(
            bot,
            name=PREFIX,
            admins=admins,
            store=store,
            buttons=[
                [("✅ Publish", PUBLISH), ("🕒 Queue", QUEUE)],
                [("🏷 Edit tags", EDIT_TAGS), ("⏭ Skip", SKIP)],
            ],
        )
        #: The same decisions on a post an admin pasted, put to that admin alone.
        self.pasted = Desk(
            bot,
            name=PASTED,
            admins=admins,
            store=store,
            buttons=[
                [("✅ Publish now", PUBLISH), ("🕒 Queue", QUEUE)],
                [("📅 Schedule…", SCHEDULE), ("🏷 Edit tags", EDIT_TAGS)],
                [("🗑 Discard", SKIP)],
            ],
        )
        self._bot = bot
        self._admins = admins
        self._store = store
        self._tag_options = tag_options
        self._clock = clock
        #: The run loop: [Publish] goes through its own claim and send, previews through its render.
        self._publishing = publishing
        self._rendering = rendering
        #: Times admins type are read in this zone, as `/schedule` reads them.
        self._tz = tz
        #: Tells the scheduler a one-off post was queued, so it arms the post's job at once.
        self._on_scheduled = on_scheduled

    def handlers(self) -> list[Handler]:
        """The buttons of both desks."""
        return [self.desk.handler(self.decide), self.pasted.handler(self.decide)]

    def answer_handlers(self) -> list[Handler]:
        """An admin's text after [Edit tags] or [Schedule…]: the answer (group ANSWERS, before the rest)."""
        tag_reply = (
            filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & filters.User(self._admins.ids)
        )
        return [MessageHandler(tag_reply, self.on_answer)]

    async def offer(self, posts: Sequence[QueuedPost]) -> None:
        """Send a preview of each post to every admin who has none yet (the runner's ``on_awaiting``)."""
        for post in posts:
            if self.pasted.asked(post.id):
                continue  # an admin pasted it and has its preview
            missing = [admin for admin in self._admins.ids if admin not in self.desk.asked(post.id)]
            rendered = self._render(post) if missing else None
            if rendered is None:
                continue
            html = rendered.parse_mode is ParseMode.HTML
            if not await self.desk.ask(post.id, preview_text(post.id, rendered), html=html, admins=missing):
                logger.warning("post %d awaits approval but no admin could be sent its preview", post.id)

    async def offer_pasted(self, post_id: int, admin: int) -> bool:
        """Show `admin` the preview of the post they pasted (it awaits their decision)."""
        post = self._store.post(post_id)
        rendered = self._render(post) if post else None
        if rendered is None:
            return False
        text = preview_text(post_id, rendered, header="Your post, not published yet")
        return bool(
            await self.pasted.ask(post_id, text, html=rendered.parse_mode is ParseMode.HTML, admins=[admin])
        )

    async def decide(self, click: Click) -> Verdict | None:
        if click.action == EDIT_TAGS:
            return await self._ask_for_tags(click)
        if click.action == SCHEDULE:
            return await self._ask_for_time(click)
        if click.action == PUBLISH:
            return await self._publish(click)
        if click.action == QUEUE:
            if not self._store.decide(click.post_id, PostEvent.APPROVE, now=self._clock()):
                return None
            outcome = f"queued by {click.who}: it goes out at the next slot"
        elif click.action == SKIP:
            if not self._store.decide(
                click.post_id, PostEvent.SKIP, now=self._clock(), note=f"skipped by {click.who}"
            ):
                return None
            outcome = f"skipped by {click.who}"
        else:
            return Verdict(answer="This button is no longer supported; use the newest preview.")
        return Verdict(answer=capitalized(outcome.split(" by ")[0]), note=outcome)

    async def on_answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An admin's text while they were asked for a post's tags or time. Other texts pass on."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or message.text is None:
            return
        pending = self._store.admin_request(user.id)
        if pending is None or pending.kind not in (TAGS_REQUEST, TIME_REQUEST):
            return  # not an answer: the commands' catch-all handles it
        post = self._store.post(pending.post_id)
        if post is None or post.state is not PostState.AWAITING:
            # Decided meanwhile (by a button, another admin, /cancel): the question is over, and
            # this message is about something else.
            self._store.forget_admin_request(user.id)
            return
        if pending.kind == TIME_REQUEST and not _may_be_a_time(message.text):
            # An article pasted while a time was asked for: it is a new post, not the answer.
            self._store.forget_admin_request(user.id)
            return
        if pending.kind == TIME_REQUEST:
            await self._take_time(message, post, who=user.first_name)
        else:
            await self._take_tags(message, post)
        raise ApplicationHandlerStop

    async def _take_time(self, message: Message, post: QueuedPost, *, who: str) -> None:
        """The admin's time for a pasted post: it becomes a one-off post then, as `/schedule` queues one."""
        assert message.text is not None and message.from_user is not None
        now = self._clock()
        try:
            when = parse_when(message.text, now=now, tz=self._tz)
        except ValueError as exc:
            await message.reply_text(f"{exc}. Send the time for post #{post.id}, or /cancel {post.id}.")
            return
        self._store.forget_admin_request(message.from_user.id)
        shown = local_time(when, self._tz)
        if not self._store.schedule(post.id, when, now=now, note=f"scheduled by {who} for {shown}"):
            await message.reply_text(f"Post #{post.id} was decided meanwhile; it is not scheduled.")
            return
        self._on_scheduled()
        logger.info("post %d scheduled for %s by user %s", post.id, when.isoformat(), message.from_user.id)
        note = f"scheduled by {who} for {shown}"
        await self.desk.close(post.id, note)
        await self.pasted.close(post.id, note)
        await message.reply_text(f"Scheduled as post {post.id} for {shown}.")

    async def _take_tags(self, message: Message, post: QueuedPost) -> None:
        """The admin's new tags for a post awaiting a decision: every preview shows them."""
        assert message.text is not None and message.from_user is not None
        post_id = post.id
        tags = parse_tags(message.text, self._tag_options)
        if tags is None:
            await message.reply_text(
                f"No hashtag in that. Send the tags for post #{post_id} like #Ukraine #KeirStarmer, "
                "or - for none."
            )
            return
        self._store.forget_admin_request(message.from_user.id)
        if not self._store.edit_tags(post_id, tags, now=self._clock()):
            edited = self._store.post(post_id)
            await message.reply_text(
                f"Post #{post_id} is no longer awaiting approval ({edited.state if edited else 'gone'}); "
                "its tags are unchanged."
            )
            return
        edited = self._store.post(post_id)
        rendered = self._render(edited) if edited else None
        if rendered is not None:
            html = rendered.parse_mode is ParseMode.HTML
            await self.desk.revise(post_id, preview_text(post_id, rendered), html=html)
            await self.pasted.revise(
                post_id, preview_text(post_id, rendered, header="Your post, not published yet"), html=html
            )
        shown = " ".join(f"#{tag}" for tag in tags) or "no tags"
        logger.info("approval: post %d, tags edited by user %s", post_id, message.from_user.id)
        await message.reply_text(f"Post #{post_id} now has {shown}; the previews show it.")

    async def _publish(self, click: Click) -> Verdict | None:
        report = await self._publishing.publish_approved(click.post_id)
        if not report.done:
            if report.paused is None:
                return None
            return Verdict(
                answer=f"Not published: publishing is paused ({report.paused}). /resume, then click again."
            )
        post = self._store.post(click.post_id)
        outcome = _published(post) if post else "gone"
        return Verdict(answer=capitalized(outcome), note=f"{outcome} by {click.who}")

    async def _ask_for_tags(self, click: Click) -> Verdict | None:
        post = self._store.post(click.post_id)
        if post is None or post.state is not PostState.AWAITING:
            return None
        self._store.save_admin_request(AdminRequest(click.user_id, TAGS_REQUEST, post.id))
        current = " ".join(f"#{tag}" for tag in post.tags) if post.tags_edited else "the ones in the preview"
        try:
            await self._bot.send_message(
                click.user_id,
                f"Send the new tags for post #{post.id} (now: {current}), like #Ukraine #KeirStarmer, "
                "or - for none.",
                reply_markup=ForceReply(input_field_placeholder="#Tag #Another tag"),
            )
        except TelegramError as exc:
            logger.warning("could not ask admin %s for tags: %s", click.user_id, exc.message)
        return Verdict(answer=f"Send me the tags for post #{post.id}.")

    async def _ask_for_time(self, click: Click) -> Verdict | None:
        post = self._store.post(click.post_id)
        if post is None or post.state is not PostState.AWAITING:
            return None
        self._store.save_admin_request(AdminRequest(click.user_id, TIME_REQUEST, post.id))
        try:
            await self._bot.send_message(
                click.user_id,
                f"When should post #{post.id} go out? {_TIME_FORMS} ({self._tz}).",
                reply_markup=ForceReply(input_field_placeholder="18:30"),
            )
        except TelegramError as exc:
            logger.warning("could not ask admin %s for a time: %s", click.user_id, exc.message)
        return Verdict(answer=f"Send me the time for post #{post.id}.")

    def _render(self, post: QueuedPost) -> Post | None:
        return self._rendering.renderable(post)


def _may_be_a_time(text: str) -> bool:
    """Whether a text could be meant as a time (``18:30``, ``tomorrow 9``), not an article or a link."""
    return len(text) <= _TIME_ANSWER and "\n" not in text and "://" not in text


def _published(post: QueuedPost) -> str:
    """What [Publish] did to `post`, in the words its previews show."""
    if post.state is PostState.SENT:
        return f"published as message {post.message_id}"
    if post.state is PostState.SKIPPED:
        return "previewed (dry run), not published"
    if post.state is PostState.UNCERTAIN:
        return "maybe published: check the channel"
    if post.state is PostState.QUEUED:
        return f"not delivered yet ({post.last_error or 'publishing paused'}): queued for the next slot"
    return f"failed: {post.last_error}"


__all__ = ["ApprovalDesk", "parse_tags", "preview_text"]
