"""Two `hashbot feeds poll` processes at once on one database (SQLite, PostgreSQL) share its feeds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from contextlib import closing
from pathlib import Path

from auxil.feedserver import FeedServer, Route, rss
from auxil.paths import REPO

from bot.clock import utcnow
from bot.storage import NewFeed, open_store

FEEDS = 100


def test_two_polls_at_once_queue_each_feeds_newest_item_exactly_once(
    store_location: str, tmp_path: Path
) -> None:
    database = store_location
    env = {key: value for key, value in os.environ.items() if not key.startswith("HASHBOT_")}
    env |= {"PYTHONPATH": str(REPO), "HASHBOT_DATABASE": str(database), "HASHBOT_CHANNEL": "@news"}
    with FeedServer() as server, closing(open_store(database)) as store:
        for n in range(FEEDS):
            items = [(f"{n}-{i}", f"Feed {n} story {i}", f"https://site{n}.example/{i}") for i in (3, 2, 1)]
            server.routes[f"/{n}.xml"] = Route(rss(*items))
            store.add_feed(NewFeed(url=server.url(f"/{n}.xml")), now=utcnow())
        polls = [
            subprocess.Popen(
                [sys.executable, "-m", "bot", "feeds", "poll"],
                cwd=tmp_path,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [poll.communicate(timeout=300) for poll in polls]
        titles = Counter(post.article.title for post in store.posts())
    for poll, (_, err) in zip(polls, outputs, strict=True):
        assert poll.returncode == 0, err
    assert titles == Counter(f"Feed {n} story 3" for n in range(FEEDS))  # the newest, once each
    lines = [re.findall(r"^ *(\d+)  .*: (.+)$", out, re.M) for out, _ in outputs]
    assert {
        int(feed) for polled in lines for feed, outcome in polled if outcome.startswith("updated")
    } == set(range(1, FEEDS + 1))
    for polled in lines:  # within one process, no feed twice
        assert len(polled) == len({feed for feed, _ in polled})
