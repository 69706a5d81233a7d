"""Embed the sample knowledge base once and ship the vectors (by chunk content hash) beside it.

    .venv/bin/python bench/make_sample_vectors.py

Run it after editing examples/knowledge/: a first `finbot serve` then embeds nothing.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from bot.config import Settings
from bot.container import SAMPLE_KNOWLEDGE, SAMPLE_VECTORS, Container


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, FINBOT_DATA_DIR=Path(tmp))  # type: ignore[call-arg]
        container = await Container.open(settings)
        try:
            started = time.perf_counter()
            await container.ingestor.ingest_path(SAMPLE_KNOWLEDGE)
            await container.retriever.refresh()
            info = container.retriever.last_refresh
            container.retriever.cache.save_to(SAMPLE_VECTORS)
            print(f"{info['chunks']} chunks, {info['embedded']} embedded in {time.perf_counter() - started:.1f}s")
            print(f"wrote {SAMPLE_VECTORS}")
        finally:
            await container.close()


if __name__ == "__main__":
    asyncio.run(main())
