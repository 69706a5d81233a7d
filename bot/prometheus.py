"""Prometheus metrics: a TurnObserver that moves counters and histograms, and the GET /metrics handler.

Each server builds its own CollectorRegistry (not prometheus_client's global one), so several finbot
servers in one process (tests) never collide on metric names.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from core.metrics.observer import TurnObserver
from core.store.metrics import TurnRecord

__all__ = ["PrometheusMetrics", "register"]

LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0, 60.0)
TTFT_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


class PrometheusMetrics(TurnObserver):
    """finbot_* metrics on a registry of its own."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self.turns = Counter("finbot_turns", "Answered turns", ["platform", "strategy"], registry=r)
        self.latency = Histogram(
            "finbot_turn_latency_seconds", "Time to the final reply", ["platform"], buckets=LATENCY_BUCKETS, registry=r
        )
        self.ttft = Histogram(
            "finbot_time_to_first_token_seconds", "Time to the first streamed text", buckets=TTFT_BUCKETS, registry=r
        )
        self.escalations = Counter("finbot_escalations", "Turns handed to a human advisor", ["platform"], registry=r)
        self.fallbacks = Counter(
            "finbot_fallbacks", "Turns answered after an earlier step of the fallback chain failed", ["strategy"],
            registry=r,
        )
        self.low_confidence = Counter("finbot_low_confidence", "Answers sent with the 'not sure' note", registry=r)
        self.guard_blocked = Counter(
            "finbot_guard_blocked", "Answers the answer guard blocked (handed to an advisor)", registry=r
        )
        self.errors = Counter("finbot_errors", "Errors by kind", ["kind"], registry=r)
        self.tokens = Counter("finbot_llm_tokens", "Language-model tokens", ["direction"], registry=r)
        self.cost = Counter("finbot_llm_cost_usd", "Language-model cost in USD (price table)", registry=r)
        self.feedback = Counter("finbot_feedback", "Thumbs up/down", ["value"], registry=r)
        self.pii = Counter("finbot_pii_redacted", "Personal data values kept from the language model", ["kind"],
                           registry=r)

    def on_turn(self, record: TurnRecord, *, failures: Sequence[str]) -> None:
        self.turns.labels(record.platform, record.strategy or "-").inc()
        self.latency.labels(record.platform).observe(record.latency_ms / 1000)
        if record.ttft_ms is not None:
            self.ttft.observe(record.ttft_ms / 1000)
        if record.escalated:
            self.escalations.labels(record.platform).inc()
        if failures:
            self.fallbacks.labels(record.strategy or "-").inc()
        if record.low_confidence:
            self.low_confidence.inc()
        if record.guard_blocked:
            self.guard_blocked.inc()
        self.tokens.labels("input").inc(record.tokens_in)
        self.tokens.labels("output").inc(record.tokens_out)
        self.cost.inc(record.cost_usd)
        for kind, count in record.pii.items():
            self.pii.labels(kind).inc(count)

    def on_error(self, kind: str) -> None:
        self.errors.labels(kind).inc()

    def on_feedback(self, value: int) -> None:
        self.feedback.labels("up" if value > 0 else "down").inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


PROMETHEUS_KEY = web.AppKey("prometheus", PrometheusMetrics)
TOKEN_KEY = web.AppKey("metrics_token", str)


def register(app: web.Application, metrics: PrometheusMetrics, *, token: str | None = None) -> None:
    """Mount GET /metrics; with `token`, scrapes must send `Authorization: Bearer <token>`."""
    app[PROMETHEUS_KEY] = metrics
    app[TOKEN_KEY] = token or ""
    app.router.add_get("/metrics", _scrape)


async def _scrape(request: web.Request) -> web.Response:
    token = request.app[TOKEN_KEY]
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent.encode(), token.encode()):
            return web.Response(status=401, text="unauthorized")
    body = request.app[PROMETHEUS_KEY].exposition()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
