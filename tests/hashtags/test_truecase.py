from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from bot.hashtags.truecase import is_headline_cased, truecased

TEXT = (
    "A severe drought has cut the wheat harvest in Argentina, officials said. Traders in Chicago "
    "expect higher prices. NATO was not involved, said the Argentina desk."
)


def test_a_title_case_headline_takes_the_text_s_case() -> None:
    assert (
        truecased("Drought Cuts Wheat Harvest In Argentina", TEXT)
        == "drought cuts wheat harvest in Argentina"
    )


def test_a_headline_in_capitals_takes_the_text_s_case() -> None:
    assert (
        truecased("DROUGHT CUTS WHEAT HARVEST IN ARGENTINA", TEXT)
        == "drought cuts wheat harvest in Argentina"
    )


def test_acronyms_of_a_title_case_headline_stay() -> None:
    assert truecased("Drought Report Worries NATO Planners", TEXT) == "drought report worries NATO planners"


def test_a_sentence_case_headline_is_left_alone() -> None:
    headline = "Drought cuts wheat harvest in Argentina"
    assert not is_headline_cased(headline)
    assert truecased(headline, TEXT) is headline


def test_a_capital_opening_a_sentence_is_no_evidence_of_a_name() -> None:
    # "Traders" only ever opens a sentence: it is no name, so the headline's word goes lowercase.
    assert truecased("Traders Expect Higher Prices", TEXT) == "traders expect higher prices"


def test_a_sentence_case_headline_full_of_names_is_left_alone() -> None:
    # Most of its words are capitalized, but "avocat", a common word of the text, is not.
    headline = "Assassinat de Antoine Sollacaro, avocat de Yvan Colonna"
    text = "Il était l'avocat de Yvan Colonna. Un avocat de Corse."
    assert is_headline_cased(headline)
    assert truecased(headline, text) is headline


def _headline_cased_by_regex(headline: str) -> bool:
    """The definition that is_headline_cased scans for: its words as the regex finds them."""
    words = [word for word in re.findall(r"[^\W\d_][\w-]*", headline) if len(word) >= 4]
    if len(words) < 2:
        return False
    return headline.isupper() or sum(word[0].isupper() for word in words) >= 0.8 * len(words)


@given(st.text(alphabet=st.sampled_from("Aa Ée_-9٣²Ⅻ'’ßİǅ北.") | st.characters(), max_size=40))
@example("Drought Cuts Wheat Harvest In Argentina")
@example("Drought cuts wheat harvest in Argentina")
@example("DROUGHT IN 2024 -- ARGENTINA")
@example("_Abcd 9Efgh ²Ijkl Ⅻmnop ǅqrs-tu Ωmega Éclair")
def test_headline_case_is_what_the_regex_words_say(headline: str) -> None:
    assert is_headline_cased(headline) == _headline_cased_by_regex(headline)
