from __future__ import annotations

from typing import Any

import pytest

from bot.hashtags.tagger import (
    ADJ,
    ADV,
    COMMON,
    DET,
    EVERY_TAG,
    GAP_PUNCT,
    GAP_SPACE,
    NOUN,
    PROPN,
    SUFFIX3,
    TAGGED_LANGUAGES,
    UPOS,
    VERB,
    X,
    decode_model,
    encode_model,
    key_hashes,
    load_model,
    model_resource,
    with_word_lists,
)


def _tags(lang: str, sentence: str) -> list[str]:
    model = load_model(lang)
    assert model is not None
    words = sentence.split()
    return [UPOS[tag] for tag in model.tag(words, [GAP_SPACE] * len(words))]


def _bare_model(weights: dict[str, dict[int, float]], **extra: Any) -> bytes:
    """A model file of these weights alone: no sure tags, stopwords or nouns."""
    fields: dict[str, Any] = {"sure_tags": {}, "content_stopwords": [], "common_nouns": {}, "about": {}}
    return encode_model(lang="xx", weights=weights, **(fields | extra))


@pytest.mark.parametrize("lang", TAGGED_LANGUAGES)
def test_every_language_ships_a_compact_model(lang: str) -> None:
    resource = model_resource(lang)
    assert resource.is_file()
    assert len(resource.read_bytes()) < 1_500_000  # a few MB for all six
    model = load_model(lang)
    assert model is not None and model.lang == lang and model.entries_at > model.table_at


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
        about={"words": 40_000},
    )
    model = decode_model(data)
    assert model.tag(["le", "chat", "mange"], [GAP_SPACE, GAP_SPACE, GAP_PUNCT]) == [5, NOUN, VERB]
    assert model.content_stopwords == frozenset({"monde"})
    assert model.commonness("chat") == 1.0 and model.commonness("mange") == 0.0
    assert model.sure_tag("le") == 5 and model.sure_tag("Le") == -1
    assert model.allowed_tags("le") == EVERY_TAG  # no tag set given: any, though its tag is sure


def test_endings_openings_and_neighbours_are_found_as_training_named_them() -> None:
    """The tagger reads a word's endings and opening letter by letter; training names them."""
    weights = {
        "s3 ing": {VERB: 2.0},  # the last three letters
        "s1 s": {NOUN: 1.0},
        "s4 ly": {ADV: 3.0},  # a word shorter than four letters: its whole self
        "p2 un": {ADJ: 4.0},
        "p3 déb": {NOUN: 5.0},  # a letter beyond ASCII
        "-1s the": {NOUN: 6.0},  # what "the" gives the word after it
        "+1 of": {NOUN: 7.0},  # what "of" gives the word before it
        "t2 7 7": {DET: 8.0},  # after two nouns
        "b": {X: 0.5},
    }
    model = decode_model(_bare_model(weights))
    spaces = [GAP_SPACE] * 9
    words = ["running", "cats", "ly", "unkind", "début", "bathe", "x", "sort", "of"]
    assert [UPOS[tag] for tag in model.tag(words, spaces)] == [
        "VERB", "NOUN", "ADV", "ADJ", "NOUN", "X", "NOUN", "NOUN", "DET",
    ]  # fmt: skip


def test_a_word_chooses_among_the_tags_the_treebank_gave_it() -> None:
    weights = {"w porte": {NOUN: 2.0, VERB: 1.0, ADJ: 0.5}}
    sets = {"porte": 1 << VERB | 1 << ADJ}  # as written: "Porte" is not in the treebank
    model = decode_model(_bare_model(weights, allowed_tags=sets))
    assert model.allowed_tags("porte") == sets["porte"] and model.allowed_tags("Porte") == EVERY_TAG
    assert model.tag(["porte", "Porte"], [GAP_SPACE, GAP_PUNCT]) == [VERB, NOUN]


def test_a_word_keeps_its_tag_set_and_its_sure_tag_in_one_key() -> None:
    weights = {"w porte": {NOUN: 2.0}}
    data = _bare_model(weights, sure_tags={"porte": VERB}, allowed_tags={"porte": 1 << VERB | 1 << NOUN})
    model = decode_model(data)
    assert model.sure_tag("porte") == VERB and model.allowed_tags("porte") == 1 << VERB | 1 << NOUN
    assert model.tag(["porte"], [GAP_PUNCT]) == [VERB]  # sure: its weights are never read


