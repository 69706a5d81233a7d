"""What a data specialist receives and returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.market.feed import MarketFeed
from core.portfolio.access import HoldingsAccess, Owner
from core.portfolio.holdings import Holding, HoldingStore
from core.types import Figure

__all__ = ["SpecialistPolicy", "SpecialistRequest", "SpecialistResult", "SpecialistServices", "own_holdings"]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class SpecialistPolicy:
    benchmark: str = "SPY"
    stale_after: timedelta = timedelta(minutes=15)
    """A quote older than this is labelled with its age."""
    risk_window: int = 252
    """Trading days of history the risk figures use."""


@dataclass(slots=True)
class SpecialistServices:
    """The data the portfolio, market and risk specialists read (the container builds it)."""

    holdings: HoldingStore
    access: HoldingsAccess
    market: MarketFeed
    policy: SpecialistPolicy = field(default_factory=SpecialistPolicy)
    clock: Callable[[], datetime] = _utcnow


@dataclass(frozen=True, slots=True)
class SpecialistRequest:
    question: str
    person_id: str
    symbols: tuple[str, ...] = ()
    """Symbols the question (or its thread) names; empty = the person's own holdings."""
    now: datetime = field(default_factory=_utcnow)
    held: tuple[Owner | None, tuple[Holding, ...]] | None = None
    """The owner and holdings the turn already read (core.turn); None: the specialist reads them itself."""


@dataclass(slots=True)
class SpecialistResult:
    name: str
    summary: list[str] = field(default_factory=list)
    """Headline sentences: the offline answer is made of these (each one is also a fact)."""
    facts: list[str] = field(default_factory=list)
    """Every computed number as a sentence: context for the model and for the grounding check."""
    figures: list[Figure] = field(default_factory=list)
    advice: bool = False
    """True when the result illustrates a change (rebalancing trades): the answer carries the disclaimer."""


async def own_holdings(request: SpecialistRequest, services: SpecialistServices) -> tuple[Owner | None, list[Holding]]:
    """Whose holdings the person sees, and those holdings: from the turn's read when it made one, else read."""
    if request.held is not None:
        return request.held[0], list(request.held[1])
    owner = await services.access.owner_for(request.person_id)
    return owner, (await services.holdings.holdings(owner.id) if owner is not None else [])
