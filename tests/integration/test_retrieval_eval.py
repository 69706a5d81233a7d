"""`finbot eval retrieval` on a small FiQA fixture (see tests/fixtures/fiqa_small/README.md): hybrid must not
lose to BM25 alone, and the report has every metric."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "fiqa_small"


def test_eval_retrieval_json_on_fiqa_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "eval",
            "retrieval",
            "--dataset",
            str(FIXTURE),
            "--qrels",
            str(FIXTURE / "qrels.tsv"),
            "--json",
            "--cache",
            str(FIXTURE / ".vectors"),
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["corpus"] == 200 and report["queries"] == 60
    modes = report["modes"]
    for values in modes.values():
        assert set(values) >= {"ndcg@10", "recall@10", "recall@100", "mrr@10", "p50_ms", "p95_ms", "qps"}
    assert modes["hybrid"]["ndcg@10"] >= modes["bm25"]["ndcg@10"]
    assert modes["hybrid"]["ndcg@10"] >= modes["dense"]["ndcg@10"] - 0.01
    assert modes["hybrid"]["ndcg@10"] > 0.7


def test_eval_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["eval", "retrieval", "--dataset", str(FIXTURE), "--modes", "bm25", "--cache", str(FIXTURE / ".vectors")])
        == 0
    )
    out = capsys.readouterr().out
    assert "ndcg@10" in out and "bm25" in out
