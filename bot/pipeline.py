"""The one pipeline every command runs: article → hashtags → rendered post → publisher.

Dry run is not a separate path: it is this pipeline with a preview publisher plugged in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from bot.chat_vocabulary import NO_VOCABULARY, ChatVocabulary
from bot.errors import HashbotError, UnexpectedError, with_source
from bot.hashtags import TagOptions, extract_tags
from bot.hashtags.language import detect_language
from bot.models import Article, Post, Receipt, Tag
from bot.render import DEFAULT_TEMPLATE, DIGEST_TEMPLATE, Renderer

logger = logging.getLogger(__name__)


class Publisher(Protocol):
    """Where posts go: the channel, or a preview for a person."""

    async def publish(self, post: Post) -> Receipt: ...


@dataclass(frozen=True, slots=True)
class PostPlanner:
    """Pure: decides the tags and the rendered text of a post for an article."""

    renderer: Renderer
    tag_options: TagOptions = field(default_factory=TagOptions)
    template: str = DEFAULT_TEMPLATE

    def tags(self, article: Article, vocabulary: ChatVocabulary = NO_VOCABULARY) -> list[Tag]:
        """The article's tags; with the chat's `vocabulary`, in the chat's words."""
        return extract_tags(article, vocabulary.options(self.tag_options), vocabulary=vocabulary.vocabulary)

    def plan(
        self,
        article: Article,
        *,
        template: str | None = None,
        now: datetime | None = None,
        tags: Sequence[Tag] | None = None,
        feed: Mapping[str, Any] | None = None,
        vocabulary: ChatVocabulary = NO_VOCABULARY,
        long_read: str | None = None,
    ) -> Post:
        """The post for `article`, with `tags` when a person chose them, else the extracted ones.

        `feed` is the settings of the feed it came from, which templates see as ``feed``; the
        extracted tags are in the chat's `vocabulary`.
        """
        article = with_language(article)
        chosen = self.tags(article, vocabulary) if tags is None else tags
        return self.renderer.render(
            article, chosen, template=template or self.template, now=now, feed=feed, long_read=long_read
        )

    def plan_digest(
        self,
        articles: Sequence[Article],
        *,
        template: str | None = None,
        now: datetime | None = None,
        vocabulary: ChatVocabulary = NO_VOCABULARY,
        heading: str | None = None,
    ) -> Post:
        """One post for several articles, with the digest template unless another is named."""
        items = [(article, self.tags(article, vocabulary)) for article in map(with_language, articles)]
        return self.renderer.render_digest(
            items, template=template or DIGEST_TEMPLATE, now=now, heading=heading
        )


def with_language(article: Article) -> Article:
    """The article with its language: the source's, else detected once for both tags and dates."""
    if article.lang:
        return article
    detected = detect_language(f"{article.title or ''}\n{article.text}")
    return replace(article, lang=detected) if detected else article


@dataclass(slots=True)
class RunReport:
    """What one pass of the pipeline did."""

    receipts: list[Receipt] = field(default_factory=list)
    errors: list[HashbotError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


async def publish_all(
    items: Iterable[Article | HashbotError],
    *,
    planner: PostPlanner,
    publisher: Publisher,
    vocabulary: ChatVocabulary = NO_VOCABULARY,
    on_error: Callable[[HashbotError], None] = lambda error: None,
) -> RunReport:
    """Plan and publish every article, tagged in `vocabulary`; a failure is recorded and the next
    article still goes.

    Every error names the article's source; a bug on one article is an UnexpectedError for that
    article alone.
    """
    report = RunReport()
    for item in items:
        if isinstance(item, HashbotError):
            failure = item
        else:
            try:
                report.receipts.append(await publisher.publish(planner.plan(item, vocabulary=vocabulary)))
                continue
            except HashbotError as error:
                failure = with_source(error, item.source)
            except BrokenPipeError:
                raise  # the reader of the output went away: the command ends, as it should
            except Exception as exc:
                logger.debug("%s: unexpected error in the pipeline", item.source, exc_info=True)
                failure = UnexpectedError(item.source or "article", exc)
        logger.debug("pipeline error: %s", failure)
        report.errors.append(failure)
        on_error(failure)
    return report
