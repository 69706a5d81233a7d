"""Parsing ticks from the outside world (HTTP bodies, Kafka messages): strict, or a TickError."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any

from core.errors import FinbotError
from core.market.feed import Tick

__all__ = ["TickError", "parse_tick", "parse_ticks"]

SYMBOL = re.compile(r"^[A-Z][A-Z0-9.\-]{0,14}$")
MAX_TICKS = 5000


class TickError(FinbotError):
    """A tick payload is malformed (carries the reason, safe to show to the producer)."""


def parse_tick(item: Any, *, now: datetime | None = None) -> Tick:
    """{"symbol": "AAPL", "price": 187.12, "ts": "2025-07-01T14:30:00Z" (optional, default now)}."""
    if not isinstance(item, dict):
        raise TickError("a tick must be an object")
    symbol = item.get("symbol")
    if not isinstance(symbol, str) or not SYMBOL.match(symbol.strip().upper()):
        raise TickError("'symbol' must be a ticker such as AAPL")
    price = item.get("price")
    if isinstance(price, bool) or not isinstance(price, int | float) or not math.isfinite(price) or price <= 0:
        raise TickError("'price' must be a positive number")
    return Tick(symbol=symbol.strip().upper(), price=float(price), ts=_timestamp(item.get("ts"), now))


def parse_ticks(payload: Any, *, now: datetime | None = None) -> list[Tick]:
    """A tick object, a list of them, or {"ticks": [...]}; bytes/str are decoded as JSON first."""
    if isinstance(payload, bytes | str):
        try:
            payload = json.loads(payload)
        except ValueError:
            raise TickError("not JSON") from None
    if isinstance(payload, dict) and "ticks" in payload:
        payload = payload["ticks"]
    items = payload if isinstance(payload, list) else [payload]
    if not items:
        raise TickError("no ticks")
    if len(items) > MAX_TICKS:
        raise TickError(f"at most {MAX_TICKS} ticks per request")
    return [parse_tick(item, now=now) for item in items]


def _timestamp(value: Any, now: datetime | None) -> datetime:
    if value is None:
        return now or datetime.now(UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds or seconds
        return datetime.fromtimestamp(seconds, UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise TickError("'ts' must be ISO 8601 or epoch seconds") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise TickError("'ts' must be ISO 8601 or epoch seconds")
