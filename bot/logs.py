"""Logging set-up for operators: readable lines by default, JSON lines for log collectors.

A JSON line about one feed or one post carries its id as a field (``feed_id``, ``post_id``), so a
log collector can follow a feed or a post without parsing messages: the code that works on one
opens :func:`log_fields` around that work, and every record logged inside it (in the same task, or
tasks it starts) gets the fields.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

#: Bot API URLs carry the token (``/bot<token>/method``); never let one reach a log.
_TOKEN_IN_TEXT = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}")
#: The user and password of an address (a proxy's ``socks5://user:pass@host``).
_CREDENTIALS_IN_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s]+@")
#: A password given as a parameter (``postgresql://db/hashbot?password=...``, libpq's ``password=...``).
_PASSWORD_PARAMETER = re.compile(r"(?i)\b(password=)[^&\s]+")


#: The ids of what the current task works on; set only through log_fields.
_FIELDS: ContextVar[Mapping[str, int] | None] = ContextVar("hashbot_log_fields", default=None)


@contextmanager
def log_fields(*, feed_id: int | None = None, post_id: int | None = None) -> Iterator[None]:
    """Every record logged in the block carries these ids, as fields of its JSON line."""
    given = {"feed_id": feed_id, "post_id": post_id}
    token = _FIELDS.set(
        {**(_FIELDS.get() or {}), **{name: value for name, value in given.items() if value is not None}}
    )
    try:
        yield
    finally:
        _FIELDS.reset(token)


def redact(text: str) -> str:
    """`text` without bot tokens or the credentials of any address in it."""
    text = _CREDENTIALS_IN_URL.sub(r"\1***@", _TOKEN_IN_TEXT.sub("<token>", text))
    return _PASSWORD_PARAMETER.sub(r"\1***", text)


class _RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **(_FIELDS.get() or {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False))


def configure_logging(*, level: str, fmt: str, stream: TextIO = sys.stderr) -> None:
    """Route all logs to `stream`; third-party chatter (httpx request URLs) stays at WARNING."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        _JsonFormatter()
        if fmt == "json"
        else _RedactingFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
