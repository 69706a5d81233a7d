"""Escalations in Teams: the Adaptive Card on TEAMS_ADVISOR_CHANNEL, its Claim / Close (Action.Submit), and
proactive relays into the person's conversation.

TEAMS_ADVISOR_CHANNEL is a channel id (`19:...@thread.tacv2`: its reference is the one finbot stored when it was
installed in the team or mentioned in that channel) or a whole ConversationReference as JSON. An advisor's reply
in a card's thread (mentioning finbot, as Teams requires in channels) reaches the core's entry point like any
message; the core sees it is a card thread and relays it (EscalationService.intercept) instead of answering.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from adapters.teams.actions import ActionResult, CardAction
from adapters.teams.app import TeamsApp
from adapters.teams.escalation_card import CLAIM_VERB, CLOSE_VERB, card_of, card_summary
from adapters.teams.inbound import split_thread
from adapters.teams.proactive import thread_reference
from core.escalation import Advisor, CardRef, Escalation, EscalationService
from core.types import Conversation

__all__ = ["TeamsAdvisorDesk", "TeamsPersonChannel", "parse_channel_setting", "register"]

log = logging.getLogger(__name__)

REMINDER = "Reminder: this escalation is still waiting for an advisor. Please claim it."


def parse_channel_setting(value: str) -> tuple[str, dict[str, Any] | None]:
    """(channel id, a configured reference or None) from TEAMS_ADVISOR_CHANNEL."""
    value = value.strip()
    if value.startswith("{"):
        reference = json.loads(value)
        channel, _ = split_thread(str(reference["conversation"]["id"]))
        reference["conversation"]["id"] = channel
        return channel, reference
    return split_thread(value)[0], None


class TeamsAdvisorDesk:
    """AdvisorDesk on a Teams channel: each card starts a thread; replies and updates go to that thread."""

    platform = "teams"

    def __init__(self, teams: TeamsApp, service: EscalationService, setting: str) -> None:
        self._teams = teams
        self._service = service
        self.channel, self._configured = parse_channel_setting(setting)

    async def _channel_reference(self) -> dict[str, Any]:
        reference = self._configured or await self._service.channel_reference("teams", self.channel)
        if reference is None:
            raise LookupError(
                "finbot has no reference for TEAMS_ADVISOR_CHANNEL yet: add finbot to the team and mention it once "
                "in that channel, or set the variable to the channel's ConversationReference JSON"
            )
        return reference

    async def open_card(self, escalation: Escalation) -> CardRef:
        reference = await self._channel_reference()
        card_id = await self._teams.send_proactive(reference, text=card_summary(escalation), card=card_of(escalation))
        if not card_id:
            raise RuntimeError("Teams returned no id for the advisor card")
        return CardRef(platform="teams", channel=self.channel, message_id=card_id, extra={"reference": reference})

    async def update_card(self, escalation: Escalation) -> None:
        card = _card(escalation)
        await self._teams.update_proactive(
            _thread(card), card.message_id, card_of(escalation), text=card_summary(escalation)
        )

    async def forward_person_message(self, escalation: Escalation, text: str) -> None:
        who = escalation.person_name or "The client"
        await self._teams.send_proactive(_thread(_card(escalation)), text=f"**{who}** wrote: {text}")

    async def remind(self, escalation: Escalation) -> None:
        await self._teams.send_proactive(_thread(_card(escalation)), text=REMINDER)


class TeamsPersonChannel:
    """PersonChannel for Teams people: a proactive message into their conversation, with the advisor's name."""

    platform = "teams"

    def __init__(self, teams: TeamsApp) -> None:
        self._teams = teams

    async def relay_to_person(self, conversation: Conversation, text: str, *, advisor_name: str | None) -> None:
        if not conversation.reference:
            raise LookupError(f"no stored Teams reference for {conversation.key}")
        body = f"**{advisor_name}** (your advisor): {text}" if advisor_name else text
        await self._teams.send_proactive(conversation.reference, text=body)


def _card(escalation: Escalation) -> CardRef:
    assert escalation.card is not None and escalation.card.platform == "teams"
    return escalation.card


def _thread(card: CardRef) -> dict[str, Any]:
    return thread_reference(card.extra["reference"], card.message_id)


def register(teams: TeamsApp, service: EscalationService) -> None:
    """The advisor card's Claim / Close buttons (the Teams surface registers them with its advisor desk)."""

    async def on_button(action: CardAction) -> ActionResult | None:
        """The service decides (one winner) and updates the card; a refused advisor is told who has it."""
        advisor = Advisor(id=action.person.id, name=action.person.display_name or action.person.id)
        escalation_id = str(action.data.get("escalation_id") or "")
        if action.verb == CLAIM_VERB:
            outcome = await service.claim(escalation_id, advisor)
        else:
            outcome = await service.close(escalation_id, advisor)
        return None if outcome.ok else ActionResult(text=outcome.message)

    teams.actions.register(CLAIM_VERB, on_button)
    teams.actions.register(CLOSE_VERB, on_button)
