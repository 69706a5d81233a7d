"""The quantized local index returns the exact top 10, grows by appends and survives a restart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.retrieval.vectors import LocalVectorIndex

DIM = 64


def _clustered(n: int, seed: int = 7) -> np.ndarray:
    """Unit vectors around 50 topics: near neighbours are close, as with real passage embeddings."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((50, DIM)).astype(np.float32)
    rows = centres[rng.integers(0, 50, n)] + 0.6 * rng.standard_normal((n, DIM)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _recall_at_10(index: LocalVectorIndex, matrix: np.ndarray, queries: np.ndarray) -> float:
    found = 0
    for query in queries:
        exact = set(np.argsort(-(matrix @ query))[:10].tolist())
        got = {int(hit.id) for hit in index.query_sync(query, 10)}
        found += len(exact & got)
    return found / (10 * len(queries))


@pytest.mark.parametrize("precision", ["int8", "float16"])
def test_quantized_top10_recall_vs_exact(precision: str) -> None:
    matrix = _clustered(6000)
    index = LocalVectorIndex(DIM, precision=precision, exact_below=1000)  # type: ignore[arg-type]
    index.upsert_sync([str(i) for i in range(len(matrix))], matrix)
    assert index.quantized
    queries = _clustered(200, seed=11)
    assert _recall_at_10(index, matrix, queries) >= 0.99
    top = index.query_sync(queries[0], 3)
    assert [h.score for h in top] == pytest.approx(sorted((matrix @ queries[0]).tolist(), reverse=True)[:3], abs=1e-5)


def test_appends_updates_and_restart_keep_the_quantized_index_exact(tmp_path: Path) -> None:
    matrix = _clustered(3000)
    index = LocalVectorIndex(DIM, tmp_path / "v", exact_below=500)
    for start in range(0, 3000, 250):  # many small ingests: each appends
        index.upsert_sync([str(i) for i in range(start, start + 250)], matrix[start : start + 250])
    changed = _clustered(10, seed=3)
    index.upsert_sync([str(i) for i in range(10)], changed)  # updates in place
    matrix[:10] = changed
    assert (tmp_path / "v" / "vectors.f32").stat().st_size == 3000 * DIM * 4
    again = LocalVectorIndex(DIM, tmp_path / "v", exact_below=500)
    assert again.quantized and len(again.ids) == 3000
    queries = _clustered(100, seed=5)
    assert _recall_at_10(again, matrix, queries) >= 0.99
    assert again.query_sync(changed[4], 1)[0].id == "4"
    again.delete_sync(["4"])
    assert LocalVectorIndex(DIM, tmp_path / "v").query_sync(changed[4], 1)[0].id != "4"


def test_the_older_npy_files_are_converted(tmp_path: Path) -> None:
    import json

    folder = tmp_path / "v"
    folder.mkdir()
    matrix = _clustered(5)
    np.save(folder / "vectors.npy", matrix)
    ids = [f"c{i}" for i in range(5)]
    (folder / "rows.json").write_text(json.dumps({"dim": DIM, "ids": ids, "meta": [{"s": "x"}] * 5}))
    index = LocalVectorIndex(DIM, folder)
    assert index.ids == ids
    assert index.query_sync(matrix[3], 1)[0].id == "c3"
    assert not (folder / "vectors.npy").exists()


async def test_hybrid_search_over_the_quantized_index_matches_the_exact_one() -> None:
    from core.retrieval.bm25 import Bm25Index
    from core.retrieval.hybrid import HybridIndex

    matrix = _clustered(3000)
    words = ["wire", "fee", "roth", "ira", "bond", "fund", "tax", "loan", "rate", "cash"]
    texts = [f"{words[i % 10]} {words[(i // 10) % 10]} note {i}" for i in range(len(matrix))]
    ids = [str(i) for i in range(len(matrix))]
    bm25 = Bm25Index.build(texts)
    engines = []
    for precision in ("int8", "float32"):
        vectors = LocalVectorIndex(DIM, precision=precision, exact_below=100)  # type: ignore[arg-type]
        vectors.upsert_sync(ids, matrix)
        engines.append(HybridIndex(ids=ids, texts=texts, bm25=bm25, vectors=vectors))
    assert engines[0].vectors.quantized and not engines[1].vectors.quantized  # type: ignore[attr-defined]
    same = 0
    queries = _clustered(40, seed=21)
    for n, query in enumerate(queries):
        text = f"{words[n % 10]} {words[(n * 3) % 10]}"
        quantized = [(h.row, round(h.dense, 4)) for h in await engines[0].search(text, query, 10)]
        exact = [(h.row, round(h.dense, 4)) for h in await engines[1].search(text, query, 10)]
        same += len(set(quantized) & set(exact))
    assert same / (10 * len(queries)) >= 0.99


def test_saved_codes_are_read_at_restart_and_never_used_stale(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    matrix = _clustered(2000)
    index = LocalVectorIndex(DIM, folder, exact_below=500)
    index.upsert_sync([str(i) for i in range(2000)], matrix)
    index.flush()
    saved = (folder / "codes.faiss").stat().st_mtime_ns
    again = LocalVectorIndex(DIM, folder, exact_below=500)  # reads the codes instead of re-quantizing
    assert again.quantized and (folder / "codes.faiss").stat().st_mtime_ns == saved
    assert again.query_sync(matrix[7], 1)[0].id == "7"
    moved = _clustered(1, seed=99)
    again.upsert_sync(["7"], moved)  # not flushed (a crash): the saved codes no longer match the files
    third = LocalVectorIndex(DIM, folder, exact_below=500)
    assert third.query_sync(moved[0], 1)[0].id == "7"
    assert (folder / "codes.faiss").stat().st_mtime_ns != saved  # rebuilt and saved again
    queries = _clustered(50, seed=5)
    matrix[7] = moved[0]
    assert _recall_at_10(third, matrix, queries) >= 0.99
