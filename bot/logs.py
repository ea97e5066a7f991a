"""Logging set-up for operators: readable lines by default, JSON lines for log collectors."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import TextIO

#: Bot API URLs carry the token (``/bot<token>/method``); never let one reach a log.
_TOKEN_IN_TEXT = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}")
#: The user and password of an address (a proxy's ``socks5://user:pass@host``).
_CREDENTIALS_IN_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s]+@")


def redact(text: str) -> str:
    """`text` without bot tokens or the credentials of any address in it."""
    return _CREDENTIALS_IN_URL.sub(r"\1***@", _TOKEN_IN_TEXT.sub("<token>", text))


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
