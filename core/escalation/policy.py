"""When finbot hands a conversation to a person, when it only offers one, and what the person is told.

The one place this is decided. Pure functions over the turn's state and the firm's settings:

- **Hand over at once**: an explicit ask for a person, an accepted offer, the sensitive intents the firm lists
  (FINBOT_HANDOVER_TOPICS: instructions to move money or trade, complaints, fraud, hardship, bereavement,
  account closure), and an unsure answer (grounding below FINBOT_CONFIDENCE_THRESHOLD) on a high-stakes topic
  (FINBOT_HIGH_STAKES_TOPICS: taxes, estates, margin...).
- **Offer an advisor** (the Reply's `offer_advisor`: a button, or a typed "yes"): finbot could not answer, an
  unsure answer elsewhere, a recommendation request (it gets the firm's no-recommendation line), a sensitive
  intent the firm does not hand over automatically.
- **Answer**: everything else, small talk included.

With no advisor desk for the person's surface, nothing is handed over that cannot be delivered: the person gets
the firm's contact line (FINBOT_CONTACT_LINE) and the request is recorded as unrouted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from core.escalation.hours import DEFAULT_BUSINESS_HOURS, BusinessHours

if TYPE_CHECKING:
    from core.graph.state import TurnState

__all__ = [
    "CANNOT_ANSWER_STRATEGIES",
    "DEFAULT_CONTACT_LINE",
    "DEFAULT_HIGH_STAKES_TOPICS",
    "Decision",
    "GUARD_REASON",
    "EscalationPolicy",
    "SENSITIVE_REASONS",
    "no_desk_text",
    "notice_text",
]

SENSITIVE_REASONS: tuple[str, ...] = (
    "fraud",
    "bereavement",
    "hardship",
    "complaint",
    "account_closure",
    "trade_instruction",
    "transfer_instruction",
)
"""Reasons of `core.escalation.intents`; by default every one of them is handed over at once."""
GUARD_REASON = "answer_guard"
"""Prefix of the reason of a hand-over after the answer guard blocked an answer (`answer_guard:<kind>`)."""
ALWAYS: frozenset[str] = frozenset({"asked_for_human"})
"""A person asked for a person: never only an offer."""
CANNOT_ANSWER_STRATEGIES = frozenset({"human", "refusal"})
"""The fallback chain's "finbot could not answer" (nothing relevant found, or too unsure)."""
DEFAULT_HIGH_STAKES_TOPICS: tuple[str, ...] = (
    "tax",
    "estate",
    "inheritance",
    "inherit",
    "beneficiar",
    "margin",
    "annuit",
    "trust",
    "power of attorney",
    "required minimum distribution",
    "divorce",
)
"""Word stems: an unsure answer to a question about one of these is handed to a person, not only offered."""
DEFAULT_CONTACT_LINE = (
    "Please contact your advisor or the firm's client service team directly, using the phone number or "
    "email address in your account documents."
)

Action = Literal["answer", "offer", "handover"]


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    reason: str | None = None
    """A key of `core.escalation.record.REASON_LABELS` (None when answering)."""


def _topic_pattern(topics: Iterable[str]) -> re.Pattern[str] | None:
    words = [t.strip().lower() for t in topics if t.strip()]
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    hours: BusinessHours = field(default_factory=lambda: BusinessHours.parse(DEFAULT_BUSINESS_HOURS))
    remind_after: timedelta = timedelta(minutes=15)
    """An open escalation nobody claimed is re-posted / pinged this long after it opened (and again after)."""
    expire_after: timedelta = timedelta(hours=24)
    """An open escalation nobody claimed expires this long after it opened: the person is told, the bot answers."""
    on_low_confidence: bool = True
    """Hand over an unsure answer on a high-stakes topic (False: only offer an advisor)."""
    on_no_answer: bool = True
    """Offer an advisor when finbot cannot answer (False: say so, offer nothing)."""
    handover_topics: frozenset[str] = frozenset(SENSITIVE_REASONS)
    """Sensitive intents handed over at once; the others are answered with the offer of an advisor."""
    high_stakes_topics: tuple[str, ...] = DEFAULT_HIGH_STAKES_TOPICS
    contact_line: str = DEFAULT_CONTACT_LINE
    """What the person is told when no advisor desk can take their request."""
    _topics: re.Pattern[str] | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_topics", _topic_pattern(self.high_stakes_topics))

    def hands_over(self, reason: str) -> bool:
        """An intent found by the supervisor: hand over at once (True) or answer with an offer (False)."""
        return reason in ALWAYS or reason in self.handover_topics

    def is_high_stakes_topic(self, text: str) -> bool:
        return self._topics is not None and bool(self._topics.search(text))

    def after_answer(self, state: TurnState) -> Decision:
        """After the draft was checked against its sources: answer, offer an advisor, or hand over."""
        if state.blocked:  # the answer guard replaced the answer: a person decides what the client is told
            return Decision("handover", f"{GUARD_REASON}:{state.blocked[0]}")
        strategy = state.strategy
        question = state.message.text
        recommendation = bool(state.high_stakes or state.advice)
        # A refusal that withheld an answer below the confidence threshold (core.answering) is an unsure answer.
        unsure = (strategy == "refusal" and state.withheld) or (
            strategy in ("llm", "extractive") and not state.grounded
        )
        if unsure:
            if self.on_low_confidence and self.is_high_stakes_topic(question):
                return Decision("handover", "low_confidence")
            return Decision("offer", "recommendation" if recommendation else "low_confidence")
        if strategy in CANNOT_ANSWER_STRATEGIES:
            reason = "recommendation" if recommendation else "no_answer"
            return Decision("offer", reason) if self.on_no_answer else Decision("answer")
        if recommendation:  # the firm's no-recommendation line, and an advisor for the advice itself
            return Decision("offer", "recommendation")
        if state.offer_reason:
            return Decision("offer", state.offer_reason)
        return Decision("answer")


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
    GUARD_REASON: "I can't answer this one myself, so I've asked one of our advisors to help you with it.",
}
_ACCEPTED = "Of course: I've asked one of our advisors to help you with this."


def notice_text(reason: str, expected: str, *, accepted: bool = False) -> str:
    """What the person reads in the same thread: an advisor has been asked, and roughly when to expect them."""
    lead = _ACCEPTED if accepted else _LEADS.get(reason.split(":")[0], "I've asked one of our advisors to help you.")
    return f"{lead} You can expect to hear from them {expected}, right here in this conversation."


_NO_DESK_LEADS = {
    "fraud": (
        "This needs a person right away. If you think someone has access to your account, please change your "
        "password now."
    ),
    "trade_instruction": "I can't place trades myself, and I can't reach an advisor from here.",
    "transfer_instruction": "I can't move money myself, and I can't reach an advisor from here.",
    "bereavement": "I'm very sorry for your loss. I can't reach an advisor from here.",
    "hardship": "Thank you for telling me. I can't reach an advisor from here.",
    "complaint": "I'm sorry to hear that. I can't pass this to an advisor from here.",
}
_NO_DESK = "I can't bring an advisor into this conversation from here."


def no_desk_text(reason: str, contact_line: str) -> str:
    """No advisor desk can take this request: say so, and how to reach the firm (no promise of a call back)."""
    return f"{_NO_DESK_LEADS.get(reason, _NO_DESK)} {contact_line}".strip()
