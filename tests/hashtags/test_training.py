"""The training script: CoNLL-U read as the engine sees words, a perceptron that learns."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from auxil.paths import REPO

from bot.hashtags import training
from bot.hashtags.tagger import ADP, DET, NOUN, PROPN, VERB, decode_model, load_model

# The shared data lives in a folder above the repository, as for the benchmarks.
TREEBANKS = next(
    (found for folder in REPO.parents if (found := folder / "shared" / "data" / "treebanks").is_dir()),
    REPO / "no-treebanks",
)

# Our own sentences, written in the treebanks' format.
_CONLLU = """\
# text = L'Ukraine signe du papier.
1\tL'\tle\tDET\t_\t_\t2\tdet\t_\tSpaceAfter=No
2\tUkraine\tUkraine\tPROPN\t_\t_\t3\tnsubj\t_\t_
3\tsigne\tsigner\tVERB\t_\t_\t0\troot\t_\t_
4-5\tdu\t_\t_\t_\t_\t_\t_\t_\t_
4\tde\tde\tADP\t_\t_\t6\tcase\t_\t_
5\tle\tle\tDET\t_\t_\t6\tdet\t_\t_
6\tpapier\tpapier\tNOUN\t_\t_\t3\tobl\t_\tSpaceAfter=No
7\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\t_

# text = Le chat mange.
1\tLe\tle\tDET\t_\t_\t2\tdet\t_\t_
2\tchat\tchat\tNOUN\t_\t_\t3\tnsubj\t_\t_
3\tmange\tmanger\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No
4\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\t_

"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    with gzip.open(path, "wt", encoding="utf-8") as file:
        file.write(text)
    return path


def test_words_are_read_as_the_engine_splits_them(tmp_path: Path) -> None:
    first, second = training.read_conllu(_write(tmp_path, "x.conllu.gz", _CONLLU))
    # The elided article is part of its word, the multiword token is one word, punctuation a gap.
    assert first.words == ["Ukraine", "signe", "du", "papier"]
    assert first.tags == [PROPN, VERB, ADP, NOUN]
    assert second.words == ["Le", "chat", "mange"] and second.tags == [DET, NOUN, VERB]
    assert [form for form, _ in first.tokens] == ["L'", "Ukraine", "signe", "de", "le", "papier", "."]


def _name_rows(*names: str) -> list[list[str]]:
    """A sentence of proper-noun names, each a head and its flat dependents, as CoNLL-U rows."""
    rows: list[list[str]] = []
    for name in names:
        head = str(len(rows) + 1)
        for i, word in enumerate(name.split(" ")):
            link = (head, "flat:name") if i else ("0", "nsubj")
            rows.append([str(len(rows) + 1), word, word, "PROPN", "_", "_", *link, "_", "_"])
    return rows


def test_first_names_are_the_words_that_open_several_peoples_names() -> None:
    """Claude opens two people's names; Paris two, but is a place more often; San
    opens places (its names go on with first names); Conselho an institution (its "surname" is
    written in lowercase); Mark is a first name where the language never writes "mark"."""
    french = [
        _name_rows("Claude Guéant", "Claude Érignac", "Paris Hilton", "San Claude", "San Jérôme"),
        _name_rows("Conselho Nacional", "Conselho Federal", "Mark Faber", "Mark Foster"),
        _name_rows("Jérôme Cahuzac", "Jerome Powell", "Paris Jackson", *["Paris"] * 8),
        [["1", "nacional", "nacional", "ADJ", "_", "_", "0", "root", "_", "_"]],
    ]
    english = [[["1", "mark", "mark", "NOUN", "_", "_", "0", "root", "_", "_"]]]
    evidence = training.name_evidence({"fr": french, "en": english})
    assert training.first_names(evidence, "fr") == ["claude", "jerome", "mark"]
    assert training.first_names(evidence, "en") == ["claude", "jerome"]


def test_the_script_renews_the_word_lists_of_its_models_and_keeps_their_weights(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conllu = "".join(
        "\n".join("\t".join(row) for row in _name_rows(*names)) + "\n\n"
        for names in (("Claude Guéant", "Claude Érignac"), ("Karl Marx", "Karl Lagerfeld"))
    )
    _write(tmp_path, "de_gsd-ud-test.conllu.gz", conllu)
    shipped = load_model("de")
    assert shipped is not None
    (tmp_path / "de.pos").write_bytes(shipped.data)
    arguments = ["--treebanks", str(tmp_path), "--out", str(tmp_path), "--names-only", "de"]
    assert training.main(arguments) == 0
    renewed = decode_model((tmp_path / "de.pos").read_bytes())
    assert renewed.first_names == {"claude", "karl"} and "Deutsch" in renewed.language_names
    words = ["Die", "Regierung", "kündigt", "ein", "Programm", "an"]
    assert renewed.tag(words, [0] * 6) == shipped.tag(words, [0] * 6)
    before = (tmp_path / "de.pos").read_bytes()
    assert training.main([*arguments, "nl"]) == 1  # no Dutch model there to renew
    assert "no model of nl" in capsys.readouterr().err
    assert (tmp_path / "de.pos").read_bytes() == before  # nothing renewed


def test_tag_sets_are_the_tags_each_word_as_written_carries(tmp_path: Path) -> None:
    sentences = list(training.read_conllu(_write(tmp_path, "x.conllu.gz", _CONLLU)))
    sets = training.tag_sets(sentences)
    assert sets["Ukraine"] == 1 << PROPN and sets["du"] == 1 << ADP and sets["Le"] == 1 << DET
    assert "le" not in sets  # only inside "du", which is one word


def test_the_perceptron_learns_its_sentences_and_the_file_keeps_them(tmp_path: Path) -> None:
    sentences = list(training.read_conllu(_write(tmp_path, "x.conllu.gz", _CONLLU)))
    weights = training.train(sentences * 5, iterations=5).averaged(0.0)
    data = training.encode_model(
        lang="fr",
        weights=weights,
        sure_tags={},
        content_stopwords=[],
        common_nouns={},
        about={},
    )
    assert training.accuracy(decode_model(data), sentences) == 1.0


def test_the_script_writes_a_model_and_prints_its_accuracy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for split in ("dev", "test"):
        _write(tmp_path, f"fr_gsd-ud-{split}.conllu.gz", _CONLLU)
    arguments = ["--treebanks", str(tmp_path), "--out", str(tmp_path), "--iterations", "3", "fr"]
    assert training.main(arguments) == 0
    model = decode_model((tmp_path / "fr.pos").read_bytes())
    assert model.lang == "fr" and model.first_names == frozenset()  # no two people share a first name
    assert "français" in model.language_names
    table = capsys.readouterr().out
    assert "| fr | UD French-GSD (dev) | 7 |" in table


def test_a_missing_treebank_fails_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert training.main(["--treebanks", str(tmp_path), "--out", str(tmp_path), "nl"]) == 1
    assert "no treebank" in capsys.readouterr().err


@pytest.mark.skipif(not TREEBANKS.is_dir(), reason="the shared treebanks are not next to the repository")
def test_the_shipped_english_model_beats_the_baseline_on_the_test_split() -> None:
    model = load_model("en")
    assert model is not None
    testing = training.treebank_split(TREEBANKS, "en", "test")
    training_split = training.treebank_split(TREEBANKS, "en", "dev")
    assert (
        training.accuracy(model, testing)
        > training.baseline_accuracy(training_split, testing, tokens=False) + 0.04
    )
