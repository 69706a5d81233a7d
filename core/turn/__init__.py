"""A turn's one read (TurnSnapshot) and one write (TurnWrite) of the database."""

from core.turn.snapshot import ThreadState, TurnSnapshot
from core.turn.store import TurnStore, TurnWrite

__all__ = ["ThreadState", "TurnSnapshot", "TurnStore", "TurnWrite"]
