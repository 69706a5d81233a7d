"""Retrieval quality and speed: finbot vs the LangChain baseline, in one run, on a BEIR FiQA folder and
(optionally) MTRAG-UN's collections.

    .venv/bin/python bench/retrieval.py --data DIR [--mtrag reference.jsonl] [--cache .bench-cache]

Systems (same corpus, same int8 MiniLM embeddings, same queries):
- finbot hybrid (FINBOT_FUSION default), finbot BM25 alone (bm25s, stemmed), finbot dense alone, plain RRF
  and the seed's 0.6/0.4 weighting;
- baseline: LangChain EnsembleRetriever([BM25Retriever (rank_bm25), InMemoryVectorStore retriever]),
  weights 0.4 / 0.6 (the seed's), i.e. what a user would write from the seed.
FiQA splits: "dev" = DIR/qrels-dev.tsv (the half used to choose finbot's defaults), "held-out" = the
queries of DIR/qrels-test.tsv that are not in it. MTRAG-UN (`--mtrag`): per collection (fiqa, clapnq,
ibmcloud), the contexts of its answerable tasks make the corpus; the query is the last user turn with
finbot's offline follow-up rewrite (core.retrieval.rewrite); gold = the task's contexts.
Latency is per search, one at a time, excluding query embedding (the same for every system).
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
from core.retrieval.rewrite import standalone_query
from core.retrieval.vectors import LocalVectorIndex

ROOT = Path(__file__).resolve().parent.parent


Splits = dict[str, tuple[dict[str, str], dict[str, dict[str, int]]]]
"""split name -> (query id -> text, query id -> {doc id: grade})."""


def load_fiqa(data: Path) -> tuple[list[str], list[str], Splits]:
    docs = [json.loads(line) for line in (data / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = {
        q["_id"]: q["text"] for q in map(json.loads, (data / "queries.jsonl").read_text(encoding="utf-8").splitlines())
    }
    dev = read_qrels(data / "qrels-dev.tsv")
    test = read_qrels(data / "qrels-test.tsv")
    held = {q: rel for q, rel in test.items() if q not in dev}
    ids = [d["_id"] for d in docs]
    texts = [f"{d['title']}\n{d['text']}" if d.get("title") else d["text"] for d in docs]
    return ids, texts, {"dev": (queries, dev), "held-out": (queries, held)}


def load_mtrag(path: Path, collection: str) -> tuple[list[str], list[str], Splits]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    tasks = [r for r in rows if r.get("Collection") == collection and r.get("answerability") == ["ANSWERABLE"]]
    corpus: dict[str, str] = {}
    queries: dict[str, str] = {}
    qrels: dict[str, dict[str, int]] = {}
    for task in tasks:
        for context in task["contexts"]:
            title = (context.get("title") or "").strip()
            text = context["text"].strip()
            corpus[context["document_id"]] = f"{title}\n{text}" if title else text
        history = [("user" if t["speaker"] == "user" else "assistant", t["text"]) for t in task["input"][:-1]]
        queries[task["task_id"]] = standalone_query(task["input"][-1]["text"], history)
        qrels[task["task_id"]] = {c["document_id"]: 1 for c in task["contexts"]}
    return list(corpus), list(corpus.values()), {"all": (queries, qrels)}


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


SYSTEMS: dict[str, tuple[str, FusionConfig] | None] = {
    "finbot hybrid": ("hybrid", FusionConfig()),
    "finbot bm25": ("bm25", FusionConfig()),
    "finbot dense": ("dense", FusionConfig()),
    "finbot rrf (plain)": ("hybrid", FusionConfig.named("rrf")),
    "finbot weighted 0.6/0.4": ("hybrid", FusionConfig.named("weighted")),
    "langchain ensemble": None,
}


async def run_collection(
    name: str, ids: list[str], texts: list[str], splits: Splits, embedder: MiniLmEmbedder, cache: Path
) -> dict[str, dict[str, dict[str, float]]]:
    """Every system on every split of one collection: metrics and latency per (system, split)."""
    matrix = await _embed_cached(embedder, texts, cache, None)
    judged = sorted({q for queries, qrels in splits.values() for q in qrels if q in queries})
    text_of = {q: t for queries, _ in splits.values() for q, t in queries.items()}
    qvec = dict(zip(judged, embedder.embed_sync([text_of[q] for q in judged]), strict=True))
    vectors = LocalVectorIndex(embedder.dim)
    vectors.upsert_sync(ids, matrix)
    engine = HybridIndex(ids=ids, texts=texts, bm25=Bm25Index.build(texts), vectors=vectors, fusion=FusionConfig())
    table = {**dict(zip(texts, matrix, strict=True)), **{text_of[q]: qvec[q] for q in judged}}
    baseline = langchain_baseline(texts, ids, table)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for system, spec in SYSTEMS.items():
        results[system] = {}
        for split, (queries, qrels) in splits.items():
            rows, seconds = [], []
            for q in sorted(qrels):
                t0 = time.perf_counter()
                if spec is None:
                    ranking = [d.metadata["id"] for d in baseline.invoke(queries[q])]
                else:
                    engine.fusion = spec[1]
                    ranking = [ids[h.row] for h in await engine.search(queries[q], qvec[q], 100, mode=spec[0])]
                seconds.append(time.perf_counter() - t0)
                rows.append(evaluate_run(ranking, qrels[q]))
            results[system][split] = {**mean_metrics(rows), **latency_summary(seconds)}
    print(f"\n{name}: {len(ids)} passages; " + ", ".join(f"{s} {len(qr)} queries" for s, (_, qr) in splits.items()))
    _print(results)
    return results


def _print(results: dict[str, dict[str, dict[str, float]]]) -> None:
    base = results["langchain ensemble"]
    header = f"{'system':<26}{'split':<10}{'nDCG@10':>8}{'R@10':>7}{'R@100':>7}{'MRR@10':>8}{'p50 ms':>8}"
    print(header + f"{'p95 ms':>8}{'QPS':>9}{'nDCG x':>8}{'QPS x':>8}")
    for name, per_split in results.items():
        for split, m in per_split.items():
            b = base[split]
            print(
                f"{name:<26}{split:<10}{m['ndcg@10']:>8.3f}{m['recall@10']:>7.3f}{m['recall@100']:>7.3f}"
                f"{m['mrr@10']:>8.3f}{m['p50_ms']:>8.2f}{m['p95_ms']:>8.2f}{m['qps']:>9.0f}"
                f"{m['ndcg@10'] / b['ndcg@10']:>8.2f}{m['qps'] / b['qps']:>8.1f}"
            )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True, help="BEIR FiQA folder with qrels-dev/-test.tsv")
    parser.add_argument("--mtrag", type=Path, help="MTRAG-UN reference.jsonl (adds its fiqa/clapnq/ibmcloud)")
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench-cache")
    args = parser.parse_args()
    embedder = MiniLmEmbedder()
    await run_collection("FiQA subset", *load_fiqa(args.data), embedder, args.cache)
    if args.mtrag:
        for collection in ("fiqa", "clapnq", "ibmcloud"):
            await run_collection(f"MTRAG-UN {collection}", *load_mtrag(args.mtrag, collection), embedder, args.cache)


if __name__ == "__main__":
    asyncio.run(main())
