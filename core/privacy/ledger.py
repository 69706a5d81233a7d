"""What one turn sent to language models, after redaction, and how many values of each kind it kept back.

The Assistant opens a ledger per turn (a context variable, so every model call the turn makes, in any node,
adds to it); the audit row and the metrics read it. Calls outside a turn (summaries) get a ledger of their own.
"""

from __future__ import annotations

from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PrivacyLedger", "current_ledger", "open_ledger"]


@dataclass(slots=True)
class PrivacyLedger:
    counts: Counter[str] = field(default_factory=Counter)
    """Values replaced by placeholders, per presidio entity kind."""
    sent: list[Any] = field(default_factory=list)
    """Each request's messages (or embedding inputs) as they left, placeholders and all."""

    def as_state(self) -> dict[str, Any]:
        """The turn-state fields core.audit.entries.turn_entry reads."""
        return {"pii_counts": dict(self.counts), "model_inputs": list(self.sent)}


_LEDGER: ContextVar[PrivacyLedger | None] = ContextVar("finbot_privacy_ledger", default=None)


def open_ledger() -> PrivacyLedger:
    """A fresh ledger for the turn starting in this context."""
    ledger = PrivacyLedger()
    _LEDGER.set(ledger)
    return ledger


def current_ledger() -> PrivacyLedger:
    """This turn's ledger, or a throwaway one outside a turn."""
    return _LEDGER.get() or PrivacyLedger()
