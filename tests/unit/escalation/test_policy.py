"""Which turns escalate, what the person reads, and which desk gets the card."""

from __future__ import annotations

from typing import Any

import pytest

from core.escalation import CardRef, Escalation, EscalationPolicy, NotifierRouter, escalation_reason, notice_text


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ({"escalate_reason": "fraud", "strategy": "extractive", "grounded": True}, "fraud"),
        ({"strategy": "human"}, "no_answer"),
        ({"strategy": "llm", "grounded": False}, "low_confidence"),
        ({"strategy": "extractive", "grounded": False}, "low_confidence"),
        ({"strategy": "extractive", "grounded": True}, None),
        ({"strategy": "template", "grounded": False}, None),
        ({"escalate_reason": "", "strategy": "llm", "grounded": True}, None),
    ],
)
def test_escalation_reason(state: dict[str, Any], reason: str | None) -> None:
    assert escalation_reason(state) == reason


def test_answer_quality_triggers_can_be_switched_off_but_sensitive_ones_cannot() -> None:
    policy = EscalationPolicy(on_low_confidence=False, on_no_answer=False)
    assert not policy.allows("low_confidence") and not policy.allows("no_answer")
    assert policy.allows("fraud") and policy.allows("asked_for_human")


def test_notice_says_an_advisor_was_asked_and_when() -> None:
    text = notice_text("transfer_instruction", "next business day (Monday) from 8:30 AM ET")
    assert "can't move money" in text and "next business day (Monday) from 8:30 AM ET" in text
    assert "asked one of our advisors" in notice_text("no_answer", "within about an hour")


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