def test_the_word_lists_ride_in_the_header_and_are_renewed_without_the_weights() -> None:
    data = _bare_model({"w chat": {NOUN: 1.0}}, first_names=["jean"], language_names=["anglais"])
    model = decode_model(data)
    assert model.first_names == {"jean"} and model.language_names == {"anglais"}
    renewed = with_word_lists(data, first_names=["marie", "jean"], language_names=[])
    assert renewed.endswith(data[data.index(b"\n") :])  # the same table and weights
    model = decode_model(renewed)
    assert model.first_names == {"jean", "marie"} and model.language_names == frozenset()
    assert model.tag(["chat"], [GAP_PUNCT]) == [NOUN]


def test_a_value_past_three_bytes_is_refused() -> None:
    with pytest.raises(ValueError, match="three bytes"):
        _bare_model({}, common_nouns={"chat": 1 << 24})


def test_every_key_kind_hashes_apart() -> None:
    assert len({key_hashes(kind, "ab") for kind in range(COMMON + 1)}) == COMMON + 1
    assert key_hashes(SUFFIX3, "abc") != key_hashes(SUFFIX3, "cba")


def test_a_foreign_or_truncated_weights_file_is_refused() -> None:
    data = _bare_model({})
    with pytest.raises(ValueError, match="format 99"):
        decode_model(data.replace(b'"format": 5', b'"format": 99', 1))
    with pytest.raises(ValueError, match="format None"):
        decode_model(b"not a model")
    with pytest.raises(ValueError, match="truncated"):
        decode_model(data[:-1])
    with pytest.raises(ValueError, match="truncated"):  # no empty slot to end a search
        decode_model(data[:-4] + bytes(4))


def test_every_key_is_found_past_its_neighbours_and_no_other() -> None:
    """Keys share home slots and push each other on: a search reads past the smaller hashes."""
    sure = {f"w{i}": i % len(UPOS) for i in range(5000)}
    model = decode_model(
        encode_model(lang="xx", weights={}, sure_tags=sure, content_stopwords=[], common_nouns={}, about={})
    )
    assert [model.sure_tag(word) for word in sure] == list(sure.values())
    assert {model.sure_tag(f"x{i}") for i in range(5000)} == {-1}


def test_tagging_nothing_and_odd_words() -> None:
    model = load_model("en")
    assert model is not None
    assert model.tag([], []) == []
    odd = ["ÉTÉ", "x" * 5000, "Київ", "42", "e-mail", "北京"]
    assert len(model.tag(odd, [GAP_SPACE] * len(odd))) == len(odd)


def test_a_spelling_after_a_sure_one_still_weighs_its_own_letters() -> None:
    """A sure tag spares the word's own scores; a spelling of it without one gets them all."""
    # "Le" is a name by its opening, not by its neighbour (which alone would make it an adjective).
    weights = {"s1 e": {NOUN: 2.0}, "p2 le": {PROPN: 3.0}, "w le": {DET: 1.0}, "+1 le": {ADJ: 2.5}}
    data = encode_model(
        lang="xx", weights=weights, sure_tags={"le": DET}, content_stopwords=[], common_nouns={}, about={}
    )
    alone = decode_model(data).tag(["Le", "le"], [GAP_SPACE, GAP_SPACE])
    model = decode_model(data)
    assert model.tag(["le", "le"], [GAP_SPACE, GAP_SPACE]) == [DET, DET]
    assert model.tag(["Le", "le"], [GAP_SPACE, GAP_SPACE]) == alone == [PROPN, DET]


def test_words_sharing_endings_are_tagged_as_each_alone() -> None:
    """Endings and openings are searched once per pass and remembered: more of them than the
    memo has slots, so that slots are shared, and each word still gets its own."""
    letters = "abcdefghijklmnopqrstuvwxyzé"
    words = [a + b + c + "x" + d for a in letters[:9] for b in letters for c in letters[:6] for d in "st"]
    weights: dict[str, dict[int, float]] = {f"s3 {word[-3:]}": {NOUN: 1.0} for word in words[::3]}
    weights |= {f"p3 {word[:3]}": {VERB: 1.5} for word in words[::5]}
    weights |= {f"s2 {word[-2:]}": {ADJ: 0.5} for word in words[::7]}
    model = decode_model(_bare_model(weights))
    each = [model.tag([word], [GAP_PUNCT])[0] for word in words]
    assert len(set(each)) == 3
    model.forget()
    assert [model.tag([word], [GAP_PUNCT])[0] for word in reversed(words)] == each[::-1]
    fresh = decode_model(_bare_model(weights))
    assert [fresh.tag([word], [GAP_PUNCT])[0] for word in words[::-1]] == each[::-1]
