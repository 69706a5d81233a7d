"""The one small interface every vector backend implements, and the filter they all understand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

__all__ = ["Filter", "VectorHit", "VectorIndex", "matches"]

Filter = Mapping[str, str | Sequence[str]]
"""Metadata filter: every field must equal the value (a str) or be one of the values (a list).

e.g. {"source": "/kb/fees.md"} or {"user_id": ["slack:T1:U1", "slack:T1:U2"]}.
"""


@dataclass(frozen=True, slots=True)
class VectorHit:
    id: str
    score: float
    """Cosine similarity (vectors are unit length), higher is closer."""
    metadata: dict[str, str] = field(default_factory=dict)


class VectorIndex(Protocol):
    """Unit-length float32 vectors with string metadata, searched by cosine similarity."""

    dim: int

    async def upsert(
        self, ids: Sequence[str], vectors: np.ndarray, metadata: Sequence[Mapping[str, str]] | None = None
    ) -> None: ...

    async def query(self, vector: np.ndarray, k: int, filter: Filter | None = None) -> list[VectorHit]: ...

    async def delete(self, ids: Sequence[str] | None = None, *, filter: Filter | None = None) -> None:
        """Remove the given ids, or everything matching `filter` (one of the two)."""
        ...

    async def count(self) -> int: ...

    async def close(self) -> None: ...


def matches(metadata: Mapping[str, str], filter: Filter | None) -> bool:
    """Whether one vector's metadata passes the filter (the reference semantics for every backend)."""
    if not filter:
        return True
    for key, wanted in filter.items():
        value = metadata.get(key)
        if isinstance(wanted, str):
            if value != wanted:
                return False
        elif value not in wanted:
            return False
    return True


def as_matrix(vectors: np.ndarray | Sequence[Sequence[float]], dim: int) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    if matrix.shape[1] != dim:
        raise ValueError(f"vectors have {matrix.shape[1]} dimensions, the index {dim}")
    return matrix
