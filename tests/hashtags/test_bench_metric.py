"""The benchmark's metric decides what "better tags" means: it must follow shared/data/README.md."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest
from auxil.paths import REPO


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tags_vs_yake", REPO / "bench" / "tags_vs_yake.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_hashtags_and_phrases_meet_at_one_key(bench: ModuleType) -> None:
    assert bench.hashtag_key("#CessezLeFeu") == bench.hashtag_key("cessez-le-feu") == "cessezlefeu"
    assert bench.hashtag_key("#GrandeBretagne") == bench.hashtag_key("Grande-Bretagne")
    assert bench.hashtag_key("agence Moody's") == "agencemoodys"


def test_scores_keep_the_first_k_distinct_predictions(bench: ModuleType) -> None:
    predicted = ["#Ukraine", "#ukraine", "#Paix", "#Macron", "#Trump"]
    gold = ["Ukraine", "Macron", "accord de paix", "Zelensky"]
    assert bench.scores_at(predicted, gold, 2) == (0.5, 0.25, pytest.approx(1 / 3))
    precision, recall, f1 = bench.scores_at(predicted, gold, 10)
    assert (precision, recall) == (0.5, 0.5) and f1 == pytest.approx(0.5)
    assert bench.scores_at([], gold, 5) == (0.0, 0.0, 0.0)


def test_each_cold_pass_starts_afresh_and_warm_ones_only_forget_the_memo(bench: ModuleType) -> None:
    calls: list[str] = []
    docs = [{"text": "Paix", "keyphrases": ["paix"]}, {"text": "Guerre", "keyphrases": ["guerre"]}]
    result = bench.evaluate(
        "x",
        lambda doc: ["#" + doc["text"]],
        docs,
        2,
        forget_memo=lambda: calls.append("memo"),
        forget_all=lambda: calls.append("all"),
        cold_passes=3,
    )
    assert calls == ["all", "all", "all", "memo", "memo"]
    assert result.at[5][2] == 100.0 and len(result.passes) == 2
