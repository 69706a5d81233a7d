"""Search latency, throughput and memory as the corpus grows (synthetic corpora from bench/make_corpus.py).

    .venv/bin/python bench/scale.py --fiqa DIR/corpus.jsonl --sizes 10000,57000,500000 [--baseline-max 60000]

Each (size, system) runs in its own process so peak memory (max RSS) is its own. finbot: bm25s + the int8
local index (codes saved, float32 rows memory-mapped), hybrid fusion (query vectors precomputed: random unit
vectors, as the corpus's); "dense p95" is the vector side alone, "+embed p95" the real MiniLM query embedding
(one thread) plus the search. Baselines in the same run: the same engine with the exact float32 scan
(`exact-f32`, ratio "p95 x exact"), and LangChain EnsembleRetriever(BM25Retriever (rank_bm25),
InMemoryVectorStore) with the same vectors ("QPS x LC"; skipped above --baseline-max).

    .venv/bin/python bench/scale.py --vectors --sizes 10000,57000,500000

The local vector index alone, exact float32 (the baseline) vs int8 codes re-scored exactly, on seeded clustered
384-d unit vectors appended in batches of 10k: build s, restart load s, search p50/p95 ms, QPS, peak RSS and
recall@10 against exact search (fewer queries at 500k: the machine is shared).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load(folder: Path) -> tuple[list[str], list[str], list[str], np.ndarray, np.ndarray]:
    ids, texts = [], []
    with (folder / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            ids.append(doc["_id"])
            texts.append(doc["text"])
    queries = [json.loads(line)["text"] for line in (folder / "queries.jsonl").read_text().splitlines()]
    return ids, texts, queries, np.load(folder / "vectors.npy", mmap_mode="r"), np.load(folder / "query_vectors.npy")


async def run_finbot(folder: Path, precision: str = "int8", embed: bool = True) -> dict[str, float]:
    from core.retrieval.bm25 import Bm25Index
    from core.retrieval.embeddings import MiniLmEmbedder
    from core.retrieval.hybrid import HybridIndex
    from core.retrieval.vectors import LocalVectorIndex

    ids, texts, queries, vectors, qvectors = _load(folder)
    p = precision  # int8 (finbot's default) or float32 (the exact scan, the baseline)
    t0 = time.perf_counter()
    bm25 = Bm25Index.build(texts)
    bm25_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        index = LocalVectorIndex(vectors.shape[1], Path(tmp) / "vectors", precision=p)  # type: ignore[arg-type]
        index.upsert_sync(ids, np.asarray(vectors))
        index.flush()
        bm25.save(Path(tmp) / "bm25")
        write_s = time.perf_counter() - t0
        del index, bm25
        t0 = time.perf_counter()  # a restart: load both from disk (memory-mapped)
        index = LocalVectorIndex(vectors.shape[1], Path(tmp) / "vectors", precision=p)  # type: ignore[arg-type]
        bm25 = Bm25Index.load(Path(tmp) / "bm25")
        load_s = time.perf_counter() - t0
        assert bm25 is not None
        engine = HybridIndex(ids=ids, texts=texts, bm25=bm25, vectors=index)
        for q, v in zip(queries[:20], qvectors[:20], strict=True):  # warm up
            await engine.search(q, v, 10)
        seconds, dense = [], []
        for q, v in zip(queries, qvectors, strict=True):
            t0 = time.perf_counter()
            await engine.search(q, v, 10)
            seconds.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            index.top_rows(v, 64)  # the dense side alone (what the int8 codes speed up)
            dense.append(time.perf_counter() - t0)
        with_embedding = []
        if embed:  # the real model on each query (one onnxruntime thread, finbot's setting), then the search
            embedder = MiniLmEmbedder()
            embedder.embed_sync(queries[:5])
            for q, v in zip(queries[:100], qvectors[:100], strict=True):
                t0 = time.perf_counter()
                embedder.embed_sync([q])
                await engine.search(q, v, 10)  # the corpus vectors are random: search with the precomputed one
                with_embedding.append(time.perf_counter() - t0)
    ms = np.array(seconds) * 1000
    return {
        "build_s": bm25_s + write_s,
        "load_s": load_s,
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "dense_p95_ms": float(np.percentile(np.array(dense) * 1000, 95)),
        "embed_p95_ms": float(np.percentile(np.array(with_embedding) * 1000, 95)) if with_embedding else float("nan"),
        "qps": len(seconds) / sum(seconds),
        "peak_mb": _peak_mb(),
    }


def run_baseline(folder: Path, n_queries: int = 30) -> dict[str, float]:
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_core.vectorstores import InMemoryVectorStore

    ids, texts, queries, vectors, qvectors = _load(folder)
    lookup = {q: qvectors[i] for i, q in enumerate(queries)}

    class Precomputed(Embeddings):
        def embed_documents(self, batch: list[str]) -> list[list[float]]:
            raise NotImplementedError

        def embed_query(self, text: str) -> list[float]:
            return lookup[text].tolist()

    t0 = time.perf_counter()
    docs = [Document(page_content=t, metadata={"id": i}) for t, i in zip(texts, ids, strict=True)]
    bm25 = BM25Retriever.from_documents(docs, k=10)
    store = InMemoryVectorStore(Precomputed())
    store.store = {
        i: {"id": i, "vector": vectors[n].tolist(), "text": texts[n], "metadata": {"id": i}} for n, i in enumerate(ids)
    }
    ensemble = EnsembleRetriever(retrievers=[bm25, store.as_retriever(search_kwargs={"k": 10})], weights=[0.4, 0.6])
    build_s = time.perf_counter() - t0
    seconds = []
    for q in queries[:n_queries]:
        t0 = time.perf_counter()
        ensemble.invoke(q)
        seconds.append(time.perf_counter() - t0)
    ms = np.array(seconds) * 1000
    return {
        "build_s": build_s,
        "load_s": float("nan"),
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "qps": len(seconds) / sum(seconds),
        "peak_mb": _peak_mb(),
    }


def _clustered(n: int, dim: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(0).standard_normal((2000, dim)).astype(np.float32)
    rows = centres[rng.integers(0, len(centres), n)] + 0.7 * rng.standard_normal((n, dim)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


def run_vectors(precision: str, n: int, dim: int = 384, batch: int = 10000) -> dict[str, float]:
    from core.retrieval.vectors import LocalVectorIndex

    n_queries = 200 if n <= 60000 else 20
    queries = _clustered(n_queries, dim, seed=999_999)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        index = LocalVectorIndex(dim, Path(tmp) / "v", precision=precision)  # type: ignore[arg-type]
        for start in range(0, n, batch):
            rows = _clustered(min(batch, n - start), dim, seed=start + 1)
            index.upsert_sync([str(i) for i in range(start, start + len(rows))], rows)
        index.flush()  # the int8 codes saved, as at a server's close
        build_s = time.perf_counter() - t0
        del index
        t0 = time.perf_counter()
        index = LocalVectorIndex(dim, Path(tmp) / "v", precision=precision)  # type: ignore[arg-type]
        load_s = time.perf_counter() - t0
        exact = [set(np.argsort(-index.scores_for(q))[:10].tolist()) for q in queries]
        for q in queries[:5]:
            index.query_sync(q, 10)
        seconds, found = [], 0
        for q, truth in zip(queries, exact, strict=True):
            t0 = time.perf_counter()
            hits = index.query_sync(q, 10)
            seconds.append(time.perf_counter() - t0)
            found += len(truth & {int(h.id) for h in hits})
    ms = np.array(seconds) * 1000
    return {
        "build_s": build_s,
        "load_s": load_s,
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "qps": len(seconds) / sum(seconds),
        "peak_mb": _peak_mb(),
        "recall": found / (10 * len(queries)),
    }


def main_vectors(sizes: list[int]) -> None:
    rows = []
    for n in sizes:
        for precision in ("float32", "int8"):
            out = subprocess.run(  # noqa: S603 - this script, with our own arguments
                [sys.executable, __file__, "--one-vectors", precision, str(n)],
                capture_output=True,
                text=True,
                check=True,
            )
            rows.append((n, precision, json.loads(out.stdout.strip().splitlines()[-1])))
            print(n, precision, rows[-1][2], flush=True)
    print(f"\n{'vectors':>9} {'matrix':<9}{'build s':>9}{'load s':>8}{'p50 ms':>8}{'p95 ms':>8}{'QPS':>8}"
          f"{'peak MB':>9}{'recall@10':>10}")
    for n, precision, r in rows:
        print(f"{n:>9} {precision:<9}{r['build_s']:>9.1f}{r['load_s']:>8.2f}{r['p50_ms']:>8.2f}{r['p95_ms']:>8.2f}"
              f"{r['qps']:>8.0f}{r['peak_mb']:>9.0f}{r['recall']:>10.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,57000,500000")
    parser.add_argument("--baseline-max", type=int, default=60000, help="skip the baseline above this size")
    parser.add_argument("--fiqa", type=Path, help="a FiQA corpus.jsonl for bench/make_corpus.py (new sizes only)")
    parser.add_argument("--one", nargs=2, metavar=("SYSTEM", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--vectors", action="store_true", help="the local vector index alone: float32 vs int8")
    parser.add_argument("--one-vectors", nargs=2, metavar=("PRECISION", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_vectors:
        print(json.dumps(run_vectors(args.one_vectors[0], int(args.one_vectors[1]))))
        return
    if args.vectors:
        main_vectors([int(s) for s in args.sizes.split(",")])
        return
    if args.one:
        system, folder = args.one
        if system == "langchain":
            result = run_baseline(Path(folder))
        else:
            precision = "float32" if system == "exact-f32" else "int8"
            result = asyncio.run(run_finbot(Path(folder), precision, embed=system == "finbot"))
        print(json.dumps(result))
        return
    from bench.make_corpus import make

    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        folder = ROOT / ".bench-cache" / f"synthetic-{n}"
        if not (folder / "vectors.npy").exists():
            if args.fiqa is None:
                parser.error(f"{folder} is missing: pass --fiqa DIR/corpus.jsonl to make it")
            make(n, folder, fiqa=args.fiqa)
        for system in ("finbot", "exact-f32", "langchain"):
            if system == "langchain" and n > args.baseline_max:
                continue
            out = subprocess.run(  # noqa: S603 - this script, with our own arguments
                [sys.executable, __file__, "--one", system, str(folder)], capture_output=True, text=True, check=False
            )
            if out.returncode != 0:  # langchain_classic is not a dependency of finbot: installed by hand
                print(n, system, "failed:", out.stderr.strip().splitlines()[-1], flush=True)
                continue
            rows.append((n, system, json.loads(out.stdout.strip().splitlines()[-1])))
            print(n, system, rows[-1][2], flush=True)
    print(f"\n{'passages':>9} {'system':<10}{'build s':>9}{'load s':>8}{'p50 ms':>8}{'p95 ms':>8}{'dense p95':>10}"
          f"{'+embed p95':>11}{'QPS':>8}{'peak MB':>9}{'p95 x exact':>12}{'QPS x LC':>9}")
    base = {n: r for n, s, r in rows if s == "langchain"}
    exact = {n: r for n, s, r in rows if s == "exact-f32"}
    for n, system, r in rows:
        ratio = f"{r['qps'] / base[n]['qps']:.0f}" if n in base else "-"
        vs_exact = f"{r['p95_ms'] / exact[n]['p95_ms']:.2f}" if n in exact and system != "langchain" else "-"
        dense, embedded = r.get("dense_p95_ms", float("nan")), r.get("embed_p95_ms", float("nan"))
        print(f"{n:>9} {system:<10}{r['build_s']:>9.1f}{r['load_s']:>8.2f}{r['p50_ms']:>8.2f}{r['p95_ms']:>8.2f}"
              f"{dense:>10.2f}{embedded:>11.2f}{r['qps']:>8.0f}{r['peak_mb']:>9.0f}{vs_exact:>12}{ratio:>9}")


if __name__ == "__main__":
    main()
