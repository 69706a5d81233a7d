"""The shipped confidence model: reproducible from the data it was fitted on, and it moves with its signals."""

from __future__ import annotations

from core.confidence import SIGNALS, load_default_model
from core.confidence.fit import fit_model, read_rows
from core.confidence.model import DEFAULT_MODEL_PATH


def test_refitting_the_shipped_data_reproduces_the_shipped_coefficients() -> None:
    shipped = load_default_model()
    rows = read_rows([DEFAULT_MODEL_PATH.with_name("calibration.jsonl")])
    refit = fit_model(rows, l2=float(shipped.meta["l2"]), source=str(shipped.meta["fitted_on"]))
    assert shipped.features == SIGNALS
    assert refit.weights == shipped.weights and refit.bias == shipped.bias
    assert shipped.meta["rows"] == len(rows)


def test_a_clear_match_scores_higher_than_a_weak_one() -> None:
    model = load_default_model()
    weak = dict.fromkeys(SIGNALS, 0.0) | {"relevance_top": 0.45, "dense_top": 0.3, "answer_coverage": 0.2}
    clear = weak | {"relevance_top": 1.0, "dense_top": 0.7, "coverage_top": 0.9, "answer_coverage": 1.0,
                    "both_sides_agree": 1.0, "cited_top": 1.0, "margin": 0.2}
    assert model.score(clear) > 70 > model.score(weak)
    assert model.score(clear | {"period_missing": 1.0}) < model.score(clear)
