from __future__ import annotations

import pytest

from bot.render import MarkupError, plain_text, scan


def test_plain_text_keeps_link_targets_and_never_raises_on_broken_html() -> None:
    broken = '<b>Talks <a href="https://example.org/x">here</a> &amp; there'
    with pytest.raises(MarkupError):
        scan(broken)
    assert plain_text(broken) == "Talks here <https://example.org/x> & there"


def test_plain_text_shows_a_link_whose_text_is_its_target_once() -> None:
    assert plain_text('<a href="https://x.org/?a=1&amp;b=2">https://x.org/?a=1&amp;b=2</a>') == (
        "https://x.org/?a=1&b=2"
    )
