"""The renderer: article and tags in, a post that fits its destination out.

Rendering is pure: the clock comes in as `now`, templates are files read through Jinja2's cache.
A post that is too long is rendered again with a shorter summary (then a shorter title) until it
fits; text is only ever cut before it is escaped, so a cut never lands inside markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import RenderError
from bot.models import Article, Post, Tag
from bot.render._limits import ALBUM_MAX, ALBUM_MIN, DEFAULT_LIMIT, LIMITS, Limit, Measure
from bot.render._markup import MarkupError, clean_text, domain, safe_url
from bot.render._text import SUMMARY_LENGTH, shorten, summarize

DEFAULT_TEMPLATE = "telegram.html.j2"
DIGEST_TEMPLATE = "digest.html.j2"

if TYPE_CHECKING:
    import jinja2

    from bot.render._environment import Templates

_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article as templates see it: text cleaned, URLs made safe, summary and tags attached."""

    title: str | None
    url: str | None
    summary: str
    text: str
    author: str | None
    published: datetime | None
    image: str | None
    #: Every image, ``image`` first (an album when there are two or more).
    images: tuple[str, ...]
    video: str | None
    #: Who published it, for readers: the feed's name, else the domain of the article's URL.
    source: str | None
    language: str | None
    tags: tuple[Tag, ...]

    @classmethod
    def of(
        cls, article: Article, tags: Sequence[Tag], *, feed: Mapping[str, Any], summary_length: int
    ) -> ArticleView:
        title = " ".join(clean_text(article.title).split()) if article.title else None
        summary = (
            " ".join(clean_text(article.summary).split())
            if article.summary
            else summarize(article.text, title=title, length=summary_length)
        )
        url = safe_url(article.url) if article.url else None
        return cls(
            title=title or None,
            url=url,
            summary=summary,
            text=clean_text(article.text).strip(),
            author=" ".join(clean_text(article.author).split()) or None if article.author else None,
            published=article.published,
            image=safe_url(article.image) if article.image else None,
            images=tuple(safe_url(image) for image in article.images),
            video=safe_url(article.video) if article.video else None,
            source=str(feed.get("name") or "") or domain(url) or None,
            language=article.lang,
            tags=tuple(tags),
        )

    def shortened(self, *, summary: int | None, title: int | None) -> ArticleView:
        """This view with summary and text cut to `summary` characters and the title to `title`."""
        return replace(
            self,
            summary=self.summary if summary is None else shorten(self.summary, summary),
            text=self.text if summary is None else shorten(self.text, summary),
            title=self.title if title is None or self.title is None else shorten(self.title, title) or None,
        )


@dataclass(frozen=True, slots=True)
class _Attempt:
    body: str
    limit: Limit
    measure: Measure

    @property
    def fits(self) -> bool:
        entities_ok = self.limit.entities is None or self.measure.entities <= self.limit.entities
        return self.measure.length <= self.limit.length and entities_ok


