"""What the supervisor decides for a turn, and the interface of anything that decides it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, Field

__all__ = ["SPECIALISTS", "RouteDecision", "RouteRequest", "Router", "SpecialistName"]

SpecialistName = Literal["knowledge", "portfolio", "market", "risk"]
SPECIALISTS: tuple[SpecialistName, ...] = ("knowledge", "portfolio", "market", "risk")


class RouteDecision(BaseModel):
    """The supervisor's choice (also the structured-output schema the language model fills in)."""

    specialists: list[SpecialistName] = Field(
        default_factory=list,
        description="Every specialist the question needs: knowledge (the firm's documents: fees, accounts, "
        "transfers, policies), portfolio (the client's own holdings: value, allocation, gains, concentration, "
        "drift, rebalancing), market (latest prices and moves of symbols), risk (volatility, drawdown, "
        "value at risk, diversification, beta). Empty when unsure.",
    )
    high_stakes: bool = Field(
        default=False,
        description="True when the client asks for a recommendation about investments, whether to buy, sell "
        "or move a security, or to change their allocation. Not for a company's own deals or a company name "
        "such as 'Best Buy'.",
    )
    symbols: list[str] = Field(default_factory=list, description="Ticker symbols the question names, upper case.")
    follow_up: bool = Field(
        default=False, description="True when the question continues the previous topic (e.g. 'and the risk?')."
    )


class RouteRequest(BaseModel):
    question: str
    history: list[tuple[str, str]] = Field(default_factory=list)
    """Recent (role, text) turns, oldest first."""
    pinned_route: list[str] = Field(default_factory=list)
    pinned_symbols: list[str] = Field(default_factory=list)
    known_symbols: Sequence[str] = ()
    """Symbols finbot has market data for."""
    holdings: dict[str, str] | None = None
    """The person's holdings (symbol -> name); None when finbot cannot tell (no holdings service)."""


class Router(Protocol):
    async def decide(self, request: RouteRequest) -> RouteDecision: ...
