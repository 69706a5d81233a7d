"""Keyword retrieval with bm25s over every chunk in the knowledge base."""

from __future__ import annotations

import asyncio
import math
from collections import Counter

import bm25s
import numpy as np
import Stemmer

from core.retrieval.documents import DocumentStore, StoredChunk
from core.retrieval.text import content_terms, stems
from core.retrieval.types import Passage

__all__ = ["Bm25Retriever", "coverage"]

_STEMMER = Stemmer.Stemmer("english")


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


def _idf(chunks: list[StoredChunk]) -> dict[str, float]:
    frequency: Counter[str] = Counter()
    for chunk in chunks:
        frequency.update(stems(f"{chunk.title} {chunk.text}"))
    n = len(chunks)
    return {term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in frequency.items()}


class Bm25Retriever:
    """Loads chunks from the database into an in-memory bm25s index; `refresh()` after ingesting."""

    def __init__(self, documents: DocumentStore) -> None:
        self._documents = documents
        self._chunks: list[StoredChunk] = []
        self._index: bm25s.BM25 | None = None
        self._idf: dict[str, float] = {}

    async def refresh(self) -> None:
        chunks = await self._documents.all_chunks()
        self._index = await asyncio.to_thread(self._build, chunks)
        self._idf = await asyncio.to_thread(_idf, chunks)
        self._chunks = chunks

    @staticmethod
    def _build(chunks: list[StoredChunk]) -> bm25s.BM25 | None:
        if not chunks:
            return None
        corpus = [f"{c.title}\n{c.text}" for c in chunks]
        index = bm25s.BM25()
        tokens = bm25s.tokenize(corpus, stopwords="en", stemmer=_STEMMER.stemWords, show_progress=False)
        index.index(tokens, show_progress=False)
        return index

    async def search(self, query: str, k: int) -> list[Passage]:
        index, chunks = self._index, self._chunks
        if index is None or not content_terms(query):
            return []
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=_STEMMER.stemWords, show_progress=False)
        if not tokens.vocab:
            return []
        results, scores = index.retrieve(tokens, k=min(k, len(chunks)), show_progress=False)
        passages: list[Passage] = []
        for doc_index, score in zip(np.asarray(results[0]), np.asarray(scores[0]), strict=True):
            if score <= 0:
                continue
            chunk = chunks[int(doc_index)]
            passages.append(
                Passage(
                    chunk_id=chunk.id,
                    title=chunk.title,
                    uri=chunk.uri,
                    text=chunk.text,
                    score=float(score),
                    relevance=coverage(query, f"{chunk.title} {chunk.text}", self._idf),
                )
            )
        return passages
