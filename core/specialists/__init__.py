"""The data specialists: plain async functions from a request and the data services to figures and facts."""

from core.specialists.market import market_specialist
from core.specialists.portfolio import portfolio_specialist
from core.specialists.risk import risk_specialist
from core.specialists.types import SpecialistPolicy, SpecialistRequest, SpecialistResult, SpecialistServices

__all__ = [
    "SpecialistPolicy",
    "SpecialistRequest",
    "SpecialistResult",
    "SpecialistServices",
    "market_specialist",
    "portfolio_specialist",
    "risk_specialist",
]
