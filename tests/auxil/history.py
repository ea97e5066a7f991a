"""A channel's past, generated: posts sent over many days from a few feeds, with tags and reactions.

Deterministic (seeded), and written through the store's own methods, so what the statistics read
is what a running bot would have recorded.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from bot.clock import utcnow
from bot.models import Article
from bot.storage import MessageReactions, NewFeed, NewPost, Store

CHANNEL = "@hashbot_news"
CHANNEL_ID = -1001000000001
FEEDS = ("World desk", "Europe wire", "Tech notes")
#: Topics with their weight: a few recur every day, most now and then.
TAGS = {
    "Ukraine": 9, "EmmanuelMacron": 6, "UK": 5, "NATO": 5, "Gaza": 4, "EU": 4, "Climate": 3,
    "AI": 3, "Elections": 2, "Energy": 2, "Paris": 2, "Berlin": 1, "Brexit": 1, "Inflation": 1,
}  # fmt: skip


def send(
    store: Store,
    key: str,
    tags: list[str],
    *,
    at: datetime,
    chat: str = CHANNEL,
    feed: int | None = None,
    message_id: int | None = None,
) -> int:
    """Queue an article and send it with `tags`, as a publish pass does; its post id."""
    article = Article(text=f"Text of {key}", title=key, id=key)
    post_id = store.enqueue(NewPost(article, chat=chat, keys=(key,), feed_id=feed), now=at)
    assert post_id is not None
    assert store.claim(post_id, now=at)
    assert store.mark_sent(post_id, now=at, message_id=message_id or post_id, tags=tags)
    return post_id


def fill_history(store: Store, *, days: int, now: datetime, per_day: tuple[int, int] = (4, 14)) -> int:
    """Posts sent to :data:`CHANNEL` on each of the `days` days before `now`; how many in all."""
    chance = random.Random(11)
    feeds = [
        store.add_feed(NewFeed(url=f"https://feeds.example.org/{n}.xml", name=name), now=utcnow())
        for n, name in enumerate(FEEDS)
    ]
    names, weights = list(TAGS), list(TAGS.values())
    total = 0
    for day in range(days, 0, -1):
        for _ in range(chance.randint(*per_day)):
            total += 1
            at = now - timedelta(days=day) + timedelta(minutes=chance.randint(0, 24 * 60 - 1))
            feed = chance.choice([*feeds, None])
            tags = list(dict.fromkeys(chance.choices(names, weights, k=chance.randint(2, 5))))
            send(store, f"story-{total}", tags, at=at, feed=feed.id if feed else None, message_id=total)
            if chance.random() < 0.4:
                counts = {"👍": chance.randint(1, 30), "🔥": chance.randint(0, 10)}
                store.record_reactions(
                    MessageReactions(CHANNEL_ID, total, counts, at, chat_username=CHANNEL[1:])
                )
    return total
