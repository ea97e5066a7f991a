"""The one exception tree of hashbot.

Everything hashbot raises on purpose derives from :class:`HashbotError`; the CLI and the bot turn
these into messages and exit codes, nothing else does::

    HashbotError
    ├── ConfigError          a setting is missing or invalid               (exit 2)
    ├── IngestError          a source could not be read into an article
    │   ├── SourceFormatError    the source was read but is not a usable article
    │   └── FetchError           an HTTP fetch failed (status, timeout, size, redirects)
    ├── FilterError          a feed's include/exclude filter is invalid
    ├── StoreError           the database cannot be opened, migrated or written
    │   ├── StoreUnavailable     HASHBOT_DATABASE names no usable database (unreachable, refused
    │   │                        credentials, not hashbot's, a newer schema)              (exit 2)
    │   └── LeaseLost            another worker took over a claim this one held: its work is dropped
    ├── RenderError          a template is missing, broken, or the post cannot fit
    │   └── ChartUnavailable     the statistics chart needs matplotlib, which is not installed
    ├── UnexpectedError      a bug met while handling one source, so the others still run (exit 3)
    ├── TelegraphError       a long read's page could not be created (the post goes without it)
    ├── MastodonError        a status could not be posted (its own retries; Telegram unaffected)
    └── PublishError         a post could not be delivered
        ├── PublishForbidden     Telegram refused the bot the chat (403): pause and tell admins
        ├── PublishUncertain     the send may or may not have happened: never retried blindly
        ├── PublishRefused       Telegram refused this post for good (400): not worth retrying
        └── PublishPaused        publishing is paused; the post was not sent and is not lost
            └── PublishStopping      hashbot is stopping: a wait for Telegram's limits was cut short

Each exception carries the context an operator needs (which setting, which file) in its message.
"""

from __future__ import annotations

import traceback
from datetime import datetime


class HashbotError(Exception):
    """Base class of every error hashbot raises on purpose."""


class ConfigError(HashbotError):
    """A setting from the environment or `.env` is missing or invalid."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


class IngestError(HashbotError):
    """A source (file, standard input, URL, feed) could not be read."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class SourceFormatError(IngestError):
    """A source was read but holds no usable article (empty, binary, malformed)."""


class FetchError(IngestError):
    """A URL could not be fetched: refused, timed out, an HTTP error, too large, too many redirects.

    ``status`` is the HTTP status when the server answered; ``retry_after`` the seconds it asked
    us to wait (429, 503), when it said.
    """

    def __init__(
        self, source: str, problem: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(source, problem)
        self.status = status
        self.retry_after = retry_after


class FilterError(HashbotError):
    """A feed filter term is invalid, for example a regular expression that does not compile."""


class StoreError(HashbotError):
    """The database cannot be opened or migrated, or a change to it is refused (a duplicate feed)."""


class StoreUnavailable(StoreError):
    """The database HASHBOT_DATABASE names cannot be used at all: fixing that setting (or the
    server, or hashbot's version) is the cure, so the CLI exits 2 as for any bad setting."""


class LeaseLost(StoreError):
    """A worker's claim (a feed's poll) expired and another worker took it over.

    The late worker's result is not saved: the newer claim's poll is the one that counts, so an
    item is never queued by both. Raised by the store instead of writing anything.
    """


class RenderError(HashbotError):
    """A template is missing or broken, or the rendered post cannot fit Telegram's limits."""


class UnexpectedError(HashbotError):
    """A bug: an exception hashbot did not plan for, caught at the edge of one source.

    The source's other neighbours still run; the message is one line naming the source, the
    exception and where it was raised, to be pasted into a bug report. Exit status 3, never the
    1 of a bad input, so scripts can tell a broken file from a broken hashbot.
    """

    def __init__(self, source: str, error: BaseException) -> None:
        frames = traceback.extract_tb(error.__traceback__)
        where = f" at {frames[-1].filename.rsplit('/bot/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
        detail = " ".join(str(error).split())[:200]
        super().__init__(
            f"{source}: unexpected {type(error).__name__}{': ' + detail if detail else ''}{where} "
            "(a bug in hashbot; please report it with this line)"
        )
        self.source = source
        self.error = error


def with_source(error: HashbotError, source: str) -> HashbotError:
    """`error`, its message led by the source it concerns when it does not name it yet.

    Every error class here passes one message to ``Exception``, so a twin with the same class and
    attributes (a 403's chat) and a new message is built without calling ``__init__`` again.
    """
    if not source or str(error).startswith(f"{source}: "):
        return error
    sourced = type(error).__new__(type(error), f"{source}: {error}")
    sourced.__dict__.update(error.__dict__)
    return sourced


class ChartUnavailable(RenderError):
    """The statistics chart was asked for, but matplotlib (the ``chart`` extra) is not installed."""


class TelegraphError(HashbotError):
    """The Telegraph API refused a call or could not be reached; never stops a post."""


class MastodonError(HashbotError):
    """Mastodon refused a status or could not be reached; never touches the Telegram post.

    ``retry``: whether trying again can help (the server was down, or rate limited us until
    ``retry_at``); False when Mastodon refused the status itself.
    """

    def __init__(self, problem: str, *, retry: bool = True, retry_at: datetime | None = None) -> None:
        super().__init__(problem)
        self.retry = retry
        self.retry_at = retry_at


class PublishError(HashbotError):
    """A post could not be delivered by the publisher."""


class PublishForbidden(PublishError):
    """Telegram answered 403: the bot was removed from the chat or may not post there."""

    def __init__(self, chat: str, reason: str) -> None:
        super().__init__(f"{chat}: {reason}")
        self.chat = chat
        self.reason = reason

    @property
    def pause_reason(self) -> str:
        """Why publishing is paused after this refusal (what /status and `hashbot status` show)."""
        return f"Telegram refused the bot in {self.chat}: {self.reason}"


class PublishUncertain(PublishError):
    """The connection failed after the request was sent: Telegram may have posted it.

    Telegram has no idempotency key, so retrying could post a second copy; a person checks instead.
    """


class PublishUndelivered(PublishError):
    """Telegram could not be reached, or asked to wait longer than we wait: nothing was posted.

    Trying again later is safe; the run loop does so at the next slot.
    """


class PublishRefused(PublishError):
    """Telegram refused this very post (a 400 such as a dead chat or an unsendable text)."""


class PublishPaused(PublishError):
    """Publishing is paused (by an admin or after a 403); the post was not sent."""


class PublishStopping(PublishPaused):
    """hashbot was asked to stop while a post waited its turn (pacing, a flood wait): not sent."""
