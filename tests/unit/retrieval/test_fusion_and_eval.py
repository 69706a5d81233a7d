"""Fusion methods, the BEIR metrics, and follow-up query rewriting."""

from __future__ import annotations

import numpy as np
import pytest

from core.retrieval.evaluation import evaluate_run, latency_summary, read_qrels
from core.retrieval.fusion import FusionConfig, fuse
from core.retrieval.hybrid import calibrated_relevance
from core.retrieval.rewrite import QueryRewriter, is_follow_up, standalone_query


def test_dense_boost_keeps_dense_order_unless_keywords_are_strong() -> None:
    dense = np.array([0.60, 0.58, 0.20])
    keyword = np.array([0.0, 10.0, 1.0])
    fused = fuse(dense, keyword, FusionConfig())
    assert list(np.argsort(-fused)) == [1, 0, 2]
    weak = fuse(dense, np.array([0.0, 0.5, 10.0]), FusionConfig())
    assert int(np.argmax(weak)) == 0


def test_rrf_and_weighted() -> None:
    dense = np.array([0.9, 0.5, 0.1])
    keyword = np.array([0.0, 5.0, 9.0])
    rrf = fuse(dense, keyword, FusionConfig.named("rrf"))
    assert rrf[1] == pytest.approx(0.5 / 62 + 0.5 / 62)  # rank 2 on both sides
    assert rrf[0] == pytest.approx(0.5 / 61)  # BM25 did not retrieve it: no keyword vote
    weighted = fuse(dense, keyword, FusionConfig.named("weighted"))
    assert weighted[0] == pytest.approx(0.6)
    with pytest.raises(ValueError, match="dense-boost, convex, rrf, weighted"):
        FusionConfig.named("magic")


def test_relevance_needs_meaning_or_terms() -> None:
    assert calibrated_relevance(0.05, 0.0) == 0.0
    assert calibrated_relevance(0.7, 0.0) == 1.0
    assert calibrated_relevance(0.25, 1.0) > 0.5


def test_metrics_of_one_ranking(tmp_path) -> None:
    metrics = evaluate_run(["a", "b", "c"], {"b": 1})
    assert metrics["mrr@10"] == 0.5 and metrics["recall@10"] == 1.0
    assert metrics["ndcg@10"] == pytest.approx(1 / np.log2(3))
    qrels = tmp_path / "q.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\n1\td1\t1\n1\td2\t0\n", encoding="utf-8")
    assert read_qrels(qrels) == {"1": {"d1": 1}}
    assert latency_summary([0.001, 0.003])["qps"] == pytest.approx(500)


def test_follow_ups_take_the_previous_question() -> None:
    history = [("user", "How do I roll over my 401(k)?"), ("assistant", "Ask your plan for a direct rollover.")]
    assert is_follow_up("What about Roth money?")
    rewritten = standalone_query("What about Roth money?", history)
    assert rewritten.startswith("What about Roth money?") and "401" in rewritten and "roll" in rewritten
    standalone = "How much does an outgoing international wire cost in fees?"
    assert standalone_query(standalone, history) == standalone


async def test_rewriter_uses_the_model_and_falls_back() -> None:
    from langchain_core.language_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    history = [("user", "How do I roll over my 401(k)?")]
    model = GenericFakeChatModel(messages=iter([AIMessage("Roth money in a 401(k) rollover")]))
    assert await QueryRewriter(model).rewrite("and Roth?", history) == "Roth money in a 401(k) rollover"
    assert "roll" in await QueryRewriter(None).rewrite("and Roth?", history)
