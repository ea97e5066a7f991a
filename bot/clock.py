"""The one clock type: every part that needs the time is given a :data:`Clock`, and tests a fixed one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

#: Returns the current moment, timezone-aware.
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The real clock, in UTC."""
    return datetime.now(UTC)


__all__ = ["Clock", "utcnow"]
