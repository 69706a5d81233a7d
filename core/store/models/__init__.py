"""Every table finbot stores. Importing this package registers them all on `Base.metadata`."""

from core.store.models.base import Base, utcnow
from core.store.models.conversation import ConversationRow, MessageRow, ProcessedEvent, UserRow
from core.store.models.knowledge import ChunkRow, DocumentRow
from core.store.models.metrics import TurnMetricRow

__all__ = [
    "Base",
    "ChunkRow",
    "ConversationRow",
    "DocumentRow",
    "MessageRow",
    "ProcessedEvent",
    "TurnMetricRow",
    "UserRow",
    "utcnow",
]
