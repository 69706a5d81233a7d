"""A composed answer before the grounding check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from core.types import Citation, Strategy

__all__ = ["DeltaSink", "Draft"]

DeltaSink = Callable[[str], Awaitable[None]]
"""Receives text as it is produced (streamed to the person)."""


@dataclass(slots=True)
class Draft:
    text: str
    strategy: Strategy
    citations: list[Citation] = field(default_factory=list)
    model: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    failures: list[str] = field(default_factory=list)
    """Why earlier steps of the fallback chain did not answer (e.g. 'llm: timeout')."""
