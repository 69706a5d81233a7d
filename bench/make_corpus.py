"""Write a synthetic corpus of N passages for scale benchmarks (BEIR corpus.jsonl + queries + vectors).

    .venv/bin/python bench/make_corpus.py --n 57000 --out .bench-cache/synthetic-57k --fiqa DIR/corpus.jsonl

Passages have FiQA-like length (words per passage drawn from the real passages' lengths) and vocabulary
(words drawn from the FiQA passages' unigram distribution, so BM25 sees a realistic Zipf curve). The dense
side uses random unit vectors of the model's dimension (embedding 500k passages on 2 cores would take
hours; it is search latency being measured). Queries: 3-8 words taken from a random passage.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np


def make(n: int, out: Path, *, fiqa: Path, dim: int = 384, queries: int = 300, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    texts = [json.loads(line)["text"] for line in fiqa.read_text(encoding="utf-8").splitlines()]
    tokenized = [re.findall(r"[A-Za-z][A-Za-z']+|\d+", t) for t in texts]
    counts = Counter(w.lower() for words in tokenized for w in words)
    vocab = np.array(list(counts))
    probs = np.array(list(counts.values()), dtype=np.float64)
    probs /= probs.sum()
    lengths = rng.choice(np.array([len(w) for w in tokenized if w]), size=n)
    out.mkdir(parents=True, exist_ok=True)
    drawn = rng.choice(len(vocab), size=int(lengths.sum()), p=probs)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        start = 0
        for i, length in enumerate(lengths):
            words = vocab[drawn[start : start + length]]
            start += length
            handle.write(json.dumps({"_id": f"s{i}", "title": "", "text": " ".join(words)}) + "\n")
    with (out / "queries.jsonl").open("w", encoding="utf-8") as handle:
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        for q in range(queries):
            doc = int(rng.integers(n))
            size = int(rng.integers(3, 9))
            lo = int(offsets[doc])
            span = max(1, int(lengths[doc]) - size)
            first = lo + int(rng.integers(span))
            handle.write(json.dumps({"_id": f"q{q}", "text": " ".join(vocab[drawn[first : first + size]])}) + "\n")
    vectors = rng.standard_normal((n, dim), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    np.save(out / "vectors.npy", vectors)
    qv = rng.standard_normal((queries, dim), dtype=np.float32)
    np.save(out / "query_vectors.npy", qv / np.linalg.norm(qv, axis=1, keepdims=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--fiqa", type=Path, required=True, help="a FiQA corpus.jsonl (vocabulary, lengths)")
    args = parser.parse_args()
    make(args.n, args.out, fiqa=args.fiqa)
    print(f"wrote {args.n} passages to {args.out}")


if __name__ == "__main__":
    main()
