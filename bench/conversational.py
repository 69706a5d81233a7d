"""Conversation-aware retrieval on MTRAG-UN's FiQA follow-up turns: Recall@5 of the reference passages.

    .venv/bin/python bench/conversational.py --data DIR [--cache .bench-cache]

DIR holds mtrag-un/reference.jsonl (IBM MTRAG-UN) and fiqa/corpus.jsonl (the BEIR FiQA subset); not shipped.

Corpus: every reference passage of MTRAG-UN's FiQA tasks plus the FiQA subset's other passages as
distractors. Tasks: the FiQA tasks with history (2+ earlier messages) and reference passages. Each query
form is searched with finbot's hybrid retrieval; the offline rewrite is core.retrieval.rewrite.standalone_query.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

import numpy as np

from core.retrieval.bm25 import Bm25Index
from core.retrieval.embeddings import MiniLmEmbedder
from core.retrieval.evaluation import _embed_cached
from core.retrieval.hybrid import HybridIndex
from core.retrieval.rewrite import standalone_query
from core.retrieval.vectors import LocalVectorIndex

ROOT = Path(__file__).resolve().parent.parent


def _history(task: dict) -> list[tuple[str, str]]:
    return [("user" if t["speaker"] == "user" else "assistant", t["text"]) for t in task["input"][:-1]]


def _previous_user(task: dict, n: int) -> str:
    return " ".join([t["text"] for t in task["input"][:-1] if t["speaker"] == "user"][-n:])


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench-cache")
    parser.add_argument("--data", type=Path, required=True, help="folder with mtrag-un/ and fiqa/")
    args = parser.parse_args()
    data = args.data
    rows = [json.loads(line) for line in (data / "mtrag-un" / "reference.jsonl").read_text().splitlines()]
    fiqa = [r for r in rows if r.get("Collection") == "fiqa"]
    corpus: dict[str, str] = {}
    for task in fiqa:
        for context in task["contexts"]:
            corpus[context["document_id"]] = context["text"].strip()
    for line in (data / "fiqa" / "corpus.jsonl").read_text().splitlines():
        doc = json.loads(line)
        if doc["metadata"].get("source") != "mtrag-un-fiqa-passage":
            corpus["fiqa-" + doc["_id"]] = doc["text"]
    ids, texts = list(corpus), list(corpus.values())
    embedder = MiniLmEmbedder()
    vectors = LocalVectorIndex(embedder.dim)
    vectors.upsert_sync(ids, await _embed_cached(embedder, texts, args.cache, None))
    engine = HybridIndex(ids=ids, texts=texts, bm25=Bm25Index.build(texts), vectors=vectors)
    tasks = [t for t in fiqa if len(t["input"]) >= 3 and t["contexts"]]
    forms = {
        "last turn only": lambda t: t["input"][-1]["text"],
        "finbot heuristic rewrite": lambda t: standalone_query(t["input"][-1]["text"], _history(t)),
        "always + previous question": lambda t: t["input"][-1]["text"] + " " + _previous_user(t, 1),
        "always + previous 2 questions": lambda t: t["input"][-1]["text"] + " " + _previous_user(t, 2),
    }
    print(f"MTRAG-UN FiQA follow-up turns: {len(tasks)} tasks; corpus {len(ids)} passages")
    base = None
    for name, form in forms.items():
        queries = [form(t) for t in tasks]
        qvectors = embedder.embed_sync(queries)
        recalls = []
        for task, query, vector in zip(tasks, queries, qvectors, strict=True):
            hits = await engine.search(query, vector, 5)
            found = {ids[h.row] for h in hits}
            reference = {c["document_id"] for c in task["contexts"]}
            recalls.append(len(found & reference) / len(reference))
        recall = float(np.mean(recalls))
        base = recall if base is None else base
        print(f"{name:<32} Recall@5 {recall:.3f}  ({recall - base:+.3f}, x{recall / base:.2f})")


if __name__ == "__main__":
    asyncio.run(main())