class Renderer:
    """Turns articles and their tags into posts with named templates.

    `templates_dir` holds templates that override or add to the shipped ones; `tz` is the zone
    dates are shown in, `locale` the language they are written in for every post (without it,
    each article's own language). A template that is missing or broken, or a post that cannot fit, raises
    :class:`~bot.errors.RenderError` naming the template.
    """

    def __init__(
        self,
        *,
        templates_dir: Path | None = None,
        tz: tzinfo = UTC,
        locale: str | None = None,
        summary_length: int = SUMMARY_LENGTH,
    ) -> None:
        if templates_dir is not None and not templates_dir.is_dir():
            raise RenderError(f"templates folder {templates_dir} does not exist")
        self._templates_dir = templates_dir
        self._locale = locale
        self._tz = tz
        self._summary_length = summary_length

    @cached_property
    def _templates(self) -> Templates:
        """Built at the first render: Jinja2 and Babel load only for the commands that render."""
        from bot.render._environment import Templates

        return Templates(self._templates_dir, self._tz, self._locale)

    def render(
        self,
        article: Article,
        tags: Sequence[Tag],
        *,
        template: str = DEFAULT_TEMPLATE,
        now: datetime | None = None,
        feed: Mapping[str, Any] | None = None,
        long_read: str | None = None,
    ) -> Post:
        """Render one article into a post with `template` (a name, with or without its suffix).

        `long_read` is the address of the article's full text (a Telegraph page) for the post to link.
        """
        feed = feed or {}
        view = ArticleView.of(article, tags, feed=feed, summary_length=self._summary_length)
        page = safe_url(long_read) if long_read else None

        def context(views: list[ArticleView]) -> dict[str, Any]:
            return {"article": views[0], "summary": views[0].summary, "tags": list(tags), "long_read": page}

        compiled, attempt = self._fit(template, [view], context, now=now, feed=feed)
        return Post(
            article=article,
            tags=tuple(tags),
            body=attempt.body,
            parse_mode=self._templates.parse_mode(compiled),
            template=compiled.name or template,
            photo=view.image if attempt.limit.photo else None,
            album=view.images[:ALBUM_MAX] if len(view.images) >= ALBUM_MIN else (),
            video=view.video,
            long_read=page,
        )

    def render_digest(
        self,
        items: Sequence[tuple[Article, Sequence[Tag]]],
        *,
        template: str = DIGEST_TEMPLATE,
        now: datetime | None = None,
        feed: Mapping[str, Any] | None = None,
        heading: str | None = None,
    ) -> Post:
        """Render several articles into one post: each with its summary, all tags merged.

        Templates see ``articles`` (each with ``.summary`` and ``.tags``), the merged ``tags``,
        and ``heading``. When the digest is too long, every summary is shortened alike.
        """
        if not items:
            raise RenderError("a digest needs at least one article")
        feed = feed or {}
        views = [
            ArticleView.of(article, tags, feed=feed, summary_length=self._summary_length)
            for article, tags in items
        ]
        merged = merge_tags([tags for _, tags in items])

        def context(shortened: list[ArticleView]) -> dict[str, Any]:
            return {"articles": shortened, "tags": merged, "heading": heading}

        compiled, attempt = self._fit(template, views, context, now=now, feed=feed)
        return Post(
            article=items[0][0],
            tags=tuple(merged),
            body=attempt.body,
            parse_mode=self._templates.parse_mode(compiled),
            template=compiled.name or template,
            articles=tuple(article for article, _ in items),
        )

    def _fit(
        self,
        name: str,
        views: list[ArticleView],
        context: Callable[[list[ArticleView]], dict[str, Any]],
        *,
        now: datetime | None,
        feed: Mapping[str, Any],
    ) -> tuple[jinja2.Template, _Attempt]:
        """Render, then shorten summaries, then titles, to the longest version that fits."""
        compiled = self._templates.load(name)
        shared = {"now": now or datetime.now(self._tz), "feed": feed}

        def attempt(summary: int | None = None, title: int | None = None) -> _Attempt:
            shortened = [view.shortened(summary=summary, title=title) for view in views]
            return self._attempt(compiled, {**shared, **context(shortened)})

        full = attempt()
        if full.fits:
            return compiled, full
        longest_text = max(max(len(view.summary), len(view.text)) for view in views)
        overflow = full.measure.length - full.limit.length
        best = _longest_fitting(
            lambda cap: attempt(summary=cap), longest_text, guess=longest_text - overflow - 1
        )
        if best is None:
            longest_title = max(len(view.title or "") for view in views)
            best = _longest_fitting(lambda cap: attempt(summary=0, title=cap), longest_title)
        if best is None:
            empty = attempt(summary=0, title=0)
            raise RenderError(
                f"template {compiled.name!r}: the post cannot fit {full.limit.length} {full.limit.unit} "
                f"and {full.limit.entities} entities even without summary and title (it measures "
                f"{empty.measure.length} and {empty.measure.entities}); use fewer tags or a shorter template"
                if full.limit.entities
                else f"template {compiled.name!r}: the post cannot fit {full.limit.length} "
                f"{full.limit.unit} even without summary and title (it measures {empty.measure.length})"
            )
        return compiled, best

    def _attempt(self, compiled: jinja2.Template, variables: dict[str, Any]) -> _Attempt:
        name = compiled.name or "?"
        try:
            module = compiled.make_module(variables)
        except Exception as exc:  # a template can fail in any way; it must not stop the bot
            raise self._templates.error(exc, name) from exc
        body = _tidy(str(module))
        if not body:
            raise RenderError(f"template {name!r} produced an empty post")
        limit_name = getattr(module, "limit", DEFAULT_LIMIT.name)
        limit = LIMITS.get(limit_name)
        if limit is None:
            raise RenderError(
                f"template {name!r}: unknown limit {limit_name!r} (use one of {', '.join(LIMITS)})"
            )
        try:
            measure = limit.measure(body, self._templates.parse_mode(compiled))
        except MarkupError as exc:
            raise RenderError(f"template {name!r} produced HTML that Telegram refuses: {exc}") from exc
        return _Attempt(body, limit, measure)


def _longest_fitting(
    attempt: Callable[[int], _Attempt], longest: int, *, guess: int | None = None
) -> _Attempt | None:
    """Binary search for the largest cap in ``0..longest`` whose attempt fits.

    A `guess` that fits narrows the search to the room it leaves: every character kept costs at
    least one unit of length, so the answer is at most that many characters further.
    """
    best = None
    low, high = 0, longest
    if guess is not None and 0 < guess < longest:
        probe = attempt(guess)
        if probe.fits:
            best, low = probe, guess + 1
            high = min(high, guess + probe.limit.length - probe.measure.length + 1)
        else:
            high = guess - 1
    while low <= high:
        middle = (low + high) // 2
        result = attempt(middle)
        if result.fits:
            best, low = result, middle + 1
        else:
            high = middle - 1
    return best


def merge_tags(tag_lists: Sequence[Sequence[Tag]]) -> list[Tag]:
    """One ranked tag list for several articles: scores added up, as many tags as the longest list."""
    totals: dict[str, Tag] = {}
    for tags in tag_lists:
        for tag in tags:
            key = tag.name.casefold()
            known = totals.get(key)
            totals[key] = tag if known is None else replace(known, score=known.score + tag.score)
    ranked = sorted(totals.values(), key=lambda tag: -tag.score)
    return ranked[: max((len(tags) for tags in tag_lists), default=0)]


def _tidy(body: str) -> str:
    """Trim the post and fold runs of blank lines that optional template sections leave behind."""
    return _BLANK_LINES.sub("\n\n", _TRAILING_SPACE.sub("\n", body)).strip()
