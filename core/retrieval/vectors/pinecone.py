"""Pinecone (serverless or pod) through the official SDK's data plane: for scaled-out deployments."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from core.errors import RetrievalError
from core.retrieval.vectors.base import Filter, VectorHit, as_matrix

__all__ = ["PineconeVectorIndex", "pinecone_filter"]

_BATCH = 100


def pinecone_filter(filter: Filter | None) -> dict[str, Any] | None:
    """finbot's filter in Pinecone's metadata filter language ($eq / $in)."""
    if not filter:
        return None
    return {key: {"$eq": value} if isinstance(value, str) else {"$in": list(value)} for key, value in filter.items()}


class PineconeVectorIndex:
    """`host` is the index's data-plane URL (https://...pinecone.io, or http://127.0.0.1:PORT in tests);
    without it the SDK looks the index up by `name`."""

    def __init__(
        self, *, api_key: str, host: str = "", name: str = "", dim: int, namespace: str = "", timeout_s: float = 10.0
    ) -> None:
        from pinecone import Pinecone

        self.dim = dim
        self._namespace = namespace
        self._timeout = timeout_s
        self._index = Pinecone(api_key=api_key).Index(name=name, host=host)

    async def _call(self, method: str, **kwargs: Any) -> Any:
        try:
            return await asyncio.to_thread(getattr(self._index, method), timeout=self._timeout, **kwargs)
        except Exception as exc:  # the SDK raises many types; all mean "the vector service failed"
            raise RetrievalError(f"pinecone {method} failed ({exc.__class__.__name__})") from exc

    async def upsert(
        self, ids: Sequence[str], vectors: np.ndarray, metadata: Sequence[Mapping[str, str]] | None = None
    ) -> None:
        matrix = as_matrix(vectors, self.dim)
        metas = list(metadata) if metadata is not None else [{} for _ in ids]
        items = [{"id": id_, "values": matrix[i].tolist(), "metadata": dict(metas[i])} for i, id_ in enumerate(ids)]
        for start in range(0, len(items), _BATCH):
            await self._call("upsert", vectors=items[start : start + _BATCH], namespace=self._namespace)

    async def query(self, vector: np.ndarray, k: int, filter: Filter | None = None) -> list[VectorHit]:
        if k <= 0:
            return []
        response = await self._call(
            "query",
            vector=np.asarray(vector, dtype=np.float32).reshape(-1).tolist(),
            top_k=k,
            filter=pinecone_filter(filter),
            include_metadata=True,
            namespace=self._namespace,
        )
        return [
            VectorHit(m.id, float(m.score), {k_: str(v) for k_, v in (m.metadata or {}).items()})
            for m in response.matches
        ]

    async def delete(self, ids: Sequence[str] | None = None, *, filter: Filter | None = None) -> None:
        if ids is not None:
            ids = list(ids)
            for start in range(0, len(ids), 1000):
                await self._call("delete", ids=ids[start : start + 1000], namespace=self._namespace)
        elif filter:
            await self._call("delete", filter=pinecone_filter(filter), namespace=self._namespace)
        else:
            raise ValueError("delete needs ids or a filter")

    async def count(self) -> int:
        stats = await self._call("describe_index_stats")
        namespaces = stats.namespaces or {}
        key = self._namespace or "__default__"
        summary = namespaces.get(key) or namespaces.get(self._namespace)
        if summary is not None:
            return int(summary.vector_count)
        return 0 if namespaces else int(stats.total_vector_count or 0)

    async def close(self) -> None:
        closer = getattr(self._index, "close", None)
        if closer is not None:
            await asyncio.to_thread(closer)
