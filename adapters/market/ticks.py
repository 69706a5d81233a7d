"""POST /market/ticks: a producer pushes price ticks; finbot applies them to its market store.

Body: a tick `{"symbol": "AAPL", "price": 187.12, "ts": "2026-11-24T15:30:00Z"}`, a list of them, or
`{"ticks": [...]}` (`ts` optional: now). Auth: `Authorization: Bearer <FINBOT_MARKET_TOKEN>` (compared in
constant time). 200 {"applied": n, "received": n}; 401 without the right token; 400 when malformed.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

from core.market import Tick, TickError, parse_ticks

__all__ = ["MAX_BODY", "register"]

log = logging.getLogger(__name__)

MAX_BODY = 512 * 1024
TickSink = Callable[[Sequence[Tick]], Awaitable[int]]
SINK_KEY = web.AppKey("market_tick_sink", object)
TOKEN_KEY = web.AppKey("market_tick_token", bytes)


def register(app: web.Application, sink: TickSink, *, token: str) -> None:
    if not token:
        raise ValueError("POST /market/ticks needs a token")
    app[SINK_KEY] = sink
    app[TOKEN_KEY] = token.encode()
    app.router.add_post("/market/ticks", post_ticks)


def _authorised(request: web.Request) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, supplied = header.partition(" ")
    if scheme.lower() != "bearer" or not supplied:
        return False
    return hmac.compare_digest(supplied.strip().encode(), request.app[TOKEN_KEY])


async def post_ticks(request: web.Request) -> web.Response:
    if not _authorised(request):
        return web.json_response(
            {"error": "unauthorized"}, status=401, headers={"WWW-Authenticate": 'Bearer realm="finbot-market"'}
        )
    if request.content_length is not None and request.content_length > MAX_BODY:
        return web.json_response({"error": "body too large"}, status=413)
    body = await request.read()
    try:
        ticks = parse_ticks(body)
    except TickError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    sink: TickSink = request.app[SINK_KEY]  # type: ignore[assignment]
    applied = await sink(ticks)
    log.info("applied %d of %d market ticks over HTTP", applied, len(ticks))
    return web.json_response({"applied": applied, "received": len(ticks)})
