"""Each text is embedded once: a question shared by router, retrieval and memory; context sentences across turns."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import numpy as np

from core.grounding import GroundingChecker
from core.retrieval.query_cache import QueryCache


class CountingEmbedder:
    model_id, dim = "counting", 8

    def __init__(self) -> None:
        self.texts: list[str] = []

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        rows = [np.random.default_rng(abs(hash(t)) % 2**32).normal(size=self.dim) for t in texts]
        matrix = np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)
        return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        await asyncio.sleep(0.01)  # a model call takes a while: concurrent asks overlap
        return self._vectors(texts)

    def embed_sync(self, texts: Sequence[str]) -> np.ndarray:
        return self._vectors(texts)


async def test_concurrent_and_later_asks_for_one_question_embed_it_once() -> None:
    inner = CountingEmbedder()
    cache = QueryCache(inner)
    first, second = await asyncio.gather(cache.embed(["What is a wire?"]), cache.embed(["What is a wire?"]))
    third = await cache.embed(["What is a wire?"])
    assert inner.texts == ["What is a wire?"]
    assert np.array_equal(first, second) and np.array_equal(first, third)
    await cache.embed(["chunk one", "chunk two"])  # batches (indexing) pass through, uncached
    await cache.embed(["chunk one", "chunk two"])
    assert inner.texts.count("chunk one") == 2


async def test_grounding_embeds_the_context_sentences_once_then_only_claims() -> None:
    inner = CountingEmbedder()
    checker = GroundingChecker.with_embedder(inner)
    context = ["Outgoing domestic wires cost twenty five dollars. Incoming wires are free of charge."]
    await checker.check("Domestic transfers are priced at a fee.", context)
    embedded = len(inner.texts)
    await checker.check("Receiving money by wire has no charge.", context)
    assert embedded >= 3  # the claim and both context sentences
    assert inner.texts[embedded:] == ["Receiving money by wire has no charge."]
