"""Child process for the crash test: queue posts as fast as it can, report each commit on stdout.

Usage: python store_writer.py DATABASE. Runs until killed.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

from bot.clock import utcnow
from bot.models import Article
from bot.storage import NewFeed, NewPost, PollRecord, open_store


def main(path: Path) -> None:
    store = open_store(path)
    feed = store.add_feed(NewFeed(url="https://crash.example/feed.xml"), now=utcnow())
    assert feed.id is not None
    body = "A paragraph long enough to fill several database pages per transaction. " * 200
    for number in count():
        now = datetime.now(UTC)
        post = NewPost(
            article=Article(text=f"{number} {body}", title=f"Post {number}", id=str(number)),
            chat="@crash",
            keys=(f"g:{number}",),
            feed_id=feed.id,
        )
        [post_id] = store.save_poll(
            PollRecord(
                feed_id=feed.id,
                checked=now,
                next_check=now,
                seen_keys=tuple(f"g:{number}:{part}" for part in range(20)),
                posts=(post,),
            )
        )
        print(post_id, flush=True)  # only after COMMIT returned: this post is durable


if __name__ == "__main__":
    main(Path(sys.argv[1]))
