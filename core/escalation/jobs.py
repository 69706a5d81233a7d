"""The reminder job: unclaimed escalations are re-posted after N minutes and expire after M hours.

Registered by name in `bot/jobs.py` (APScheduler); safe to run in several processes at once because every
reminder and expiry is a conditional UPDATE that only one process wins.
"""

from __future__ import annotations

from core.escalation.service import EscalationService, SweepReport

__all__ = ["JOB_NAME", "escalation_sweep"]

JOB_NAME = "escalation-reminders"


async def escalation_sweep(service: EscalationService) -> SweepReport:
    """One pass: expire what waited too long, remind the desk of the rest."""
    return await service.sweep()
