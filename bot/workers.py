"""Several hashbot processes on one database: who each one is, and how long its claims last.

Every process is a worker with a name of its own. A worker polls a feed only under a claim (a
lease in the store, see :meth:`bot.storage.Store.claim_feeds`) and sends posts only while it holds
the :data:`SENDER` lease, so feeds are never polled by two workers at once and the channel has
one sender. Leases expire: a worker killed mid-poll or mid-send loses its claim after
:data:`FEED_LEASE` or :data:`SENDER_LEASE`, never its feeds or posts.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import timedelta
from functools import cache

#: A claim on a feed's poll. Longer than any poll takes: the fetcher's total time limit bounds
#: each request, and a poll makes a few (the feed, a discovered feed, the pages of teasers).
FEED_LEASE = timedelta(minutes=10)

#: The lease of the one worker that sends posts. Publishing is one sender for the bot, not one per
#: chat: the hourly and daily caps and the bot's overall rate limit count every chat, so only one
#: sender can keep them (and with them each chat's pacing and feed order).
SENDER = "sender"

#: Renewed before every send. Longer than Telegram's pacing window (bot/telegram/pacing.py) plus
#: a send's longest wait, so a worker taking over from a dead one sends its first post more than a
#: window after its predecessor's last: the new worker's pacer, which starts empty, keeps the limits.
SENDER_LEASE = timedelta(minutes=3)
#: What a worker stopping cleanly leaves of its sender lease, for the same reason.
SENDER_HANDOVER = timedelta(seconds=60)


@cache
def worker_id() -> str:
    """This process's name among the workers, the same for all its parts: host and pid (for an
    operator) and a random part (a pid reused after a restart is a new worker)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def holder_gone(holder: str) -> bool:
    """Whether the worker `holder` names is a process of this host that no longer runs, or an
    earlier process with this one's pid (a container restarted): its lease need not be waited out.

    A holder on another host, or one whose liveness cannot be told, is never presumed gone.
    """
    host, _, rest = holder.partition(":")
    pid, _, _ = rest.partition(":")
    if host != socket.gethostname() or not pid.isdecimal() or holder == worker_id():
        return False
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False
