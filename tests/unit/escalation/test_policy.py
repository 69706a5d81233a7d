"""Which turns escalate, what the person reads, and which desk gets the card."""

from __future__ import annotations

from typing import Any

import pytest

from core.escalation import (
    CardRef,
    Escalation,
    EscalationPolicy,
    NotifierRouter,
    no_desk_text,
    notice_text,
    reason_label,
)
from core.escalation.policy import SENSITIVE_REASONS
from core.graph.state import TurnState
from core.types import Conversation, IncomingMessage, Person

POLICY = EscalationPolicy()


def _state(question: str = "What are the fees?", **fields: Any) -> TurnState:
    message = IncomingMessage(event_id="e1", person=Person.of("web", "local", "u"), text=question,
                              conversation=Conversation(platform="web", tenant="local", channel_id="c"))
    return TurnState(turn_id="t1", message=message, **fields)


@pytest.mark.parametrize(
    ("state", "action", "reason"),
    [
        (_state(strategy="human"), "offer", "no_answer"),
        (_state(strategy="refusal"), "offer", "no_answer"),
        (_state(strategy="human", high_stakes=True), "offer", "recommendation"),
        (_state(strategy="llm", grounded=False), "offer", "low_confidence"),
        (_state("How is my inheritance taxed?", strategy="extractive", grounded=False), "handover", "low_confidence"),
        (_state("Should I buy more bonds?", strategy="extractive", grounded=True, high_stakes=True), "offer",
         "recommendation"),
        (_state(strategy="extractive", grounded=True), "answer", None),
        (_state(strategy="template", grounded=False), "answer", None),
        (_state(strategy="extractive", grounded=True, offer_reason="complaint"), "offer", "complaint"),
    ],
)
def test_after_an_answer_finbot_answers_offers_or_hands_over(
    state: TurnState, action: str, reason: str | None
) -> None:
    decision = POLICY.after_answer(state)
    assert (decision.action, decision.reason) == (action, reason)


def test_a_recommendation_request_is_never_handed_over_for_low_confidence_alone() -> None:
    state = _state("Can you recommend something for long-term growth?", strategy="llm", grounded=False,
                   high_stakes=True)
    assert POLICY.after_answer(state).action == "offer"


def test_a_blocked_answer_is_handed_over_whatever_the_firm_switched_off() -> None:
    quiet = EscalationPolicy(on_low_confidence=False, on_no_answer=False)
    blocked = _state(strategy="refusal", withheld=True, blocked=["account_number", "payment_instruction"])
    assert quiet.after_answer(blocked) == POLICY.after_answer(blocked)
    assert POLICY.after_answer(blocked).action == "handover"
    assert POLICY.after_answer(blocked).reason == "answer_guard:account_number"
    assert reason_label("answer_guard:payment_instruction") == "Answer blocked by the guard (payment instruction)"
    assert notice_text("answer_guard:iban", "within about an hour").startswith("I can't answer this one myself")


def test_asks_for_a_person_always_hand_over_and_settings_name_the_sensitive_topics() -> None:
    assert all(POLICY.hands_over(reason) for reason in (*SENSITIVE_REASONS, "asked_for_human"))
    firm = EscalationPolicy(handover_topics=frozenset({"fraud"}))
    assert firm.hands_over("fraud") and firm.hands_over("asked_for_human") and not firm.hands_over("complaint")


def test_answer_quality_triggers_can_be_switched_off() -> None:
    quiet = EscalationPolicy(on_low_confidence=False, on_no_answer=False, high_stakes_topics=("tax",))
    assert quiet.after_answer(_state(strategy="human")).action == "answer"
    unsure_tax = _state("What tax do I pay?", strategy="llm", grounded=False)
    assert quiet.after_answer(unsure_tax).action == "offer"
    assert EscalationPolicy(high_stakes_topics=()).after_answer(unsure_tax).action == "offer"


def test_notice_says_an_advisor_was_asked_and_when() -> None:
    text = notice_text("transfer_instruction", "next business day (Monday) from 8:30 AM ET")
    assert "can't move money" in text and "next business day (Monday) from 8:30 AM ET" in text
    assert "asked one of our advisors" in notice_text("no_answer", "within about an hour")
    assert "Of course" in notice_text("no_answer", "within about an hour", accepted=True)


def test_no_desk_gives_the_contact_line_and_promises_nothing() -> None:
    text = no_desk_text("asked_for_human", "Call us on 0800 000 000.")
    assert text.endswith("Call us on 0800 000 000.") and "expect" not in text
    assert "change your password" in no_desk_text("fraud", "Call us.")


class _Desk:
    def __init__(self, platform: str, channel: str) -> None:
        self.platform, self.channel = platform, channel

    async def open_card(self, escalation: Escalation) -> CardRef:
        raise NotImplementedError

    async def update_card(self, escalation: Escalation) -> None: ...

    async def forward_person_message(self, escalation: Escalation, text: str) -> None: ...

    async def remind(self, escalation: Escalation) -> None: ...


def test_router_prefers_the_persons_platform_then_the_configured_order() -> None:
    router = NotifierRouter()
    assert router.desk_for("slack") is None
    web, teams = _Desk("web", "advisor:desk"), _Desk("teams", "19:adv@thread.tacv2")
    router.add_desk(web)
    router.add_desk(teams)
    assert router.desk_for("teams") is teams
    assert router.desk_for("slack") is teams  # no Slack desk: first of slack, teams, web
    assert router.desk_for("web") is web
    assert router.is_advisor_channel("teams", "19:adv@thread.tacv2") and not router.is_advisor_channel("teams", "x")
    assert router.desk_of(CardRef("web", "advisor:desk", "e1")) is web and router.desk_of(None) is None


def test_router_sends_everything_to_a_configured_desk() -> None:
    router = NotifierRouter(preferred="teams")
    web, teams = _Desk("web", "advisor:desk"), _Desk("teams", "19:adv")
    router.add_desk(web)
    router.add_desk(teams)
    assert router.desk_for("web") is teams and router.desk_for("slack") is teams
