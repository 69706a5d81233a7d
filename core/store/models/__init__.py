"""Every table finbot stores. Importing this package registers them all on `Base.metadata`."""

from core.store.models.audit import AuditRow
from core.store.models.base import Base, utcnow
from core.store.models.conversation import ConversationRow, MessageRow, ProcessedEvent, UserRow
from core.store.models.escalation import EscalationRow
from core.store.models.inbox import InboxRow
from core.store.models.installation import InstallationRow
from core.store.models.knowledge import ChunkRow, DocumentRow
from core.store.models.market import PriceRow, QuoteRow
from core.store.models.memory import ConversationSummaryRow, UserFactRow, UserProfileRow
from core.store.models.metrics import TurnMetricRow
from core.store.models.portfolio import HoldingRow, TargetAllocationRow

__all__ = [
    "AuditRow",
    "Base",
    "ChunkRow",
    "ConversationRow",
    "ConversationSummaryRow",
    "DocumentRow",
    "EscalationRow",
    "HoldingRow",
    "InboxRow",
    "InstallationRow",
    "MessageRow",
    "PriceRow",
    "ProcessedEvent",
    "QuoteRow",
    "TargetAllocationRow",
    "TurnMetricRow",
    "UserFactRow",
    "UserProfileRow",
    "UserRow",
    "utcnow",
]
