"""Render posts from Jinja2 templates: the shipped ones in `templates/`, overridable by a folder.

HTML templates (``*.html.j2``) autoescape, so article text can never inject markup; undefined
variables are errors, so a typo in a template fails loudly instead of posting a blank.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from html.parser import HTMLParser
from importlib.util import find_spec
from pathlib import Path

import jinja2

from bot.errors import RenderError
from bot.models import Article, ParseMode, Post, Tag

DEFAULT_TEMPLATE = "telegram.html.j2"
#: Telegram's limit on a message's visible text, in UTF-16 code units.
MESSAGE_LIMIT = 4096
SUMMARY_CHARS = 400

_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[«\"“A-ZÀ-Ý0-9])")


def shipped_templates_dir() -> Path:
    """The templates installed with the package (the data package ``bot.templates``)."""
    spec = find_spec("bot.templates")
    if spec is None or not spec.submodule_search_locations:
        raise RenderError("the shipped templates are missing; reinstall hashbot")
    return Path(next(iter(spec.submodule_search_locations)))


def summarize(text: str, max_chars: int = SUMMARY_CHARS) -> str:
    """The article's lead: whole first sentences up to `max_chars`, else its first words and "…"."""
    first_paragraph = re.split(r"\n\s*\n", text.strip(), maxsplit=1)[0]
    lead = " ".join(first_paragraph.split())
    summary = ""
    for sentence in _SENTENCE.split(lead):
        if len(summary) + len(sentence) + 1 > max_chars:
            break
        summary = f"{summary} {sentence}".strip()
    if summary:
        return summary
    cut = lead[:max_chars].rsplit(" ", 1)[0]
    return f"{cut}…"


def hashtag_line(tags: Sequence[Tag]) -> str:
    return " ".join(tag.hashtag for tag in tags)


class _VisibleText(HTMLParser):
    """What a subscriber reads once Telegram has applied the HTML: text, links shown as targets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._href.append(dict(attrs).get("href") if tag == "a" else None)

    def handle_endtag(self, tag: str) -> None:
        href = self._href.pop() if self._href else None
        if href:
            self.parts.append(f" <{href}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


class Renderer:
    """Turns an article and its tags into a post with a named template."""

    def __init__(self, *, templates_dir: Path | None = None, tz: tzinfo = UTC) -> None:
        loaders: list[jinja2.BaseLoader] = []
        if templates_dir is not None:
            loaders.append(jinja2.FileSystemLoader(templates_dir))
        loaders.append(jinja2.FileSystemLoader(shipped_templates_dir()))
        self._env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2", "html")),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self._env.filters["hashtags"] = hashtag_line
        self._tz = tz

    def render(
        self,
        article: Article,
        tags: Sequence[Tag],
        *,
        template: str = DEFAULT_TEMPLATE,
        now: datetime | None = None,
    ) -> Post:
        """Render one post; a missing or broken template raises :class:`RenderError`."""
        try:
            compiled = self._env.get_template(template)
            body = compiled.render(
                article=article,
                summary=article.summary or summarize(article.text),
                tags=list(tags),
                now=now or datetime.now(self._tz),
            ).strip()
        except jinja2.TemplateNotFound:
            raise RenderError(f"template {template!r} not found") from None
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(f"template {exc.name or template!r}, line {exc.lineno}: {exc.message}") from exc
        except jinja2.TemplateError as exc:
            raise RenderError(f"template {template!r}: {exc}") from exc
        parse_mode = ParseMode.HTML if template.endswith(".html.j2") else ParseMode.TEXT
        text = visible_text(body) if parse_mode is ParseMode.HTML else body
        if len(text.encode("utf-16-le")) // 2 > MESSAGE_LIMIT:
            raise RenderError(
                f"post for {article.source or article.title!r} exceeds {MESSAGE_LIMIT} characters"
            )
        return Post(article=article, tags=tuple(tags), body=body, parse_mode=parse_mode, template=template)
