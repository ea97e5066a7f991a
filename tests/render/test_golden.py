"""Golden files: every shipped template on every example article, byte for byte.

After an intended change, regenerate with ``UPDATE_GOLDEN=1 python -m pytest tests/render`` and
review the diff of ``tests/render/golden/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from auxil.examples import NOW, examples
from auxil.telegram_html import CAPTION_LENGTH, MESSAGE_LENGTH, validate, validate_text

from bot.models import ParseMode, Post
from bot.render import Renderer, mastodon_length, x_length

GOLDEN = Path(__file__).parent / "golden"
SINGLE_TEMPLATES = ["telegram.html.j2", "photo.html.j2", "x.txt.j2", "mastodon.txt.j2"]


def _check_golden(name: str, post: Post) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(post.body + "\n", encoding="utf-8")
    assert path.read_text(encoding="utf-8") == post.body + "\n", f"{name} changed; see the module docstring"


def _check_limits(post: Post) -> None:
    if post.template == "x.txt.j2":
        assert x_length(post.body) <= 280
    elif post.template == "mastodon.txt.j2":
        assert mastodon_length(post.body) <= 500
    if post.parse_mode is ParseMode.HTML:
        caption = post.template == "photo.html.j2"
        validate(post.body, limit=CAPTION_LENGTH if caption else MESSAGE_LENGTH, caption=caption, strict=True)
    else:
        validate_text(post.body)


@pytest.mark.parametrize("template", SINGLE_TEMPLATES)
@pytest.mark.parametrize("example", [name for name, _, _ in examples()])
def test_each_template_on_each_example(example: str, template: str) -> None:
    [(_, article, tags)] = [item for item in examples() if item[0] == example]
    post = Renderer().render(article, tags, template=template, now=NOW)
    _check_limits(post)
    _check_golden(f"{example}.{template.removesuffix('.j2')}", post)


def test_digest_of_all_examples() -> None:
    post = Renderer().render_digest([(article, tags) for _, article, tags in examples()], now=NOW)
    _check_limits(post)
    _check_golden("digest.html", post)
