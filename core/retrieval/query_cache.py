"""Each question is embedded once: the router (OfflineClassifier.nearest), retrieval and memory all ask for
the same one-text batch in one turn; the first call embeds it, the others reuse the vector.

Only one-text batches are kept (queries); batches (indexing, grounding) pass straight through. Concurrent asks
for the same text share one call.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from core.retrieval.embeddings import Embedder

__all__ = ["QueryCache"]


class QueryCache:
    """An Embedder in front of another that embeds a one-text batch once (an LRU of `size` texts)."""

    def __init__(self, inner: Embedder, *, size: int = 256) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._pending: dict[str, asyncio.Future[np.ndarray]] = {}

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) != 1:
            return await self.inner.embed(texts)
        text = texts[0]
        if (vector := self._vectors.get(text)) is not None:
            self._vectors.move_to_end(text)
            return vector.copy()
        if (pending := self._pending.get(text)) is not None:
            return (await asyncio.shield(pending)).copy()
        future: asyncio.Future[np.ndarray] = asyncio.get_running_loop().create_future()
        self._pending[text] = future
        try:
            vector = await self.inner.embed([text])
            future.set_result(vector)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: an error nobody else waited for is not logged as unhandled
            raise
        finally:
            del self._pending[text]
        self._vectors[text] = vector
        if len(self._vectors) > self._size:
            self._vectors.popitem(last=False)
        return vector.copy()

    def embed_sync(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_sync(texts)
