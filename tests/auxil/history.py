"""A channel's past, generated: posts sent over many days from a few feeds, with tags and reactions.

Deterministic (seeded), and written through the store's own methods, so what the statistics read
is what a running bot would have recorded.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from bot.models import Article
from bot.storage import Feed, MessageReactions, NewPost, PostState, Store, TagEvent

CHANNEL = "@hashbot_news"
CHANNEL_ID = -1001000000001
FEEDS = ("World desk", "Europe wire", "Tech notes")
#: Topics with their weight: a few recur every day, most now and then.
TAGS = {
    "Ukraine": 9, "EmmanuelMacron": 6, "UK": 5, "NATO": 5, "Gaza": 4, "EU": 4, "Climate": 3,
    "AI": 3, "Elections": 2, "Energy": 2, "Paris": 2, "Berlin": 1, "Brexit": 1, "Inflation": 1,
}  # fmt: skip


def fill_history(store: Store, *, days: int, now: datetime, per_day: tuple[int, int] = (4, 14)) -> int:
    """Posts sent to :data:`CHANNEL` on each of the `days` days before `now`; how many in all."""
    chance = random.Random(11)
    feeds = [
        store.add_feed(Feed(url=f"https://feeds.example.org/{n}.xml", name=name))
        for n, name in enumerate(FEEDS)
    ]
    names, weights = list(TAGS), list(TAGS.values())
    total = 0
    for day in range(days, 0, -1):
        for _ in range(chance.randint(*per_day)):
            total += 1
            at = now - timedelta(days=day) + timedelta(minutes=chance.randint(0, 24 * 60 - 1))
            feed = chance.choice([*feeds, None])
            article = Article(text=f"Story {total}", title=f"Story {total}", id=f"story-{total}")
            post = NewPost(article, chat=CHANNEL, keys=(f"story-{total}",), feed_id=feed.id if feed else None)
            post_id = store.enqueue(post, now=at)
            assert post_id is not None
            store.set_post_state(post_id, PostState.SENT, now=at, message_id=total)
            tags = list(dict.fromkeys(chance.choices(names, weights, k=chance.randint(2, 5))))
            store.record_tags(post_id, chat=CHANNEL, tags=tags, at=at, event=TagEvent.SENT)
            if chance.random() < 0.4:
                counts = {"👍": chance.randint(1, 30), "🔥": chance.randint(0, 10)}
                store.record_reactions(
                    MessageReactions(CHANNEL_ID, total, counts, at, chat_username=CHANNEL[1:])
                )
    return total
