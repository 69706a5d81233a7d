"""Human escalation: when finbot hands a conversation to an advisor (or offers one), and how the advisor's
answer comes back.

    intents.py   explicit asks for a human and sensitive intents (pure)
    phrases.py   accepting / declining the offer of an advisor, cancelling a hand-over (pure)
    policy.py    THE place that decides: hand over, offer an advisor, or answer; what the person is told (pure)
    hours.py     business hours and holidays -> "within about an hour" / "next business day from 8:30 AM ET"
    record.py    the Escalation record and its states: open -> claimed -> answered -> closed (or expired,
                 cancelled); unrouted when no desk could take it
    store.py     the table; every state change is one conditional UPDATE (one winner across processes)
    notify.py    the port adapters implement (AdvisorDesk, PersonChannel) and the router that picks a desk
    service.py   open / intercept / claim / answer / close / sweep: what the graph, adapters and jobs call

Names are imported on first use (PEP 562): `bot.config` reads the policy's defaults without loading the store.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "BusinessHours": "hours", "Holidays": "hours",
    "Intent": "intents", "detect": "intents",
    "AdvisorDesk": "notify", "NotifierRouter": "notify", "PersonChannel": "notify",
    "ACCEPT_OFFER": "phrases", "accepts_offer": "phrases", "cancels_handover": "phrases", "declines_offer": "phrases",
    "Decision": "policy", "EscalationPolicy": "policy", "no_desk_text": "policy", "notice_text": "policy",
    "ACTIVE": "record", "Advisor": "record", "CardRef": "record", "Escalation": "record", "Status": "record",
    "reason_label": "record",
    "EscalationService": "service", "Opened": "service", "Outcome": "service", "SweepReport": "service",
    "EscalationStats": "store", "EscalationStore": "store",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'core.escalation' has no attribute {name!r}")
    return getattr(importlib.import_module(f"core.escalation.{home}"), name)
