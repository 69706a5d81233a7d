"""specialists: run the specialists the supervisor chose, concurrently, and gather what they found.

knowledge returns passages; portfolio, market and risk return figures (tables for the reply), facts
(sentences for the model and the grounding check) and a summary (the offline answer).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from langgraph.runtime import Runtime

from core.graph.context import GraphContext
from core.graph.nodes.knowledge import knowledge
from core.graph.state import TurnState
from core.portfolio.access import Owner
from core.portfolio.holdings import Holding
from core.specialists import (
    SpecialistRequest,
    SpecialistResult,
    SpecialistServices,
    market_specialist,
    portfolio_specialist,
    risk_specialist,
)

__all__ = ["DATA_SPECIALISTS", "specialists"]

log = logging.getLogger(__name__)

DATA_SPECIALISTS: dict[str, Callable[[SpecialistRequest, SpecialistServices], Awaitable[SpecialistResult]]] = {
    "portfolio": portfolio_specialist,
    "market": market_specialist,
    "risk": risk_specialist,
}
_STATUS = {
    "portfolio": "valuing your portfolio...",
    "market": "checking market prices...",
    "risk": "measuring risk from price history...",
}


def _held(state: TurnState) -> tuple[Owner | None, tuple[Holding, ...]] | None:
    """The owner and holdings the turn's read found (core.turn), so no specialist reads them again."""
    snapshot = state.snapshot
    if snapshot is None or snapshot.holdings is None:
        return None
    return snapshot.owner, tuple(snapshot.holdings)


async def specialists(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    ctx = runtime.context
    chosen = [name for name in state.route if name in DATA_SPECIALISTS]
    jobs: list[Awaitable[Any]] = []
    if "knowledge" in state.route:
        jobs.append(knowledge(state, runtime))
    services = ctx.specialists
    if chosen and services is not None:
        request = SpecialistRequest(
            question=state.message.text,
            person_id=state.message.person.id,
            symbols=tuple(state.symbols),
            now=services.clock(),
            held=_held(state),
        )
        for name in chosen:
            runtime.stream_writer({"status": _STATUS[name]})
            jobs.append(DATA_SPECIALISTS[name](request, services))
    results = await asyncio.gather(*jobs, return_exceptions=True)
    update: dict[str, Any] = {
        "passages": [], "nearby": [], "query": "", "figures": [], "facts": [], "summary": [], "advice": False
    }
    if services is None and chosen:
        update["summary"].append("Portfolio and market figures are not available here, so I can't compute them.")
    for result in results:
        if isinstance(result, BaseException):
            log.error("a specialist failed: %s", result.__class__.__name__, exc_info=result)
            update["summary"].append("I couldn't compute some of these figures just now; an advisor can help.")
        elif isinstance(result, SpecialistResult):
            update["summary"].extend(result.summary)
            update["facts"].extend([*result.summary, *result.facts])
            update["figures"].extend(f.model_dump() for f in result.figures)
            update["advice"] = update["advice"] or result.advice
        elif isinstance(result, dict):  # the knowledge node's update
            update.update(result)
    return update
