"""Writing turn records and the feedback people give on them."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from core.store.db import Database, table_of
from core.store.models import TurnMetricRow, utcnow

__all__ = ["MetricsStore", "TurnRecord"]


@dataclass(slots=True)
class TurnRecord:
    id: str
    conversation_key: str
    user_id: str
    platform: str
    latency_ms: float
    created_at: datetime = field(default_factory=utcnow)
    ttft_ms: float | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    model: str = ""
    route: str = ""
    strategy: str = ""
    confidence: int = 0
    grounded: bool = False
    escalated: bool = False
    docs_retrieved: int = 0
    memory_tiers: str = ""
    tokens_estimated: bool = False
    low_confidence: bool = False
    fallback: bool = False
    failures: str = ""
    guard_blocked: bool = False
    """The answer guard blocked the answer (core.answering.guard) and the turn went to an advisor."""
    jury_size: int = 0
    jury_agreement: float | None = None
    jury_latency_ms: float | None = None
    jury_tokens_in: int = 0
    jury_tokens_out: int = 0
    jury_cost_usd: float = 0.0
    signals: dict[str, float] = field(default_factory=dict)
    """The confidence model's inputs (observers only; not a column of turn_metrics)."""
    pii: dict[str, int] = field(default_factory=dict)
    """Values kept from the language model per kind (core.privacy; observers and the audit row, not a column)."""


_NOT_STORED = ("signals", "pii")
_COLUMNS = tuple(f.name for f in fields(TurnRecord) if f.name not in _NOT_STORED)
_INSERT = insert(table_of(TurnMetricRow))


class MetricsStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, record: TurnRecord) -> None:
        async with self._db.session() as session:
            await session.run_sync(self.record_in, record)

    def record_in(self, session: Session, record: TurnRecord) -> None:
        """Insert the turn's record in the caller's transaction (the turn's one write, core.turn): one INSERT,
        no ORM object to flush."""
        # The record's own fields, not a deep copy of them (`asdict`); the table, not the entity (no ORM bulk
        # path); the row as the parameters of one constant statement (compiled once, then cached).
        row = {name: getattr(record, name) for name in _COLUMNS}
        session.execute(_INSERT, row)

    async def set_feedback(self, turn_id: str, value: int, note: str | None = None) -> bool:
        """Store thumbs up (+1) / down (-1) on a turn; False when the turn is unknown."""
        async with self._db.session() as session:
            row = await session.get(TurnMetricRow, turn_id)
            if row is None:
                return False
            row.feedback = 1 if value > 0 else -1
            row.feedback_at = utcnow()
            if note:
                row.feedback_note = note[:2000]
            return True
