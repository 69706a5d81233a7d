"""The supervisor's decision for a turn: which router speaks, and how a follow-up keeps its thread.

Cascade: the offline classifier always runs (it is cheap). The language model is asked when the mode
says so: "llm" always; "auto" (default) only when the offline classifier is unsure: a data subject whose
ask no keyword names (a paraphrase, decided by the embedding vote), or a follow-up in a data thread that
names no specialist of its own. When the words decide (a question about the firm or a company, "How is my
portfolio doing?", "Should I buy Tesla?") no model call precedes the answer. The model's route is held to
the same evidence (core/routing/evidence.py): a data specialist the question gives no subject for is
dropped. A failed or malformed LLM decision falls back to the offline one.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Literal

from core.errors import ProviderError
from core.routing.classifier import OfflineClassifier
from core.routing.evidence import Evidence, supported
from core.routing.keywords import mentions_own_portfolio
from core.routing.llm import LlmRouter
from core.routing.types import RouteDecision, RouteRequest

__all__ = ["Routed", "Supervisor", "apply_pin", "held_to_evidence"]

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
    route: list[str] = list(dict.fromkeys(decision.specialists))
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
        assessed = await self.offline.assess(request)
        decision, evidence = assessed.decision, assessed.evidence
        decided_by = "offline"
        if self.llm is not None and self._ask_llm(assessed.confident):
            try:
                async with asyncio.timeout(self.timeout_s):
                    asked = await self.llm.decide(request)
                decision = held_to_evidence(asked, decision, evidence)
                decided_by = "llm"
            except (ProviderError, TimeoutError, ValueError) as exc:
                log.warning("LLM routing failed, using the offline classifier: %s", exc.__class__.__name__)
        route, symbols = apply_pin(decision, request)
        return Routed(route, symbols, decision.high_stakes, decided_by)

    def _ask_llm(self, confident: bool) -> bool:
        if self.mode == "llm":
            return True
        if self.mode == "offline":
            return False
        return not confident


def held_to_evidence(asked: RouteDecision, offline: RouteDecision, evidence: Evidence) -> RouteDecision:
    """The model's decision, minus data specialists the question gives no subject for; the symbols the
    words resolved ("Tesla" -> TSLA) fill in when the model named none."""
    return asked.model_copy(
        update={
            "specialists": supported(list(asked.specialists), evidence),
            "symbols": [s.upper() for s in asked.symbols] or list(offline.symbols),
        }
    )
