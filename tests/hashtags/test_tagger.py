from __future__ import annotations

import pytest

from bot.hashtags.tagger import (
    GAP_PUNCT,
    GAP_SPACE,
    NOUN,
    PROPN,
    TAGGED_LANGUAGES,
    UPOS,
    VERB,
    decode_model,
    encode_model,
    load_model,
    model_resource,
)


def _tags(lang: str, sentence: str) -> list[str]:
    model = load_model(lang)
    assert model is not None
    words = sentence.split()
    return [UPOS[tag] for tag in model.tag(words, [GAP_SPACE] * len(words))]


@pytest.mark.parametrize("lang", TAGGED_LANGUAGES)
def test_every_language_ships_a_compact_model(lang: str) -> None:
    resource = model_resource(lang)
    assert resource.is_file()
    assert len(resource.read_bytes()) < 1_500_000  # a few MB for all six
    model = load_model(lang)
    assert model is not None and model.lang == lang and model.rows


def test_a_language_without_a_model_has_none() -> None:
    assert load_model("it") is None
    assert load_model(None) is None
    assert load_model("../en") is None


def test_english_nouns_verbs_and_names() -> None:
    assert _tags("en", "Farmers send rainfall readings to the department") == [
        "NOUN", "VERB", "NOUN", "NOUN", "ADP", "DET", "NOUN",
    ]  # fmt: skip
    assert _tags("en", "Friedrich Merz said NATO allies agreed")[:3] == ["PROPN", "PROPN", "VERB"]


def test_other_languages_tell_nouns_from_verbs() -> None:
    assert _tags("fr", "Le gouvernement annonce un accord de paix") == [
        "DET", "NOUN", "VERB", "DET", "NOUN", "ADP", "NOUN",
    ]  # fmt: skip
    assert _tags("pt", "O governo anunciou um acordo")[1:3] == ["NOUN", "VERB"]
    assert _tags("de", "Die Regierung kündigt ein Programm an")[1:3] == ["NOUN", "VERB"]


def test_the_weights_file_round_trips() -> None:
    weights = {"w chat": {NOUN: 2.0, VERB: -1.0}, "w mange": {VERB: 3.0}, "-1 <s>": {PROPN: 0.5}}
    data = encode_model(
        lang="xx",
        weights=weights,
        sure_tags={"le": 5},
        content_stopwords=["monde"],
        common_nouns={"chat": 4},
        vocabulary=["chat"],
        about={"words": 40_000},
    )
    model = decode_model(data)
    assert model.tag(["le", "chat", "mange"], [GAP_SPACE, GAP_SPACE, GAP_PUNCT]) == [5, NOUN, VERB]
    assert model.content_stopwords == frozenset({"monde"})
    assert model.common_nouns == {"chat": 1.0}


def test_a_foreign_weights_file_is_refused() -> None:
    data = encode_model(
        lang="xx", weights={}, sure_tags={}, content_stopwords=[], common_nouns={}, vocabulary=[], about={}
    )
    import zlib

    body = zlib.decompress(data).replace(b'"format": 2', b'"format": 99', 1)
    with pytest.raises(ValueError, match="format 99"):
        decode_model(zlib.compress(body))


def test_tagging_nothing_and_odd_words() -> None:
    model = load_model("en")
    assert model is not None
    assert model.tag([], []) == []
    odd = ["ÉTÉ", "x" * 5000, "Київ", "42", "e-mail", "北京"]
    assert len(model.tag(odd, [GAP_SPACE] * len(odd))) == len(odd)
