"""The supervisor's decision for a turn: which router speaks, and how a follow-up keeps its thread.

Cascade: the offline classifier always runs (it is cheap). The language model is asked when the mode
says so: "llm" always; "auto" (default) only when the offline classifier saw a portfolio, market or risk
signal, so the most common turn, a question about the firm, costs no extra round trip. A failed or
malformed LLM decision falls back to the offline one.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Literal

from core.errors import ProviderError
from core.routing.classifier import OfflineClassifier
from core.routing.keywords import mentions_own_portfolio
from core.routing.llm import LlmRouter
from core.routing.types import RouteDecision, RouteRequest

__all__ = ["Routed", "Supervisor", "apply_pin"]

log = logging.getLogger(__name__)

RouterMode = Literal["auto", "llm", "offline"]


@dataclass(frozen=True, slots=True)
class Routed:
    route: list[str]
    symbols: list[str]
    high_stakes: bool
    decided_by: str
    """"offline" or "llm" (recorded for metrics and debugging)."""


def apply_pin(decision: RouteDecision, request: RouteRequest) -> tuple[list[str], list[str]]:
    """(route, symbols) once the thread's pinned route is applied.

    A follow-up with no specialist of its own ("and how about last month?") keeps the pinned route; one
    that names no symbol keeps the pinned symbols, unless it is about the person's own portfolio. A
    question with no specialist at all goes to the knowledge base.
    """
    route = list(dict.fromkeys(decision.specialists))
    symbols = [s.upper() for s in decision.symbols]
    if decision.follow_up and request.pinned_route:
        if not route:
            route = list(request.pinned_route)
        if not symbols and not mentions_own_portfolio(request.question):
            symbols = list(request.pinned_symbols)
    return (route or ["knowledge"]), symbols


@dataclass(slots=True)
class Supervisor:
    offline: OfflineClassifier
    llm: LlmRouter | None = None
    mode: RouterMode = "auto"
    timeout_s: float = 10.0

    async def route(self, request: RouteRequest) -> Routed:
        decision = await self.offline.decide(request)
        decided_by = "offline"
        if self.llm is not None and self._ask_llm(decision, request):
            try:
                async with asyncio.timeout(self.timeout_s):
                    decision = await self.llm.decide(request)
                decided_by = "llm"
            except (ProviderError, TimeoutError, ValueError) as exc:
                log.warning("LLM routing failed, using the offline classifier: %s", exc.__class__.__name__)
        route, symbols = apply_pin(decision, request)
        return Routed(route, symbols, decision.high_stakes, decided_by)

    def _ask_llm(self, offline: RouteDecision, request: RouteRequest) -> bool:
        if self.mode == "llm":
            return True
        if self.mode == "offline":
            return False
        data_signal = any(s != "knowledge" for s in offline.specialists)
        return data_signal or (offline.follow_up and bool(request.pinned_route))
