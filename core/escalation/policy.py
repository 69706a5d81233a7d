"""When a turn is handed to a person, and what the person is told. Pure functions over the turn's state.

Triggers: the supervisor saw an explicit ask for a human or a sensitive intent (`escalate_reason` set);
the fallback chain ran out (strategy "human"); an LLM / extractive answer is not grounded (its confidence
is below FINBOT_CONFIDENCE_THRESHOLD, which `check_grounding` already applied to `grounded`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from core.escalation.hours import DEFAULT_BUSINESS_HOURS, BusinessHours

__all__ = ["EscalationPolicy", "escalation_reason", "notice_text"]


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    hours: BusinessHours = field(default_factory=lambda: BusinessHours.parse(DEFAULT_BUSINESS_HOURS))
    remind_after: timedelta = timedelta(minutes=15)
    """An open escalation nobody claimed is re-posted / pinged this long after it opened (and again after)."""
    expire_after: timedelta = timedelta(hours=24)
    """An open escalation nobody claimed expires this long after it opened, with a note to the person."""
    on_low_confidence: bool = False
    on_no_answer: bool = False
    """The answer-quality triggers: off by default, the refusal offers an advisor instead (core.answering)."""

    def allows(self, reason: str, *, high_stakes: bool = False) -> bool:
        """Asks for a human and sensitive intents always escalate, and so does a doubtful answer to a high-stakes
        question (a recommendation, an allocation change); the other answer-quality triggers are optional."""
        if reason == "low_confidence":
            return self.on_low_confidence or high_stakes
        if reason == "no_answer":
            return self.on_no_answer
        return True


def escalation_reason(state: Mapping[str, Any]) -> str | None:
    """Why this turn must go to a person, or None to answer it as drafted."""
    if state.get("escalate_reason"):
        return str(state["escalate_reason"])
    strategy = state.get("strategy", "")
    if strategy == "refusal":  # core.answering: nothing found, or an answer withheld below the threshold
        return "low_confidence" if state.get("withheld") else "no_answer"
    if strategy == "human":
        return "no_answer"
    if strategy in ("llm", "extractive") and not state.get("grounded", False):
        return "low_confidence"
    return None


_LEADS = {
    "asked_for_human": "Of course, I've asked one of our advisors to join this conversation.",
    "complaint": "I'm sorry to hear that. I've passed this to one of our advisors, who will take it from here.",
    "fraud": (
        "This needs a person right away, so I've alerted one of our advisors. If you think someone has access "
        "to your account, please also change your password now."
    ),
    "trade_instruction": (
        "I can't place trades myself, so I've asked one of our advisors to help you with this instruction."
    ),
    "transfer_instruction": (
        "I can't move money myself, so I've asked one of our advisors to help you with this transfer."
    ),
    "account_closure": "I've asked one of our advisors to help you with your account.",
    "hardship": "Thank you for telling me. I've asked one of our advisors to talk this through with you.",
    "bereavement": "I'm very sorry for your loss. I've asked one of our advisors to help you personally.",
    "low_confidence": "I've asked one of our advisors to check this for you.",
    "no_answer": "I've asked one of our advisors to help.",
}


def notice_text(reason: str, expected: str) -> str:
    """What the person reads in the same thread: an advisor has been asked, and roughly when to expect them."""
    lead = _LEADS.get(reason, "I've asked one of our advisors to help you.")
    return f"{lead} You can expect to hear from them {expected}, right here in this conversation."
