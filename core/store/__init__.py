"""Storage: SQLAlchemy models and the small repositories the core uses."""

from core.store.conversations import ConversationStore, StoredMessage
from core.store.db import Database, normalize_url
from core.store.events import EventLog
from core.store.inbox import Inbox, InboxItem
from core.store.metrics import MetricsStore, TurnRecord

__all__ = [
    "ConversationStore",
    "Database",
    "EventLog",
    "Inbox",
    "InboxItem",
    "MetricsStore",
    "StoredMessage",
    "TurnRecord",
    "normalize_url",
]
