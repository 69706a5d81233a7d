"""pgvector: vectors in the firm's own PostgreSQL (the `vector` extension), cosine distance."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from core.errors import RetrievalError
from core.retrieval.vectors.base import Filter, VectorHit, as_matrix

__all__ = ["PgVectorIndex"]

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(vector, dtype=np.float32).reshape(-1)) + "]"


def _where(filter: Filter | None) -> tuple[str, list[Any]]:
    if not filter:
        return "", []
    clauses, params = [], []
    for key, value in filter.items():
        if isinstance(value, str):
            clauses.append("metadata ->> %s = %s")
            params += [key, value]
        else:
            clauses.append("metadata ->> %s = ANY(%s)")
            params += [key, list(value)]  # type: ignore[list-item]  # psycopg adapts a list to an array
    return " WHERE " + " AND ".join(clauses), params


class PgVectorIndex:
    """One table `name` (id, embedding vector(dim), metadata jsonb) with an HNSW cosine index."""

    def __init__(self, *, conninfo: str, dim: int, table: str = "finbot_vectors") -> None:
        if not _NAME.match(table):
            raise ValueError(f"bad table name {table!r}")
        self.dim = dim
        self._conninfo = conninfo
        self._table = table
        self._conn: Any = None

    async def _connection(self) -> Any:
        if self._conn is None or self._conn.closed:
            import psycopg

            try:
                conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
                await conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
                t = self._table
                await conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {t} (id text PRIMARY KEY, "  # noqa: S608 - name checked
                    f"embedding vector({int(self.dim)}) NOT NULL, metadata jsonb NOT NULL DEFAULT '{{}}')"
                )
                await conn.execute(
                    f"CREATE INDEX IF NOT EXISTS {t}_hnsw ON {t} USING hnsw (embedding vector_cosine_ops)"
                )
                await conn.execute("SET hnsw.iterative_scan = relaxed_order")
            except psycopg.Error as exc:
                raise RetrievalError(f"pgvector unavailable ({exc.__class__.__name__})") from exc
            self._conn = conn
        return self._conn

    async def upsert(
        self, ids: Sequence[str], vectors: np.ndarray, metadata: Sequence[Mapping[str, str]] | None = None
    ) -> None:
        matrix = as_matrix(vectors, self.dim)
        metas = list(metadata) if metadata is not None else [{} for _ in ids]
        rows = [(id_, _literal(matrix[i]), json.dumps(dict(metas[i]))) for i, id_ in enumerate(ids)]
        conn = await self._connection()
        async with conn.cursor() as cur:
            await cur.executemany(
                f"INSERT INTO {self._table} (id, embedding, metadata) VALUES (%s, %s::vector, %s::jsonb) "  # noqa: S608
                "ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding, metadata = EXCLUDED.metadata",
                rows,
            )

    async def query(self, vector: np.ndarray, k: int, filter: Filter | None = None) -> list[VectorHit]:
        if k <= 0:
            return []
        where, params = _where(filter)
        literal = _literal(vector)
        conn = await self._connection()
        cur = await conn.execute(
            f"SELECT id, 1 - (embedding <=> %s::vector) AS score, metadata FROM {self._table}{where} "  # noqa: S608
            "ORDER BY embedding <=> %s::vector LIMIT %s",
            [literal, *params, literal, int(k)],
        )
        return [
            VectorHit(id_, float(score), {a: str(b) for a, b in meta.items()})
            for id_, score, meta in await cur.fetchall()
        ]

    async def delete(self, ids: Sequence[str] | None = None, *, filter: Filter | None = None) -> None:
        conn = await self._connection()
        if ids is not None:
            await conn.execute(f"DELETE FROM {self._table} WHERE id = ANY(%s)", [list(ids)])  # noqa: S608
        elif filter:
            where, params = _where(filter)
            await conn.execute(f"DELETE FROM {self._table}{where}", params)  # noqa: S608
        else:
            raise ValueError("delete needs ids or a filter")

    async def count(self) -> int:
        conn = await self._connection()
        cur = await conn.execute(f"SELECT count(*) FROM {self._table}")  # noqa: S608
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
