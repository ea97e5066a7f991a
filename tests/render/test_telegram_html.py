"""The reference validator itself: it must refuse and accept exactly what Telegram does."""

from __future__ import annotations

import pytest
from auxil.telegram_html import (
    BadRequest,
    Degraded,
    Entity,
    EntityParseError,
    MessageEmpty,
    MessageTooLong,
    parse,
    validate,
    validate_text,
)


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("x <b", "Unclosed start tag at byte offset 2"),
        ("<a href", 'Unclosed start tag "a" at byte offset 0'),
        ('<a href="x"', "Unclosed start tag at byte offset 0"),
        ('<a ="x">y</a>', 'Empty attribute name in the tag "a" at byte offset 0'),
        ("<a href=x/>y</a>", "Unexpected end of name token at byte offset 8"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ('<tg-emoji emoji-id="x">y</tg-emoji>', "Invalid custom emoji identifier specified"),
        ("привет <br>", 'Unsupported start tag "br" at byte offset 13'),
    ],
)
def test_refuses_like_telegram_with_its_words(html: str, problem: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse(html)
    assert caught.value.problem == problem
    assert str(caught.value) == f"Bad Request: can't parse entities: {problem}"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("Tom & Jerry", "Tom & Jerry"),
        ("&nbsp; and &copy", "&nbsp; and &copy"),
        ("a > b", "a > b"),
        ("&lt;&gt;&amp;&quot;", '<>&"'),
        ("&lt&gt", "<>"),
        ("&#65;&#x42;&#67", "ABC"),
        ("l'Ukraine « 2 » — ok", "l'Ukraine « 2 » — ok"),
    ],
)
def test_decodes_only_the_entities_telegram_knows(html: str, text: str) -> None:
    assert parse(html).text == text
    assert parse(html).entities == ()


def test_entities_are_measured_in_utf16_code_units() -> None:
    message = parse('😀 <b>ab</b> <a href="https://x.org/?a=1&amp;b=2">é</a>')
    assert message.text == "😀 ab é"
    assert message.entities == (
        Entity("bold", 3, 2),
        Entity("text_link", 6, 1, url="https://x.org/?a=1&b=2"),
    )
    assert message.length == 7


def test_nesting_pre_code_language_blockquotes_and_empty_entities() -> None:
    message = parse(
        '<b>a<i>b</i></b><pre><code class="language-python">x</code></pre>'
        '<blockquote expandable>q</blockquote><span class="tg-spoiler">s</span><u></u>'
    )
    assert message.text == "abxqs"
    assert message.entities == (
        Entity("bold", 0, 2),
        Entity("italic", 1, 1),
        Entity("pre", 2, 1, language="python"),
        Entity("expandable_blockquote", 3, 1),
        Entity("spoiler", 4, 1),
    )
    assert parse("<b>x</>").entities == (Entity("bold", 0, 1),)


def test_length_limits_emptiness_and_utf8() -> None:
    assert validate("x" * 4096).length == 4096
    with pytest.raises(MessageTooLong, match="^Bad Request: message is too long$"):
        validate("😀" * 2049)  # 4098 UTF-16 code units
    with pytest.raises(MessageTooLong, match="message caption is too long"):
        validate("x" * 1025, limit=1024, caption=True)
    assert validate("  <b>x</b>\n\n" + " " * 5000, limit=4096).length == 1
    with pytest.raises(MessageEmpty, match="message text is empty"):
        validate("<b> </b>\n")
    assert validate("", caption=True, limit=1024).length == 0
    with pytest.raises(BadRequest, match="strings must be encoded in UTF-8"):
        parse("\ud800")
    with pytest.raises(MessageTooLong):
        validate_text("é" * 4097)


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ("<code><b>x</b></code>", "formatting inside code"),
        ("<blockquote>a<blockquote>b</blockquote></blockquote>", "nested"),
        ('<a href="javascript:alert(1)">x</a>', "not a URL"),
        ("a&nbsp;b", "&nbsp;"),
        ("a\x07b", "control character"),
        ("<b>x</b>" * 101, "entities"),
        (" ".join(f"#t{n}" for n in range(101)), "entities"),
    ],
)
def test_strict_mode_refuses_what_telegram_would_silently_degrade(html: str, problem: str) -> None:
    validate(html)  # Telegram itself accepts it
    with pytest.raises(Degraded, match=problem):
        validate(html, strict=True)
