"""Slack ack latency and reply throughput: N concurrent signed events against a running finbot.

    .venv/bin/python bench/slack_ack.py [-n 500] [--database-url postgresql://...]

Starts finbot (offline answers) and a fake Slack Web API on 127.0.0.1, posts N distinct DMs at once to
/slack/events, and prints ack latency p50/p99/max and answered replies per second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings  # noqa: E402
from bot.server import start_server  # noqa: E402
from tests.fakes import FakeSlackWebAPI  # noqa: E402
from tests.fakes.slack_signing import message_im_payload, new_ts, signed_headers  # noqa: E402

SECRET = "bench-secret"  # noqa: S105 (signs loopback requests only)


async def run(n: int, database_url: str | None, question: str) -> None:
    async with FakeSlackWebAPI() as fake:
        values: dict[str, object] = {
            "FINBOT_DATA_DIR": Path(tempfile.mkdtemp(prefix="finbot-bench-")),
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_BASE_URL": fake.url + "/api/",
        }
        if database_url:
            values["DATABASE_URL"] = database_url
        server = await start_server(Settings(_env_file=None, **values), host="127.0.0.1", port=0)  # type: ignore[arg-type]
        try:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:

                async def send(payload: dict[str, object]) -> float:
                    body = json.dumps(payload)
                    started = time.perf_counter()
                    async with http.post(
                        server.url + "/slack/events", data=body, headers=signed_headers(body, SECRET)
                    ) as r:
                        await r.read()
                        assert r.status == 200, r.status
                    return time.perf_counter() - started

                await send(message_im_payload("hello", user="U-warm", channel="D-warm", ts=new_ts()))
                await fake.wait_for(lambda c: c.api_method == "chat.stopStream" and c.status is not None, timeout=30)
                fake.clear()
                payloads = [message_im_payload(question, user=f"U{i}", channel=f"D{i}", ts=new_ts()) for i in range(n)]
                started = time.perf_counter()
                acks = sorted(await asyncio.gather(*(send(p) for p in payloads)))
                done = lambda: len([c for c in fake.calls("chat.stopStream") if c.status is not None])  # noqa: E731
                await fake.wait_for(lambda c: done() >= n, timeout=max(60, n))
                elapsed = time.perf_counter() - started
        finally:
            await server.stop()
    p99 = acks[min(len(acks) - 1, int(len(acks) * 0.99))]
    print(f"{'events':>8} {'ack p50':>9} {'ack p99':>9} {'ack max':>9} {'replies/s':>10} {'database':>10}")
    print(
        f"{n:>8} {statistics.median(acks) * 1000:>7.0f}ms {p99 * 1000:>7.0f}ms {acks[-1] * 1000:>7.0f}ms "
        f"{n / elapsed:>10.1f} {'postgres' if database_url else 'sqlite':>10}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="concurrent events (default 200)")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--question", default="hello", help="what each DM says (default: hello)")
    args = parser.parse_args()
    asyncio.run(run(args.n, args.database_url, args.question))


if __name__ == "__main__":
    main()
