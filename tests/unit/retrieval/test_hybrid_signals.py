"""A hybrid hit carries each side's signals: cosine, BM25 raw and normalised, rank on each side."""

from __future__ import annotations

import numpy as np

from core.retrieval.bm25 import Bm25Index
from core.retrieval.fusion import FusionConfig
from core.retrieval.hybrid import HybridIndex
from core.retrieval.vectors import LocalVectorIndex


def _engine() -> HybridIndex:
    texts = [
        "Outgoing domestic wires cost $25 and leave the same day.",
        "Incoming wires are free of charge.",
        "The annual advisory fee is tiered by household assets.",
        "Our office dog greets visitors.",
    ]
    ids = [f"c{i}" for i in range(len(texts))]
    # Unit vectors at known angles to the query vector [1, 0]: cosines 0.6, 0.8, 0.99, -0.2.
    angles = np.arccos([0.6, 0.8, 0.99, -0.2])
    vectors = LocalVectorIndex(2)
    vectors.upsert_sync(ids, np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32))
    return HybridIndex(ids=ids, texts=texts, bm25=Bm25Index.build(texts), vectors=vectors)


async def test_hits_carry_cosine_bm25_and_ranks() -> None:
    engine = _engine()
    hits = await engine.search("outgoing wire cost", np.array([1.0, 0.0], np.float32), 4)
    by_row = {h.row: h for h in hits}
    wire, incoming, fees = by_row[0], by_row[1], by_row[2]
    assert wire.keyword_rank == 1 and wire.keyword_norm == 1.0 and wire.keyword > 0
    assert fees.dense_rank == 1 and fees.keyword_rank is None and fees.keyword_norm == 0.0
    assert incoming.dense_rank == 2 and incoming.keyword_rank == 2 and 0 < incoming.keyword_norm < 1
    assert abs(wire.dense - 0.6) < 1e-5 and wire.dense_rank == 3 and wire.dense_known
    assert engine.coverage("outgoing wire cost", wire) == 1.0


async def test_bm25_mode_hits_have_no_dense_rank() -> None:
    hits = await _engine().search("wires", None, 3)
    assert [h.keyword_rank for h in hits] == [1, 2] and all(h.dense_rank is None for h in hits)
    assert hits[0].keyword_norm == 1.0


async def test_a_dense_candidate_past_bm25_depth_still_gets_its_keyword_bonus() -> None:
    texts = [
        "Wire fee: a wire fee is charged on every outgoing wire.",
        "The wire fee schedule lists each wire fee.",
        "You can send a wire from the portal when you have linked a bank account and confirmed it.",
        "Our office dog greets visitors at the door.",
    ]
    ids = [f"c{i}" for i in range(len(texts))]
    angles = np.arccos([0.0, 0.0, 0.50, 0.51])  # dense: the dog page just ahead of the wire page
    vectors = LocalVectorIndex(2)
    vectors.upsert_sync(ids, np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32))
    engine = HybridIndex(
        ids=ids, texts=texts, bm25=Bm25Index.build(texts), vectors=vectors, fusion=FusionConfig(depth=2)
    )
    hits = await engine.search("wire fee", np.array([1.0, 0.0], np.float32), 2)
    wire_page = next(h for h in hits if h.row == 2)
    assert wire_page.keyword_rank is None and wire_page.keyword_norm > 0  # past BM25's top 2, still scored
    assert [h.row for h in hits].index(2) < [h.row for h in hits].index(3)
