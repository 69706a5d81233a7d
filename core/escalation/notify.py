"""The notifier port: what the core asks of adapters when a conversation is handed to an advisor.

Core emits, adapters render. An adapter that can host an advisor desk (a Slack channel, a Teams channel,
the web advisor page) implements `AdvisorDesk`; an adapter that can post into a person's conversation
later implements `PersonChannel`. Both register themselves on the `NotifierRouter` at start-up.
The router picks the desk by settings, so a Slack user's escalation may be worked in a Teams channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from core.escalation.record import CardRef, Escalation
from core.types import Conversation

__all__ = ["AdvisorDesk", "NotifierRouter", "PersonChannel"]


@runtime_checkable
class AdvisorDesk(Protocol):
    """Where advisors see escalations and act on them."""

    platform: str
    channel: str
    """The advisors' channel id on `platform`: the bot never answers there (only relays card-thread replies)."""

    async def open_card(self, escalation: Escalation) -> CardRef:
        """Post the card (question, summary, confidence, reason, Claim / Close) and say where it is."""
        ...

    async def update_card(self, escalation: Escalation) -> None:
        """Show the card's new state (owner after a claim, answered, closed, expired)."""
        ...

    async def forward_person_message(self, escalation: Escalation, text: str) -> None:
        """The person wrote again while the escalation is active: show it to the advisor (card thread)."""
        ...

    async def remind(self, escalation: Escalation) -> None:
        """Still unclaimed after the reminder delay: re-post or ping the desk."""
        ...


@runtime_checkable
class PersonChannel(Protocol):
    """Posting into a person's own conversation after the turn is over (proactively)."""

    platform: str

    async def relay_to_person(self, conversation: Conversation, text: str, *, advisor_name: str | None) -> None:
        """Post `text` in the person's thread as from `advisor_name` (None: a note from finbot itself)."""
        ...


class NotifierRouter:
    """Adapters register here; the service asks it for the desk of an escalation and a person's channel.

    `preferred`: "auto" (the person's own platform when it has a desk, else the first of `order` that
    registered one), or a platform name to send every escalation to that desk.
    """

    def __init__(self, *, preferred: str = "auto", order: Sequence[str] = ("slack", "teams", "web")) -> None:
        self.preferred = preferred
        self.order = tuple(order)
        self._desks: dict[str, AdvisorDesk] = {}
        self._people: dict[str, PersonChannel] = {}

    def add_desk(self, desk: AdvisorDesk) -> None:
        self._desks[desk.platform] = desk

    def add_person_channel(self, channel: PersonChannel) -> None:
        self._people[channel.platform] = channel

    @property
    def desks(self) -> dict[str, AdvisorDesk]:
        return dict(self._desks)

    def desk_for(self, person_platform: str) -> AdvisorDesk | None:
        """The desk a new escalation from `person_platform` goes to."""
        if self.preferred != "auto" and self.preferred in self._desks:
            return self._desks[self.preferred]
        if person_platform in self._desks:
            return self._desks[person_platform]
        return next((self._desks[p] for p in self.order if p in self._desks), None)

    def desk_of(self, card: CardRef | None) -> AdvisorDesk | None:
        """The desk that holds an existing card."""
        return self._desks.get(card.platform) if card is not None else None

    def is_advisor_channel(self, platform: str, channel_id: str) -> bool:
        desk = self._desks.get(platform)
        return desk is not None and desk.channel == channel_id

    def person_channel(self, platform: str) -> PersonChannel | None:
        return self._people.get(platform)
