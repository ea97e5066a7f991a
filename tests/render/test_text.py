from __future__ import annotations

import pytest

from bot.render import shorten, split_sentences, summarize


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("M. Macron est à Paris. Il parle.", ["M. Macron est à Paris.", "Il parle."]),
        ("Dr. Smith and Mr. Jones met. They talked.", ["Dr. Smith and Mr. Jones met.", "They talked."]),
        (
            "Troops from the U.S. arrived. Others e.g. France too.",
            ["Troops from the U.S. arrived.", "Others e.g. France too."],
        ),
        ("John F. Kennedy spoke. Then left.", ["John F. Kennedy spoke.", "Then left."]),
        ("Am 3. März kam er. Er blieb.", ["Am 3. März kam er.", "Er blieb."]),
        ("It grew in 2024. Then fell.", ["It grew in 2024.", "Then fell."]),
        ('He said "Stop." Then left.', ['He said "Stop."', "Then left."]),
        ("Il a dit : « Stop ! » Puis il est parti.", ["Il a dit : « Stop ! »", "Puis il est parti."]),
        (
            "« Non », a-t-il dit. « Jamais ! » a-t-il ajouté.",
            ["« Non », a-t-il dit.", "« Jamais ! » a-t-il ajouté."],
        ),
        ("Wait… what? Yes! 3.5 percent.", ["Wait… what?", "Yes!", "3.5 percent."]),
        ("第一句。第二句！", ["第一句。", "第二句！"]),
        ("No end", ["No end"]),
    ],
)
def test_sentences_survive_abbreviations_initials_and_quotes(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def test_summary_is_the_lead_without_boilerplate_or_a_repeated_title() -> None:
    text = (
        "Storm hits coast\n\nBy Ana Lima and Jo Park\n\nAdvertisement\n\n"
        "The storm reached the coast on Monday. Thousands lost power.\n\n"
        "Read more: how storms form\n\nA later paragraph that the lead does not need to reach at all."
    )
    assert (
        summarize(text, title="Storm hits coast")
        == "The storm reached the coast on Monday. Thousands lost power. "
        "A later paragraph that the lead does not need to reach at all."
    )
    assert summarize("Go. " * 10 + "B" * 500, length=12) == "Go. Go. Go."
    assert summarize("word " * 200, length=20) == "word word word word…"


def test_a_long_first_paragraph_is_enough_of_a_lead() -> None:
    first = (
        "This first sentence is long enough to be a lead on its own, and it goes on to say so at length. " * 2
    )
    assert summarize(first + "\n\nSecond paragraph.") == first.strip()


@pytest.mark.parametrize(
    ("text", "length", "expected"),
    [
        ("One two. Three four five.", 100, "One two. Three four five."),
        ("One two. Three four five.", 20, "One two."),
        ("One two three four five.", 14, "One two three…"),
        ("One, two three.", 6, "One…"),
        ("Supercalifragilistic", 5, "Supe…"),
        ("see https://example.org/a/b/c now", 20, "see…"),
        ("日本語の文章です", 5, "日本語の…"),
        ("ok 👍🏽👍🏽", 5, "ok…"),
        ("e\u0301e\u0301e\u0301", 4, "e\u0301…"),
        ("anything", 1, ""),
    ],
)
def test_shorten_cuts_at_a_sentence_then_a_word(text: str, length: int, expected: str) -> None:
    assert shorten(text, length) == expected
    assert len(shorten(text, length)) <= length
