"""Slack ack latency and reply throughput: N concurrent signed events against finbot, and against a minimal
slack-bolt app (acks, posts a fixed reply) with the same load generator and fake Slack API, in the same run.

    .venv/bin/python bench/slack_ack.py [-n 200] [--database-url postgresql://...] [--backlog 1024]

Both apps listen on 127.0.0.1 with the same listen backlog and answer with one chat.postMessage (finbot with
SLACK_STREAMING=off); a reply counts when the fake answered that call. The ratio line is finbot / minimal app.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings  # noqa: E402
from bot.server import start_server  # noqa: E402
from tests.fakes import FakeSlackWebAPI  # noqa: E402
from tests.fakes.slack_signing import message_im_payload, new_ts, signed_headers  # noqa: E402

SECRET = "bench-secret"  # noqa: S105 (signs loopback requests only)


@dataclass(frozen=True)
class Result:
    name: str
    acks: list[float]
    elapsed: float
    n: int

    @property
    def p50(self) -> float:
        return statistics.median(self.acks)

    @property
    def p99(self) -> float:
        return self.acks[min(len(self.acks) - 1, int(len(self.acks) * 0.99))]

    @property
    def per_second(self) -> float:
        return self.n / self.elapsed


async def _finished(fake: FakeSlackWebAPI, method: str, n: int, within_s: float) -> None:
    """Wait until `n` calls of `method` were answered: one pass over new calls per poll (not all calls per call)."""
    deadline, seen, done, open_calls = time.monotonic() + within_s, 0, 0, []
    while done < n:
        calls = fake.requests
        open_calls.extend(c for c in calls[seen:] if c.api_method == method)
        seen = len(calls)
        still = [c for c in open_calls if c.status is None]
        done += len(open_calls) - len(still)
        open_calls = still
        if time.monotonic() > deadline:
            seen_methods = sorted({(c.api_method, c.status) for c in fake.requests})
            raise TimeoutError(f"{done}/{n} {method} answered within {within_s}s; saw {seen_methods}")
        await asyncio.sleep(0.005)


async def _load(url: str, n: int, question: str, fake: FakeSlackWebAPI, method: str) -> tuple[list[float], float]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:

        async def send(payload: dict[str, object]) -> float:
            body = json.dumps(payload)
            started = time.perf_counter()
            async with http.post(url, data=body, headers=signed_headers(body, SECRET)) as r:
                await r.read()
                assert r.status == 200, r.status
            return time.perf_counter() - started

        await send(message_im_payload("hello", user="U-warm", channel="D-warm", ts=new_ts()))
        await _finished(fake, method, 1, 10)
        fake.clear()
        payloads = [message_im_payload(question, user=f"U{i}", channel=f"D{i}", ts=new_ts()) for i in range(n)]
        started = time.perf_counter()
        acks = sorted(await asyncio.gather(*(send(p) for p in payloads)))
        await _finished(fake, method, n, max(60, n))
        return acks, time.perf_counter() - started


async def finbot(n: int, database_url: str | None, question: str, backlog: int) -> Result:
    async with FakeSlackWebAPI() as fake:
        values: dict[str, object] = {
            "FINBOT_DATA_DIR": Path(tempfile.mkdtemp(prefix="finbot-bench-")),
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_BASE_URL": fake.url + "/api/",
            "FINBOT_LISTEN_BACKLOG": backlog,  # ignored by a finbot without the setting
            "SLACK_STREAMING": "off",  # one final chat.postMessage per answer, as the minimal app posts
        }
        if database_url:
            values["DATABASE_URL"] = database_url
        server = await start_server(Settings(_env_file=None, **values), host="127.0.0.1", port=0)  # type: ignore[arg-type]
        try:
            acks, elapsed = await _load(server.url + "/slack/events", n, question, fake, "chat.postMessage")
        finally:
            await server.stop()
    return Result("finbot", acks, elapsed, n)


async def minimal_bolt(n: int, question: str, backlog: int) -> Result:
    """The floor: slack-bolt's AsyncApp that acks and posts one fixed reply per message."""
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    async with FakeSlackWebAPI() as fake:
        client = AsyncWebClient(token="xoxb-bench", base_url=fake.url + "/api/")  # noqa: S106
        app = AsyncApp(client=client, signing_secret=SECRET)

        @app.event("message")
        async def _reply(say: Callable[..., Awaitable[object]]) -> None:
            await say("A fixed reply.")

        runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=backlog)
        await site.start()
        host, port = runner.addresses[0][:2]
        try:
            acks, elapsed = await _load(f"http://{host}:{port}/slack/events", n, question, fake, "chat.postMessage")
        finally:
            await runner.cleanup()
    return Result("minimal bolt", acks, elapsed, n)


def report(results: list[Result], database: str) -> None:
    print(f"load average {os.getloadavg()[0]:.2f}; {results[0].n} concurrent signed events; database {database}")
    print(f"{'app':>14} {'ack p50':>9} {'ack p99':>9} {'ack max':>9} {'replies/s':>10}")
    for r in results:
        print(f"{r.name:>14} {r.p50 * 1000:>7.0f}ms {r.p99 * 1000:>7.0f}ms {r.acks[-1] * 1000:>7.0f}ms "
              f"{r.per_second:>10.1f}")
    if len(results) == 2:
        ours, floor = results
        print(f"{'ratio':>14} {ours.p50 / floor.p50:>8.2f}x {ours.p99 / floor.p99:>8.2f}x {'':>9} "
              f"{ours.per_second / floor.per_second:>9.2f}x")


async def run(args: argparse.Namespace) -> None:
    results = [await finbot(args.n, args.database_url, args.question, args.backlog)]
    if not args.finbot_only:
        results.append(await minimal_bolt(args.n, args.question, args.backlog))
    report(results, "postgres" if args.database_url else "sqlite")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="concurrent events (default 200)")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--question", default="hello", help="what each DM says (default: hello)")
    parser.add_argument("--backlog", type=int, default=1024, help="listen backlog of the minimal app (and finbot)")
    parser.add_argument("--finbot-only", action="store_true", help="skip the minimal slack-bolt app")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
