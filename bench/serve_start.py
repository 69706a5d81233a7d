"""`finbot serve`: time to listen, time to ready, and memory after 100 turns, beside a bare aiohttp server.

    .venv/bin/python bench/serve_start.py [--passages 57000] [--turns 100]

Runs `python -m bot.cli serve` as a subprocess three ways: a first start (empty data directory: the sample
knowledge base is indexed), a restart of that directory, and a restart of a directory holding `--passages`
chunks (the sample knowledge base plus synthetic passages from bench/make_corpus.py's generator, with seeded
random vectors standing in for embeddings: embedding 57k passages on 2 shared cores would take most of an hour;
it is loading them being measured). For each: seconds until /healthz answers (listening), until /readyz is 200
(index and model loaded), RSS then, and RSS after `--turns` questions over the web chat (offline answers).
Baseline in the same run: a bare aiohttp application with one /healthz route (`python -c`), measured the same
way. The big directory is built once into .bench-cache/ (a few minutes) and reused.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
from pathlib import Path

import aiohttp
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIQA = ROOT / "tests" / "fixtures" / "fiqa_small" / "corpus.jsonl"
QUESTIONS = (
    "How much does a domestic wire cost?",
    "What are the trading hours?",
    "hello",
    "What is the capital of Mongolia?",
    "How do I reset my password?",
)
BARE = """
import asyncio, sys
from aiohttp import web
async def ok(request): return web.json_response({"status": "ok"})
async def main():
    app = web.Application(); app.router.add_get("/healthz", ok); app.router.add_get("/readyz", ok)
    runner = web.AppRunner(app, access_log=None); await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0); await site.start()
    print(f"open http://127.0.0.1:{runner.addresses[0][1]}/ ", flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _status(http: aiohttp.ClientSession, url: str) -> int:
    try:
        async with http.get(url) as response:
            return response.status
    except aiohttp.ClientError:
        return 0


async def _poll(http: aiohttp.ClientSession, url: str, timeout_s: float = 120) -> None:
    """Until the URL answers 200, every 10 ms."""
    for _ in range(int(timeout_s * 100)):
        if await _status(http, url) == 200:
            return
        await asyncio.sleep(0.01)
    raise RuntimeError(f"{url} did not answer 200")


async def measure(command: list[str], data_dir: Path | None, turns: int) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINBOT_", "DATABASE_URL", "KAFKA_", "SLACK_"))}
    env.update({"PORT": "0", "FINBOT_JOBS": "false"})
    if data_dir is not None:
        env["FINBOT_DATA_DIR"] = str(data_dir)
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    assert process.stdout is not None
    out: dict[str, float] = {}
    try:
        while not (found := re.search(rb"open (http://\S+)/ ", line := await process.stdout.readline())):
            if not line:
                raise RuntimeError("the server ended before listening")
        url = found.group(1).decode()
        async with aiohttp.ClientSession() as http:
            await _poll(http, url + "/healthz")
            out["listen_s"] = time.perf_counter() - started
            await _poll(http, url + "/readyz")
            out["ready_s"] = time.perf_counter() - started
            out["ready_mb"] = _rss_mb(process.pid)
            if turns and data_dir is not None:
                async with http.ws_connect(url + "/ws/chat?user=bench&session=s1") as ws:
                    for n in range(turns):
                        await ws.send_json({"type": "message", "text": QUESTIONS[n % len(QUESTIONS)]})
                        while (await ws.receive_json())["type"] not in ("final", "error"):
                            pass
                out["turns_mb"] = _rss_mb(process.pid)
    finally:
        process.terminate()
        await process.wait()
    return out


async def prepare(n: int, data_dir: Path) -> None:
    """A data directory whose knowledge base is the sample plus synthetic passages up to n chunks, indexed."""
    import json
    import tempfile

    from bench.make_corpus import make
    from bot.config import Settings
    from bot.container import SAMPLE_KNOWLEDGE, Container
    from core.retrieval import DocumentStore, Ingestor, make_embedder
    from core.retrieval.chunking import TextChunk
    from core.retrieval.retriever import EmbeddingCache, chunk_hash
    from core.store import Database

    settings = Settings(_env_file=None, FINBOT_DATA_DIR=data_dir, FINBOT_JOBS="false")  # type: ignore[call-arg]
    db = Database(settings.resolved_database_url)
    await db.upgrade_schema()
    documents = DocumentStore(db)
    await Ingestor(documents).ingest_path(SAMPLE_KNOWLEDGE)
    have = len(await documents.all_chunks())
    with tempfile.TemporaryDirectory() as tmp:
        make(n - have, Path(tmp), fiqa=FIQA, queries=1)
        texts = [json.loads(line)["text"] for line in (Path(tmp) / "corpus.jsonl").read_text().splitlines()]
    per_doc = 100
    for start in range(0, len(texts), per_doc):
        part = [TextChunk(title=f"Synthetic {start // per_doc}", text=t) for t in texts[start : start + per_doc]]
        name = f"synthetic/{start // per_doc}.md"
        await documents.replace(source=name, uri=name, title=part[0].title, digest=str(start), chunks=part)
    embedder = make_embedder("local")
    cache = EmbeddingCache(data_dir / "index" / "embeddings", embedder.model_id, embedder.dim)
    rng = np.random.default_rng(0)
    for chunk in await documents.all_chunks():
        if chunk.source.startswith("synthetic/"):
            vector = rng.standard_normal(embedder.dim).astype(np.float32)
            cache.put(chunk_hash(chunk), vector / np.linalg.norm(vector))
    cache.save()
    await db.dispose()
    container = await Container.open(settings, surfaces=())  # builds the index (sample chunks: shipped vectors)
    await container.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=57000)
    parser.add_argument("--turns", type=int, default=100)
    args = parser.parse_args()
    import tempfile

    big = ROOT / ".bench-cache" / f"serve-{args.passages}"
    if not (big / "index").exists():
        print(f"building {big} (once)...", flush=True)
        asyncio.run(prepare(args.passages, big))
    serve = [sys.executable, "-m", "bot.cli", "serve"]
    fresh = Path(tempfile.mkdtemp(prefix="finbot-serve-bench-"))
    rows = [
        ("bare aiohttp", asyncio.run(measure([sys.executable, "-c", BARE], None, 0))),
        ("finbot first start", asyncio.run(measure(serve, fresh, 0))),
        ("finbot restart", asyncio.run(measure(serve, fresh, args.turns))),
        (f"finbot restart {args.passages // 1000}k", asyncio.run(measure(serve, big, args.turns))),
    ]
    base = rows[0][1]
    print(f"\n{'':24}{'listen s':>9}{'x bare':>8}{'ready s':>9}{'RSS ready MB':>14}{'x bare':>8}"
          f"{f'RSS {args.turns} turns MB':>20}")
    for name, r in rows:
        turns = f"{r['turns_mb']:.0f}" if "turns_mb" in r else "-"
        print(f"{name:24}{r['listen_s']:>9.2f}{r['listen_s'] / base['listen_s']:>8.1f}{r['ready_s']:>9.2f}"
              f"{r['ready_mb']:>14.0f}{r['ready_mb'] / base['ready_mb']:>8.1f}{turns:>20}")


if __name__ == "__main__":
    main()
