"""Ranking alternatives measured against finbot's default (dense-boost), paired per query.

    .venv/bin/python -m bench.fusion_alternatives --data DIR --mtrag reference.jsonl [--cache .bench-cache]

Collections: the BEIR FiQA folder (all queries of DIR/qrels-test.tsv) and MTRAG-UN's fiqa, clapnq and
ibmcloud (as in bench/retrieval.py). Each alternative's nDCG@10 minus the default's, per query; printed:
the mean per collection and pooled over all queries, with the pooled standard error. Rankings are scored
over every passage (exact), like HybridIndex with the local backend. The first run embeds each corpus
three ways (256 tokens, 512 tokens, 500-character sentence windows); `--cache` keeps the vectors.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import re
from collections.abc import Callable
from pathlib import Path

import bm25s
import numpy as np

from bench.retrieval import ROOT, load_fiqa, load_mtrag
from core.retrieval.bm25 import _analyze, _stem_words
from core.retrieval.embeddings import MiniLmEmbedder
from core.retrieval.evaluation import _embed_cached, evaluate_run
from core.retrieval.fusion import FusionConfig, fuse

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")


def windows(text: str, limit: int = 500) -> list[str]:
    """Sentence packs of up to `limit` characters; consecutive packs share a sentence."""
    parts = [p for line in text.splitlines() for p in _SENTENCE.split(line.strip()) if p.strip()]
    if len(text) <= limit or len(parts) <= 1:
        return [text]
    out: list[str] = []
    current: list[str] = []
    for part in parts:
        if current and sum(len(x) + 1 for x in current) + len(part) > limit:
            out.append(" ".join(current))
            current = current[-1:] if len(current[-1]) < limit // 2 else []
        current.append(part)
    return [*out, " ".join(current)] if current else out


class Collection:
    """Everything an alternative needs: score matrices (queries x passages) and judgements."""

    def __init__(self, name: str, ids: list[str], texts: list[str], queries: list[str], qrels: list[dict]) -> None:
        self.name, self.ids, self.texts, self.queries, self.qrels = name, ids, texts, queries, qrels
        self.passages = self.q = self.p512 = np.zeros(0)
        self.window_vectors: list[np.ndarray] = []

    async def embed(self, cache: Path) -> None:
        base, long = MiniLmEmbedder(), MiniLmEmbedder(max_tokens=512)
        long.model_id = base.model_id + "-512"  # type: ignore[misc]
        self.passages = await _embed_cached(base, self.texts, cache, None)
        self.p512 = await _embed_cached(long, self.texts, cache, None)
        per_text = [windows(t) for t in self.texts]
        flat = [w for ws in per_text for w in ws]
        table = dict(zip(flat, await _embed_cached(base, flat, cache, None), strict=True))
        self.window_vectors = [np.stack([table[w] for w in ws]) for ws in per_text]
        self.q = base.embed_sync(self.queries)

    def dense(self) -> np.ndarray:
        return self.q @ self.passages.T

    def dense512(self) -> np.ndarray:
        return self.q @ self.p512.T

    def maxsim(self) -> np.ndarray:
        return np.stack([[float((w @ q).max()) for w in self.window_vectors] for q in self.q])

    def bm25(self, k1: float = 1.5, b: float = 0.75, method: str = "lucene") -> tuple[np.ndarray, np.ndarray]:
        """(scores, per-query theoretical maximum) of BM25 with these parameters."""
        tokens = bm25s.tokenize(self.texts, stopwords="en", stemmer=_stem_words, show_progress=False)
        index = bm25s.BM25(k1=k1, b=b, method=method)
        index.index(tokens, show_progress=False)
        df = np.diff(np.asarray(index.scores["indptr"]))
        n = len(self.texts)
        scores, tops = [], []
        for query in self.queries:
            ids = [index.vocab_dict[t] for t in _analyze(query) if t in index.vocab_dict]
            row = index.get_scores_from_ids(ids) if ids else np.zeros(n)
            scores.append(np.asarray(row, np.float64))
            tops.append(sum(math.log(1 + (n - df[i] + 0.5) / (df[i] + 0.5)) * (k1 + 1) for i in ids) or 1.0)
        return np.stack(scores), np.array(tops)

    def ndcg(self, scores: np.ndarray) -> np.ndarray:
        return np.array(
            [
                evaluate_run([self.ids[j] for j in np.argsort(-row, kind="stable")[:100]], rel)["ndcg@10"]
                for row, rel in zip(scores, self.qrels, strict=True)
            ]
        )


def boost(dense: np.ndarray, keyword: np.ndarray, weight: float = 0.15) -> np.ndarray:
    """The default fusion, over all passages (BM25 present where it scored)."""
    config = FusionConfig(keyword_weight=weight)
    return np.stack([fuse(d, k, config) for d, k in zip(dense, keyword, strict=True)])


def _z(x: np.ndarray) -> np.ndarray:
    return (x - x.mean(1, keepdims=True)) / (x.std(1, keepdims=True) + 1e-9)


def _prf(c: Collection, first: np.ndarray, k: int = 3, beta: float = 0.5) -> np.ndarray:
    """Rocchio on the query vector from the top k passages of `first`."""
    top = np.argsort(-first, axis=1)[:, :k]
    q = c.q + beta * c.passages[top].mean(axis=1)
    return (q / np.linalg.norm(q, axis=1, keepdims=True)) @ c.passages.T


ALTERNATIVES: dict[str, Callable[[Collection], np.ndarray]] = {
    "dense alone": lambda c: c.dense(),
    "keyword weight 0.10": lambda c: boost(c.dense(), c.bm25()[0], 0.10),
    "keyword weight 0.20": lambda c: boost(c.dense(), c.bm25()[0], 0.20),
    "z-score fusion (0.3)": lambda c: _z(c.dense()) + 0.3 * _z(c.bm25()[0]),
    "bm25 / theoretical max (0.8)": lambda c: c.dense() + 0.8 * (lambda s, t: s / t[:, None])(*c.bm25()),
    "bm25 k1=0.9 b=0.4": lambda c: boost(c.dense(), c.bm25(0.9, 0.4)[0]),
    "bm25+": lambda c: boost(c.dense(), c.bm25(method="bm25+")[0]),
    "bm25l": lambda c: boost(c.dense(), c.bm25(method="bm25l")[0]),
    "dense PRF (k=3, beta=0.5)": lambda c: boost(_prf(c, boost(c.dense(), c.bm25()[0])), c.bm25()[0]),
    "documents at 512 tokens": lambda c: boost(c.dense512(), c.bm25()[0]),
    "mean(256, 512 tokens)": lambda c: boost((c.dense() + c.dense512()) / 2, c.bm25()[0]),
    "window max-sim": lambda c: boost(c.maxsim(), c.bm25()[0]),
    "mean(full, window max-sim)": lambda c: boost((c.dense() + c.maxsim()) / 2, c.bm25()[0]),
}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--mtrag", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench-cache")
    args = parser.parse_args()
    loaded = [("fiqa-220", load_fiqa(args.data))]
    loaded += [(f"mtrag-{n}", load_mtrag(args.mtrag, n)) for n in ("fiqa", "clapnq", "ibmcloud")]
    collections = []
    for name, (ids, texts, splits) in loaded:
        pairs = [(queries[q], rel) for queries, qrels in splits.values() for q, rel in sorted(qrels.items())]
        collection = Collection(name, ids, texts, [p[0] for p in pairs], [p[1] for p in pairs])
        await collection.embed(args.cache)
        collections.append(collection)
    default = {c.name: c.ndcg(boost(c.dense(), c.bm25()[0])) for c in collections}
    print(f"{'alternative':<32}" + "".join(f"{c.name:>14}" for c in collections) + f"{'pooled':>10}{'SE':>8}")
    print(f"{'default (dense-boost 0.15)':<32}" + "".join(f"{default[c.name].mean():>14.3f}" for c in collections))
    for name, scores_of in ALTERNATIVES.items():
        deltas = [c.ndcg(scores_of(c)) - default[c.name] for c in collections]
        pooled = np.concatenate(deltas)
        se = pooled.std(ddof=1) / math.sqrt(len(pooled))
        cells = "".join(f"{d.mean():>+14.3f}" for d in deltas)
        print(f"{name:<32}{cells}{pooled.mean():>+10.4f}{se:>8.4f}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
