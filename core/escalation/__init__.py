"""Human escalation: when finbot hands a conversation to an advisor, and how the advisor's answer comes back.

    intents.py   explicit asks for a human and sensitive intents (pure)
    policy.py    which turns escalate, what the person is told (pure)
    hours.py     business hours -> "within about an hour" / "next business day from 8:30 AM ET"
    record.py    the Escalation record and its states: open -> claimed -> answered -> closed (or expired)
    store.py     the table; every state change is one conditional UPDATE (one winner across processes)
    notify.py    the port adapters implement (AdvisorDesk, PersonChannel) and the router that picks a desk
    service.py   open / handoff / claim / answer / close / sweep: what the graph, adapters and jobs call
"""

from core.escalation.hours import BusinessHours
from core.escalation.intents import Intent, detect
from core.escalation.notify import AdvisorDesk, NotifierRouter, PersonChannel
from core.escalation.policy import EscalationPolicy, escalation_reason, notice_text
from core.escalation.record import ACTIVE, Advisor, CardRef, Escalation, Status, reason_label
from core.escalation.service import EscalationService, Opened, Outcome, SweepReport
from core.escalation.store import EscalationStats, EscalationStore

__all__ = [
    "ACTIVE",
    "Advisor",
    "AdvisorDesk",
    "BusinessHours",
    "CardRef",
    "Escalation",
    "EscalationPolicy",
    "EscalationService",
    "EscalationStats",
    "EscalationStore",
    "Intent",
    "NotifierRouter",
    "Opened",
    "Outcome",
    "PersonChannel",
    "Status",
    "SweepReport",
    "detect",
    "escalation_reason",
    "notice_text",
    "reason_label",
]
