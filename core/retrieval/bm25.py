"""Keyword retrieval with bm25s (Snowball-stemmed, English stopwords): the index, and a BM25-only retriever."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

from core.retrieval.documents import DocumentStore, StoredChunk
from core.retrieval.text import amount_tokens, content_terms, stem, stems
from core.retrieval.types import Passage

# bm25s sets its own logger to DEBUG when imported; its per-index chatter is not finbot's news.
logging.getLogger("bm25s").setLevel(logging.WARNING)

__all__ = ["Bm25Index", "Bm25Retriever", "coverage", "rarest_missing"]

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_STOP = frozenset(STOPWORDS_EN)


ANALYZER_VERSION = "2"
"""Changes whenever `_analyze` does, so saved indexes built by an older analyzer are rebuilt."""


def _analyze(text: str) -> list[str]:
    """The index's analyzer: bm25s' token pattern, its English stopwords, Snowball stems, and amounts as digits
    ("$1 million" and "$1,000,000" both give "1000000", core.retrieval.text.amount_tokens)."""
    return [stem(t) for t in _TOKEN.findall(text.lower()) if t not in _STOP] + amount_tokens(text)


def coverage(query: str, text: str, idf: dict[str, float] | None = None) -> float:
    """IDF-weighted share of the query's stems found in the text (0..1).

    A term the corpus has never seen weighs the most, so "capital of Mongolia" does not count as
    covered by a passage about capital gains.
    """
    terms = stems(query)
    if not terms:
        return 0.0
    idf = idf or {}
    unseen = max(idf.values(), default=1.0) + 1.0
    weights = {t: idf.get(t, unseen) for t in terms}
    found = stems(text)
    return sum(w for t, w in weights.items() if t in found) / sum(weights.values())


def rarest_missing(query: str, text: str, idf: dict[str, float], size: int) -> float:
    """How rare (0..1) the rarest question term the text lacks is: its IDF over the largest IDF possible in a
    corpus of `size` texts. 1.0 when the text lacks a term no document uses ("capital of Mongolia"), ~0 when it
    lacks only common words, 0 when it has them all. A passage without the question's most specific word
    ("gold" of "gold IRAs") seldom answers it."""
    ceiling = math.log(1 + (size + 0.5) / 0.5) if size > 0 else 1.0
    found = stems(text)
    missing = [min(1.0, idf.get(t, ceiling) / ceiling) for t in stems(query) if t not in found]
    return max(missing, default=0.0)


class Bm25Index:
    """A bm25s index over texts in row order; saved to / loaded from a folder (memory-mapped)."""

    def __init__(self, index: bm25s.BM25 | None, size: int) -> None:
        self._index = index
        self.size = size
        self._vocab: dict[str, int] = dict(index.vocab_dict) if index is not None else {}
        self.idf: dict[str, float] = self._idf() if index is not None else {}

    @classmethod
    def build(cls, texts: Sequence[str]) -> Bm25Index:
        if not texts:
            return cls(None, 0)
        tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=_stem_words, show_progress=False)
        index = bm25s.BM25()
        index.index(tokens, show_progress=False)
        return cls(index, len(texts))

    def _idf(self) -> dict[str, float]:
        assert self._index is not None
        df = np.diff(np.asarray(self._index.scores["indptr"]))
        n = self.size
        return {
            term: math.log(1 + (n - int(df[i]) + 0.5) / (int(df[i]) + 0.5))
            for term, i in self._vocab.items()
            if i < len(df)
        }

    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._index is not None:
            self._index.save(str(tmp), show_progress=False)
        (tmp / "finbot.json").write_text(json.dumps({"size": self.size}), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)

    @classmethod
    def load(cls, folder: Path) -> Bm25Index | None:
        meta = folder / "finbot.json"
        if not meta.exists():
            return None
        size = int(json.loads(meta.read_text(encoding="utf-8"))["size"])
        if size == 0:
            return cls(None, 0)
        return cls(bm25s.BM25.load(str(folder), mmap=True), size)

    def query_ids(self, query: str) -> list[int]:
        return [self._vocab[t] for t in _analyze(query) if t in self._vocab]

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row for the query (zeros when no query term is in the index)."""
        ids = self.query_ids(query)
        if self._index is None or not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._index.get_scores_from_ids(ids), dtype=np.float32)

    def top(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the best k rows with a positive score, best first."""
        scores = self.scores(query)
        return top_k(scores, k, positive=True)


def top_k(scores: np.ndarray, k: int, *, positive: bool = False) -> tuple[np.ndarray, np.ndarray]:
    n = scores.shape[0]
    if n == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    k = min(k, n)
    rows = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
    rows = rows[np.argsort(-scores[rows], kind="stable")]
    if positive:
        rows = rows[scores[rows] > 0]
    return rows, scores[rows]


def _stem_words(tokens: list[str]) -> list[str]:
    return [stem(t) for t in tokens]


class Bm25Retriever:
    """BM25 alone over every chunk in the knowledge base; `refresh()` after ingesting."""

    def __init__(self, documents: DocumentStore) -> None:
        self._documents = documents
        self._chunks: list[StoredChunk] = []
        self._index = Bm25Index(None, 0)

    async def refresh(self) -> None:
        chunks = await self._documents.all_chunks()
        self._index = await asyncio.to_thread(Bm25Index.build, [f"{c.title}\n{c.text}" for c in chunks])
        self._chunks = chunks

    async def search(self, query: str, k: int, *, documents_version: object = None) -> list[Passage]:
        index, chunks = self._index, self._chunks
        if not content_terms(query):
            return []
        rows, scores = index.top(query, k)
        best = float(scores[0]) if len(scores) else 0.0
        passages = []
        for rank, (r, s) in enumerate(zip(rows.tolist(), scores.tolist(), strict=True), start=1):
            lexical = coverage(query, f"{chunks[r].title} {chunks[r].text}", index.idf)
            passages.append(
                Passage(
                    chunk_id=chunks[r].id,
                    title=chunks[r].title,
                    uri=chunks[r].uri,
                    text=chunks[r].text,
                    score=float(s),
                    relevance=lexical,
                    source=chunks[r].source,
                    keyword=float(s) / best if best > 0 else 0.0,
                    keyword_raw=float(s),
                    keyword_rank=rank,
                    coverage=lexical,
                )
            )
        return passages
