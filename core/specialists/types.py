"""What a data specialist receives and returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.market.feed import MarketFeed
from core.portfolio.access import HoldingsAccess
from core.portfolio.holdings import HoldingStore
from core.types import Figure

__all__ = ["SpecialistPolicy", "SpecialistRequest", "SpecialistResult", "SpecialistServices"]


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
