"""Render posts from Jinja2 templates that Telegram (or X, or Mastodon) always accepts.

The shipped templates live in ``templates/`` and install as ``bot.templates``; a folder of the
operator's overrides or adds to them by name. Pure: no I/O beyond reading templates.

- ``_environment``: the Jinja2 environment, template loading and error messages (loaded with
  the first render, so commands that render nothing never import Jinja2 or Babel);
- ``_renderer``: :class:`Renderer`, fitting a post to its limit;
- ``_limits``: each destination's limits and how it measures length;
- ``_markup``: Telegram's HTML dialect (escaping, scanning, the terminal view);
- ``_text``: sentences, summaries and safe cuts;
- ``_filters``: the filters templates call.

Each part is imported the first time one of its names is used (module ``__getattr__``, as in
:mod:`bot.app`): the chart's caption needs a limit, the preview publisher the visible text, and
neither needs the renderer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.lazy import lazy_parts

if TYPE_CHECKING:
    from bot.render._limits import (
        ALBUM_MAX,
        ALBUM_MIN,
        CAPTION_LENGTH,
        LIMITS,
        LINK_LENGTH,
        MASTODON_LENGTH,
        MESSAGE_ENTITIES,
        MESSAGE_LENGTH,
        X_LENGTH,
        Limit,
        mastodon_length,
        x_length,
    )
    from bot.render._markup import (
        MarkupError,
        clean_text,
        domain,
        escape,
        plain_text,
        safe_url,
        scan,
        utf16_length,
        visible_text,
    )
    from bot.render._renderer import DEFAULT_TEMPLATE, DIGEST_TEMPLATE, ArticleView, Renderer, merge_tags
    from bot.render._telegraph import TelegraphPage, shows_whole_article, telegraph_page
    from bot.render._text import SUMMARY_LENGTH, shorten, split_sentences, summarize

__all__ = [
    "ALBUM_MAX",
    "ALBUM_MIN",
    "CAPTION_LENGTH",
    "DEFAULT_TEMPLATE",
    "DIGEST_TEMPLATE",
    "LIMITS",
    "LINK_LENGTH",
    "MASTODON_LENGTH",
    "MESSAGE_ENTITIES",
    "MESSAGE_LENGTH",
    "SUMMARY_LENGTH",
    "X_LENGTH",
    "ArticleView",
    "Limit",
    "MarkupError",
    "Renderer",
    "TelegraphPage",
    "clean_text",
    "domain",
    "escape",
    "mastodon_length",
    "merge_tags",
    "plain_text",
    "safe_url",
    "scan",
    "shorten",
    "shows_whole_article",
    "split_sentences",
    "summarize",
    "telegraph_page",
    "utf16_length",
    "visible_text",
    "x_length",
]

#: The part of the package each exported name lives in.
_PARTS = {
    "_limits": (
        "ALBUM_MAX",
        "ALBUM_MIN",
        "CAPTION_LENGTH",
        "LIMITS",
        "LINK_LENGTH",
        "MASTODON_LENGTH",
        "MESSAGE_ENTITIES",
        "MESSAGE_LENGTH",
        "X_LENGTH",
        "Limit",
        "mastodon_length",
        "x_length",
    ),
    "_markup": (
        "MarkupError",
        "clean_text",
        "domain",
        "escape",
        "plain_text",
        "safe_url",
        "scan",
        "utf16_length",
        "visible_text",
    ),
    "_renderer": ("DEFAULT_TEMPLATE", "DIGEST_TEMPLATE", "ArticleView", "Renderer", "merge_tags"),
    "_telegraph": ("TelegraphPage", "shows_whole_article", "telegraph_page"),
    "_text": ("SUMMARY_LENGTH", "shorten", "split_sentences", "summarize"),
}
__getattr__, __dir__ = lazy_parts(__name__, _PARTS)
