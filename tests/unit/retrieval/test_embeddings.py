"""Embeddings: the shipped MiniLM (offline) and OpenAI's through the fake server; the factory."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from core.errors import ConfigurationError, RetrievalError
from core.retrieval.embeddings import MODELS_DIR, TOKENIZER_SHA256, MiniLmEmbedder, _sha256, make_embedder
from tests.fakes import FakeOpenAI


async def test_minilm_paraphrases_are_closer_than_unrelated_text() -> None:
    embedder = make_embedder("local")
    vectors = await embedder.embed(
        [
            "How do I roll over my 401k into an IRA?",
            "Moving retirement plan savings from an old employer to an individual retirement account",
            "The cat sat on the mat in the sun.",
        ]
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    paraphrase, unrelated = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    assert paraphrase > 0.4 and unrelated < 0.15 and paraphrase - unrelated > 0.3


async def test_batches_do_not_change_vectors() -> None:
    texts = ["short", "a somewhat longer sentence about advisory fees and their tiers", "wire cut-off time"]
    alone = np.stack([MiniLmEmbedder(batch_size=1).embed_sync([t])[0] for t in texts])
    together = MiniLmEmbedder(batch_size=8).embed_sync(texts)
    assert np.allclose(alone, together, atol=1e-4)


def test_shipped_tokenizer_is_the_models_own() -> None:
    assert _sha256(MODELS_DIR / "tokenizer.json") == TOKENIZER_SHA256
    assert (MODELS_DIR / "NOTICE.md").exists()


def test_a_model_file_that_fails_its_checksum_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")
    monkeypatch.setattr("core.retrieval.embeddings._installed_model", lambda: fake)
    with pytest.raises(RetrievalError, match="sha256"):
        MiniLmEmbedder().embed_sync(["x"])


def test_unknown_embeddings_list_the_valid_ones() -> None:
    with pytest.raises(ConfigurationError, match="local, openai"):
        make_embedder("word2vec")
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        make_embedder("openai")


async def test_openai_embeddings_through_the_fake_server() -> None:
    async with FakeOpenAI(embedding_dim=64) as fake:
        embedder = make_embedder(
            "openai", api_key="test-key", base_url=fake.url + "/v1", model="text-embedding-3-small", dim=64
        )
        vectors = await embedder.embed(["advisory fees", "wire cut-off"])
        again = await asyncio.to_thread(embedder.embed_sync, ["advisory fees"])
        request = fake.embedding_requests()[0]
    assert vectors.shape == (2, 64)
    assert np.allclose(vectors[0], np.asarray(fake.embed("advisory fees", 64)), atol=1e-5)
    assert np.allclose(again[0], vectors[0], atol=1e-6)
    assert request.body["model"] == "text-embedding-3-small" and request.inputs == ["advisory fees", "wire cut-off"]
    assert request.headers["authorization"] == "Bearer test-key"
