"""Vector backends behind one small interface: local numpy (default), Pinecone, pgvector."""

from __future__ import annotations

from pathlib import Path

from core.errors import ConfigurationError
from core.retrieval.vectors.base import Filter, VectorHit, VectorIndex, matches
from core.retrieval.vectors.local import LocalVectorIndex

__all__ = ["VECTOR_BACKENDS", "Filter", "LocalVectorIndex", "VectorHit", "VectorIndex", "make_vector_index", "matches"]

VECTOR_BACKENDS = ("local", "pinecone", "pgvector")


def make_vector_index(
    name: str,
    *,
    dim: int,
    path: Path | None = None,
    pinecone_api_key: str | None = None,
    pinecone_host: str | None = None,
    pinecone_index: str | None = None,
    pinecone_namespace: str = "",
    pg_conninfo: str | None = None,
    pg_table: str = "finbot_vectors",
) -> VectorIndex:
    """The backend named by FINBOT_VECTOR_BACKEND; unknown names raise ConfigurationError listing valid ones."""
    if name == "local":
        return LocalVectorIndex(dim, path)
    if name == "pinecone":
        if not pinecone_api_key or not (pinecone_host or pinecone_index):
            raise ConfigurationError(
                "FINBOT_VECTOR_BACKEND", "pinecone needs PINECONE_API_KEY and PINECONE_HOST (or PINECONE_INDEX)"
            )
        from core.retrieval.vectors.pinecone import PineconeVectorIndex

        return PineconeVectorIndex(
            api_key=pinecone_api_key,
            host=pinecone_host or "",
            name=pinecone_index or "",
            dim=dim,
            namespace=pinecone_namespace,
        )
    if name == "pgvector":
        if not pg_conninfo:
            raise ConfigurationError(
                "FINBOT_VECTOR_BACKEND", "pgvector needs FINBOT_PGVECTOR_URL or a PostgreSQL DATABASE_URL"
            )
        from core.retrieval.vectors.pgvector import PgVectorIndex

        return PgVectorIndex(conninfo=pg_conninfo, dim=dim, table=pg_table)
    raise ConfigurationError(
        "FINBOT_VECTOR_BACKEND", f"unknown vector backend {name!r}; valid: {', '.join(VECTOR_BACKENDS)}"
    )
