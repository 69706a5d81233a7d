"""Retrieval quality and speed on the FiQA subset: finbot vs the LangChain baseline, in one run.

    .venv/bin/python bench/retrieval.py --data DIR [--cache .bench-cache]

DIR: the BEIR FiQA-2018 subset (corpus.jsonl, queries.jsonl, qrels-dev.tsv, qrels-test.tsv; not shipped).

Systems (same corpus, same int8 MiniLM embeddings, same queries):
- finbot hybrid (FINBOT_FUSION default), finbot BM25 alone (bm25s, stemmed), finbot dense alone;
- baseline: LangChain EnsembleRetriever([BM25Retriever (rank_bm25), InMemoryVectorStore retriever]),
  weights 0.4 / 0.6 (the seed's), i.e. what a user would write from the seed.
Splits: "dev" = qrels-dev.tsv (the only split used to choose finbot's defaults); "held-out" = the other
110 queries, judged by the corpus metadata `relevant_to` (the subset's README: one relevant passage each).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

import numpy as np

from core.retrieval.bm25 import Bm25Index
from core.retrieval.embeddings import MiniLmEmbedder
from core.retrieval.evaluation import _embed_cached, evaluate_run, latency_summary, mean_metrics, read_qrels
from core.retrieval.fusion import FusionConfig
from core.retrieval.hybrid import HybridIndex
from core.retrieval.vectors import LocalVectorIndex

ROOT = Path(__file__).resolve().parent.parent


def load(data: Path) -> tuple[list[dict], dict[str, str], dict[str, dict[str, dict[str, int]]]]:
    docs = [json.loads(line) for line in (data / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = {
        q["_id"]: q["text"] for q in map(json.loads, (data / "queries.jsonl").read_text(encoding="utf-8").splitlines())
    }
    dev = read_qrels(data / "qrels-dev.tsv")
    held: dict[str, dict[str, int]] = {}
    for d in docs:
        target = (d.get("metadata") or {}).get("relevant_to")
        if target and target not in dev and target in queries:
            held.setdefault(target, {})[d["_id"]] = 1
    return docs, queries, {"dev": dev, "held-out": held}


class _Vectors:
    """LangChain Embeddings over precomputed vectors (same model as finbot; no re-embedding per system)."""

    def __init__(self, table: dict[str, np.ndarray]) -> None:
        self.table = table

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.table[t].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.table[text].tolist()


def langchain_baseline(texts: list[str], ids: list[str], table: dict[str, np.ndarray]):  # type: ignore[no-untyped-def]
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_core.vectorstores import InMemoryVectorStore

    class Emb(_Vectors, Embeddings):
        pass

    docs = [Document(page_content=t, metadata={"id": i}) for t, i in zip(texts, ids, strict=True)]
    bm25 = BM25Retriever.from_documents(docs, k=100)
    store = InMemoryVectorStore(Emb(table))
    store.add_documents(docs)
    dense = store.as_retriever(search_kwargs={"k": 100})
    return EnsembleRetriever(retrievers=[bm25, dense], weights=[0.4, 0.6])


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True, help="the BEIR FiQA subset folder")
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench-cache")
    args = parser.parse_args()
    docs, queries, splits = load(args.data)
    ids = [d["_id"] for d in docs]
    texts = [f"{d['title']}\n{d['text']}" if d.get("title") else d["text"] for d in docs]
    embedder = MiniLmEmbedder()
    t0 = time.perf_counter()
    matrix = await _embed_cached(embedder, texts, args.cache, None)
    embed_s = time.perf_counter() - t0
    judged = sorted({q for split in splits.values() for q in split})
    qtexts = [queries[q] for q in judged]
    t0 = time.perf_counter()
    qmatrix = embedder.embed_sync(qtexts)
    query_embed_ms = (time.perf_counter() - t0) * 1000 / len(qtexts)
    qvec = dict(zip(judged, qmatrix, strict=True))

    t0 = time.perf_counter()
    bm25 = Bm25Index.build(texts)
    vectors = LocalVectorIndex(embedder.dim)
    vectors.upsert_sync(ids, matrix)
    engine = HybridIndex(ids=ids, texts=texts, bm25=bm25, vectors=vectors, fusion=FusionConfig())
    finbot_index_s = time.perf_counter() - t0
    table = {**dict(zip(texts, matrix, strict=True)), **{queries[q]: qvec[q] for q in judged}}
    t0 = time.perf_counter()
    baseline = langchain_baseline(texts, ids, table)
    baseline_index_s = time.perf_counter() - t0

    systems: dict[str, object] = {
        "finbot hybrid": ("hybrid", FusionConfig()),
        "finbot bm25": ("bm25", FusionConfig()),
        "finbot dense": ("dense", FusionConfig()),
        "finbot rrf (plain)": ("hybrid", FusionConfig.named("rrf")),
        "finbot weighted 0.6/0.4": ("hybrid", FusionConfig.named("weighted")),
        "langchain ensemble": None,
    }
    results: dict[str, dict[str, dict[str, float]]] = {}
    for name, spec in systems.items():
        results[name] = {}
        for split, qrels in splits.items():
            rows, seconds = [], []
            for q in sorted(qrels):
                t0 = time.perf_counter()
                if spec is None:
                    ranking = [d.metadata["id"] for d in baseline.invoke(queries[q])]
                else:
                    mode, fusion = spec  # type: ignore[misc]
                    engine.fusion = fusion
                    hits = await engine.search(queries[q], qvec[q], 100, mode=mode)
                    ranking = [ids[h.row] for h in hits]
                seconds.append(time.perf_counter() - t0)
                rows.append(evaluate_run(ranking, qrels[q]))
            results[name][split] = {**mean_metrics(rows), **latency_summary(seconds)}
    engine.fusion = FusionConfig()

    print(f"FiQA subset: {len(docs)} passages; dev {len(splits['dev'])} / held-out {len(splits['held-out'])} queries")
    print(
        f"embedding: {len(docs) / embed_s:.1f} passages/s ({embed_s:.1f}s, cached runs ~0); "
        f"query embedding {query_embed_ms:.1f} ms; index build: finbot {finbot_index_s:.2f}s, "
        f"langchain {baseline_index_s:.2f}s (search latency below excludes query embedding)"
    )
    base = results["langchain ensemble"]
    header = f"{'system':<26}{'split':<10}{'nDCG@10':>8}{'R@10':>7}{'R@100':>7}{'MRR@10':>8}{'p50 ms':>8}"
    header += f"{'p95 ms':>8}{'QPS':>9}{'nDCG x':>8}{'QPS x':>8}"
    print(header)
    for name, per_split in results.items():
        for split, m in per_split.items():
            b = base[split]
            print(
                f"{name:<26}{split:<10}{m['ndcg@10']:>8.3f}{m['recall@10']:>7.3f}{m['recall@100']:>7.3f}"
                f"{m['mrr@10']:>8.3f}{m['p50_ms']:>8.2f}{m['p95_ms']:>8.2f}{m['qps']:>9.0f}"
                f"{m['ndcg@10'] / b['ndcg@10']:>8.2f}{m['qps'] / b['qps']:>8.1f}"
            )


if __name__ == "__main__":
    asyncio.run(main())
