"""One contract, every vector backend: local numpy, Pinecone (stub over HTTP), pgvector (real PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from core.errors import ConfigurationError
from core.retrieval.vectors import LocalVectorIndex, VectorIndex, make_vector_index
from tests.fakes.pinecone_stub import PineconeStub

DIM = 8


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


@pytest.fixture(params=["local", "pinecone", "pgvector"])
async def index(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[VectorIndex]:
    if request.param == "local":
        backend = make_vector_index("local", dim=DIM, path=tmp_path / "vectors")
        yield backend
        return
    if request.param == "pinecone":
        async with PineconeStub(dimension=DIM) as stub:
            backend = make_vector_index("pinecone", dim=DIM, pinecone_api_key="test-key", pinecone_host=stub.url)
            yield backend
            await backend.close()
            assert stub.find(lambda r: r.route == "upsert")[0].headers.get("api-key") == "test-key"
        return
    url = request.getfixturevalue("postgres_url")
    backend = make_vector_index("pgvector", dim=DIM, pg_conninfo=url, pg_table="contract_vectors")
    yield backend
    await backend.close()


async def test_upsert_query_filter_delete_count(index: VectorIndex) -> None:
    ids = [f"c{i}" for i in range(6)]
    vectors = np.stack([_unit(i) for i in range(6)])
    meta = [{"source": "a.md" if i < 3 else "b.md", "user_id": f"u{i % 2}"} for i in range(6)]
    await index.upsert(ids, vectors, meta)
    assert await index.count() == 6

    hits = await index.query(vectors[4], 3)
    assert hits[0].id == "c4"
    assert hits[0].score == pytest.approx(1.0, abs=1e-4)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].metadata["source"] == "b.md"

    only_a = await index.query(vectors[4], 6, filter={"source": "a.md"})
    assert {h.id for h in only_a} == {"c0", "c1", "c2"}
    both = await index.query(vectors[0], 6, filter={"source": "a.md", "user_id": "u1"})
    assert [h.id for h in both] == ["c1"]
    any_of = await index.query(vectors[0], 6, filter={"user_id": ["u0", "nobody"]})
    assert {h.id for h in any_of} == {"c0", "c2", "c4"}

    # Upserting an existing id replaces its vector and metadata.
    await index.upsert(["c0"], vectors[5:6], [{"source": "b.md", "user_id": "u9"}])
    assert await index.count() == 6
    assert {h.id for h in await index.query(vectors[5], 2)} == {"c0", "c5"}

    await index.delete(["c1", "missing"])
    assert await index.count() == 5
    await index.delete(filter={"source": "b.md"})
    assert await index.count() == 1
    assert [h.id for h in await index.query(vectors[2], 10)] == ["c2"]


async def test_local_index_survives_restart_memory_mapped(tmp_path: Path) -> None:
    index = LocalVectorIndex(DIM, tmp_path / "v")
    await index.upsert(["x", "y"], np.stack([_unit(1), _unit(2)]), [{"source": "s"}, {"source": "t"}])
    again = LocalVectorIndex(DIM, tmp_path / "v")
    assert await again.count() == 2
    assert isinstance(again._rows.matrix, np.memmap)
    assert (await again.query(_unit(2), 1))[0].id == "y"


def test_unknown_backend_lists_valid_ones() -> None:
    with pytest.raises(ConfigurationError, match="local, pinecone, pgvector"):
        make_vector_index("faiss", dim=DIM)
