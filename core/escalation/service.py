"""The escalation service: the only way anything changes an escalation (graph, adapters, the reminder job).

Adapters call `claim` / `answer` / `close` when an advisor acts; `intercept` happens inside the core's entry
point: while an advisor holds a conversation each message is passed on and acknowledged, "cancel" gives the
conversation back to the bot, and a hand-over nobody claimed in time expires there and then. The person is
told when an advisor claims, closes or lets the request expire; those notes are kept in the history like the
advisor's answers. Desk and relay failures are logged and never fail the caller: the record in the database
is the truth, and the reminder job re-posts a card that could not be posted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.audit import AuditTrail, advisor_entry
from core.escalation.notify import NotifierRouter
from core.escalation.phrases import cancels_handover
from core.escalation.policy import EscalationPolicy
from core.escalation.record import Advisor, Escalation, Status
from core.escalation.store import EscalationStats, EscalationStore, NewEscalation
from core.escalation.summary import context_summary, source_list
from core.store.conversations import ConversationStore, StoredMessage
from core.store.models import utcnow
from core.types import IncomingMessage

__all__ = ["EscalationService", "Intercepted", "Opened", "Outcome", "SweepReport"]

log = logging.getLogger(__name__)

DESK_TIMEOUT_S = 15.0
EXPIRED_NOTE = (
    "I'm sorry: no advisor was able to pick up your request in time. Please ask again whenever you like, "
    "and I'll make sure it reaches the team."
)
CLOSED_NOTE = "{advisor} has closed this conversation with an advisor. I'm here if you have more questions."
CLAIMED_NOTE = "{advisor} has picked up your request and will reply here."
CANCELLED_NOTE = (
    "OK, I've cancelled your request for an advisor and told the team. I'm here again: what can I help you with?"
)
HELD_OPEN = (
    "I've passed this on as well: an advisor will pick up your request {expected}. "
    "(Say \"cancel\" if you'd rather carry on with me.)"
)
HELD_CLAIMED = "Passed to {advisor}, who is handling this."


class _Unread:
    """`intercept(active=...)` not given: read the hold from the database."""


_UNREAD = _Unread()


@dataclass(frozen=True, slots=True)
class Opened:
    escalation: Escalation
    expected: str
    """When the person can expect an advisor, in words (from business hours)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an advisor's action did. `ok` False: refused, and `message` says why, politely."""

    ok: bool
    escalation: Escalation | None
    message: str


@dataclass(frozen=True, slots=True)
class Intercepted:
    """A message the bot must not answer: `say` is a short note back to its sender ("" = stay quiet)."""

    escalation: Escalation | None
    say: str = ""


@dataclass(frozen=True, slots=True)
class SweepReport:
    reminded: int = 0
    expired: int = 0


class EscalationService:
    def __init__(
        self,
        *,
        store: EscalationStore,
        conversations: ConversationStore,
        router: NotifierRouter,
        policy: EscalationPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
        audit: AuditTrail | None = None,
    ) -> None:
        self.store = store
        self.audit = audit
        self.router = router
        self.policy = policy or EscalationPolicy()
        self._conversations = conversations
        self._clock = clock

    # -- opening ----------------------------------------------------------------------------------

    def can_deliver(self, platform: str) -> bool:
        """Is there an advisor desk for people on `platform` (their own, or the one every request goes to)?"""
        return self.router.desk_for(platform) is not None

    async def open(
        self,
        message: IncomingMessage,
        *,
        reason: str,
        confidence: int | None,
        history: Sequence[Mapping[str, str]] = (),
        passages: Sequence[Mapping[str, Any]] = (),
        turn_id: str | None = None,
        question: str | None = None,
    ) -> Opened:
        """Record a new escalation and post its card on the advisor desk (`question`: what the advisor should
        read when it is not this message, e.g. the question an accepted offer was about)."""
        now = self._clock()
        new = _new(message, reason, confidence, history, passages, turn_id, question)
        escalation = await self.store.create(new, now=now)
        log.info("escalation %s opened (%s) for %s", escalation.id, reason, escalation.conversation_key)
        escalation = await self._post_card(escalation)
        return Opened(escalation, self.policy.hours.expected(now))

    async def record_unrouted(
        self,
        message: IncomingMessage,
        *,
        reason: str,
        confidence: int | None,
        history: Sequence[Mapping[str, str]] = (),
        passages: Sequence[Mapping[str, Any]] = (),
        turn_id: str | None = None,
        question: str | None = None,
    ) -> Escalation:
        """No desk can take this request: keep it as `unrouted` (for `finbot doctor` and the metrics)."""
        new = _new(message, reason, confidence, history, passages, turn_id, question)
        escalation = await self.store.create(new, now=self._clock(), status=Status.UNROUTED)
        log.warning("no advisor desk for %s people: hand-over request %s (%s) recorded as unrouted",
                    message.conversation.platform, escalation.id, reason)
        return escalation

    async def _post_card(self, escalation: Escalation) -> Escalation:
        desk = self.router.desk_for(escalation.conversation.platform)
        if desk is None:
            log.warning("no advisor desk is configured; escalation %s waits on the web advisor page", escalation.id)
            return escalation
        try:
            async with asyncio.timeout(DESK_TIMEOUT_S):
                card = await desk.open_card(escalation)
        except Exception:  # the port's edge: a desk failure never fails the person's reply
            log.exception("could not post the card of escalation %s on the %s desk", escalation.id, desk.platform)
            return escalation
        await self.store.set_card(escalation.id, card)
        return await self.store.get(escalation.id) or escalation

    # -- messages the bot must not answer (called by the core's entry point) -----------------------

    async def intercept(
        self, message: IncomingMessage, *, active: Escalation | None | _Unread = _UNREAD
    ) -> Intercepted | None:
        """Advisors' channels: a reply in a card's thread is the advisor's answer, anything else is left alone.
        A conversation an escalation holds: the message goes to the advisor. Otherwise None: the bot answers.
        `active`: the hold the turn's snapshot already read (core.turn), so it is not read again."""
        conversation = message.conversation
        if self.router.is_advisor_channel(conversation.platform, conversation.channel_id):
            card = None
            if conversation.thread_id:
                card = await self.store.by_card(conversation.platform, conversation.channel_id, conversation.thread_id)
            if card is None:
                return Intercepted(None)
            person = message.person
            outcome = await self.answer(card.id, Advisor(person.id, person.display_name or person.id), message.text)
            return Intercepted(card, "" if outcome.ok else outcome.message)
        if isinstance(active, _Unread):
            active = await self.store.active_for_conversation(conversation.key)
        return await self._held(message, active)

    # -- the person writes while an advisor holds the conversation --------------------------------

    async def _held(self, message: IncomingMessage, escalation: Escalation | None) -> Intercepted | None:
        if escalation is None:
            return None
        now = self._clock()
        if escalation.status == Status.OPEN and now - escalation.created_at >= self.policy.expire_after:
            await self._expire(escalation, now)  # nobody claimed it in time: the bot answers this message
            return None
        if cancels_handover(message.text):
            return await self._cancel(escalation, message)
        await self.handoff(message, escalation)
        say = self._acknowledgement(escalation, now)
        await self._conversations.add_message(escalation.conversation_key, role="assistant", text=say)
        return Intercepted(escalation, say)

    def _acknowledgement(self, escalation: Escalation, now: datetime) -> str:
        if escalation.advisor is not None:
            return HELD_CLAIMED.format(advisor=escalation.advisor.name)
        return HELD_OPEN.format(expected=self.policy.hours.expected(now))

    async def handoff(self, message: IncomingMessage, escalation: Escalation) -> None:
        """Keep the person's message in the history and show it to the advisor."""
        await self._conversations.add_message(
            escalation.conversation_key,
            role="user",
            text=message.text,
            user_id=message.person.id,
            event_id=message.event_id,
        )
        if self.audit is not None:  # the person's words to an advisor are a communication too
            await self.audit.append(advisor_entry(
                escalation_id=escalation.id, conversation_key=escalation.conversation_key,
                person_id=message.person.id, advisor={}, action="person_message", text=message.text,
            ))
        desk = self.router.desk_of(escalation.card)
        if desk is not None:
            await self._call_desk(desk.forward_person_message(escalation, message.text), escalation, "forward")

    async def _cancel(self, escalation: Escalation, message: IncomingMessage) -> Intercepted:
        result = await self.store.cancel(escalation.id, now=self._clock())
        if result.changed and result.escalation is not None:
            log.info("escalation %s cancelled by the person", escalation.id)
            await self._update_card(result.escalation)
        key = escalation.conversation_key
        await self._conversations.add_message(
            key, role="user", text=message.text, user_id=message.person.id, event_id=message.event_id
        )
        await self._conversations.add_message(key, role="assistant", text=CANCELLED_NOTE)
        return Intercepted(None, CANCELLED_NOTE)

    # -- advisors' actions ------------------------------------------------------------------------

    async def claim(self, escalation_id: str, advisor: Advisor) -> Outcome:
        """Exactly one advisor wins; everyone else is told who has it. Only the winner's card update is sent."""
        result = await self.store.claim(escalation_id, advisor, now=self._clock())
        escalation = result.escalation
        if escalation is None:
            return Outcome(False, None, "That escalation no longer exists.")
        if result.changed:
            log.info("escalation %s claimed by %s", escalation_id, advisor.id)
            await self._record(escalation, advisor, "claim")
            await self._update_card(escalation)
            await self._note(escalation, CLAIMED_NOTE.format(advisor=advisor.name))
            return Outcome(True, escalation, f"You have this one, {advisor.name}.")
        return Outcome(escalation.advisor is not None and escalation.advisor.id == advisor.id, escalation,
                       _taken_message(escalation, advisor))

    async def answer(self, escalation_id: str, advisor: Advisor, text: str) -> Outcome:
        """Relay the advisor's answer to the person (claiming it first if nobody has) and keep it in history."""
        escalation = await self.store.get(escalation_id)
        if escalation is None:
            return Outcome(False, None, "That escalation no longer exists.")
        if escalation.status == Status.OPEN:
            claimed = await self.claim(escalation_id, advisor)
            if not claimed.ok:
                return claimed
        result = await self.store.mark_answered(escalation_id, advisor, now=self._clock())
        escalation = result.escalation
        assert escalation is not None
        owner = escalation.advisor
        if escalation.status != Status.ANSWERED or owner is None or owner.id != advisor.id:
            return Outcome(False, escalation, _taken_message(escalation, advisor))
        await self._conversations.add_message(escalation.conversation_key, role="advisor", text=text,
                                              user_id=advisor.id)
        await self._record(escalation, advisor, "answer", text)
        await self._relay(escalation, text, advisor_name=advisor.name)
        if result.changed:
            await self._update_card(escalation)
        return Outcome(True, escalation, "Sent to the client.")

    async def close(self, escalation_id: str, advisor: Advisor) -> Outcome:
        """The conversation goes back to the bot."""
        result = await self.store.close(escalation_id, advisor, now=self._clock())
        escalation = result.escalation
        if escalation is None:
            return Outcome(False, None, "That escalation no longer exists.")
        if not result.changed:
            return Outcome(False, escalation, _taken_message(escalation, advisor))
        await self._update_card(escalation)
        await self._record(escalation, advisor, "close")
        name = escalation.advisor.name if escalation.advisor else advisor.name
        await self._note(escalation, CLOSED_NOTE.format(advisor=name))
        return Outcome(True, escalation, "Closed: finbot answers this client again.")

    async def _record(self, escalation: Escalation, advisor: Advisor, action: str, text: str = "") -> None:
        """An advisor's message or action, in the audit trail (core.audit)."""
        if self.audit is not None:
            await self.audit.append(advisor_entry(
                escalation_id=escalation.id, conversation_key=escalation.conversation_key,
                person_id=escalation.person_id, advisor={"id": advisor.id, "name": advisor.name}, action=action,
                text=text,
            ))

    # -- the reminder job -------------------------------------------------------------------------

    async def sweep(self) -> SweepReport:
        """Expire what waited too long (with a note to the person); remind the desk of the rest."""
        now = self._clock()
        expired = 0
        for escalation in await self.store.due_for_expiry(created_before=now - self.policy.expire_after):
            expired += await self._expire(escalation, now)
        reminded = 0
        cutoff = now - self.policy.remind_after
        for escalation in await self.store.due_for_reminder(created_before=cutoff, reminded_before=cutoff):
            if await self.store.mark_reminded(escalation.id, now=now, reminded_before=cutoff):
                reminded += 1
                await self._remind(escalation)
        if expired or reminded:
            log.info("escalation sweep: %d reminded, %d expired", reminded, expired)
        return SweepReport(reminded=reminded, expired=expired)

    async def _expire(self, escalation: Escalation, now: datetime) -> int:
        """Expire it (1 for the one process that did), update the card and tell the person."""
        result = await self.store.expire(escalation.id, now=now)
        if not result.changed or result.escalation is None:
            return 0
        log.info("escalation %s expired unclaimed", escalation.id)
        await self._update_card(result.escalation)
        await self._note(result.escalation, EXPIRED_NOTE)
        return 1

    async def _remind(self, escalation: Escalation) -> None:
        if escalation.card is None:  # the first post failed: try again
            await self._post_card(escalation)
            return
        desk = self.router.desk_of(escalation.card)
        if desk is not None:
            fresh = await self.store.get(escalation.id) or escalation
            await self._call_desk(desk.remind(fresh), escalation, "remind")

    # -- reading ----------------------------------------------------------------------------------

    async def get(self, escalation_id: str) -> Escalation | None:
        return await self.store.get(escalation_id)

    async def find_by_card(self, platform: str, channel: str, message_id: str) -> Escalation | None:
        return await self.store.by_card(platform, channel, message_id)

    async def channel_reference(self, platform: str, channel_id: str) -> dict[str, Any] | None:
        """Where an adapter can post into an advisors' channel (the reference stored when finbot saw it)."""
        return await self.store.channel_reference(platform, channel_id)

    async def active(self) -> list[Escalation]:
        return await self.store.listing()

    async def thread(self, escalation: Escalation, limit: int = 50) -> list[StoredMessage]:
        """The conversation's messages from the escalated question on (what the advisor needs to read)."""
        messages = await self._conversations.recent_messages(escalation.conversation_key, limit)
        return [m for m in messages if m.created_at >= escalation.created_at]

    async def stats(self, *, since: datetime | None = None) -> EscalationStats:
        return await self.store.stats(since=since)

    # -- ports ------------------------------------------------------------------------------------

    async def _update_card(self, escalation: Escalation) -> None:
        desk = self.router.desk_of(escalation.card)
        if desk is not None:
            await self._call_desk(desk.update_card(escalation), escalation, "update")

    async def _note(self, escalation: Escalation, text: str) -> None:
        """A note from finbot to the person (claimed, closed, expired): kept in the history, then delivered."""
        await self._conversations.add_message(escalation.conversation_key, role="assistant", text=text)
        await self._relay(escalation, text, advisor_name=None)

    async def _relay(self, escalation: Escalation, text: str, *, advisor_name: str | None) -> None:
        channel = self.router.person_channel(escalation.conversation.platform)
        if channel is None:
            log.warning("cannot reach %s people: escalation %s message kept in history only",
                        escalation.conversation.platform, escalation.id)
            return
        try:
            async with asyncio.timeout(DESK_TIMEOUT_S):
                await channel.relay_to_person(escalation.conversation, text, advisor_name=advisor_name)
        except Exception:  # the port's edge: the message is in the history even if delivery failed
            log.exception("could not relay to the person of escalation %s", escalation.id)

    async def _call_desk(self, call: Any, escalation: Escalation, what: str) -> None:
        try:
            async with asyncio.timeout(DESK_TIMEOUT_S):
                await call
        except Exception:  # the port's edge: the database already holds the new state
            log.exception("advisor desk %s failed for escalation %s", what, escalation.id)


def _new(
    message: IncomingMessage,
    reason: str,
    confidence: int | None,
    history: Sequence[Mapping[str, str]],
    passages: Sequence[Mapping[str, Any]],
    turn_id: str | None,
    question: str | None,
) -> NewEscalation:
    return NewEscalation(
        conversation=message.conversation,
        person_id=message.person.id,
        person_name=message.person.display_name,
        question=question or message.text,
        summary=context_summary(history),
        sources=source_list(passages),
        confidence=confidence,
        reason=reason,
        turn_id=turn_id,
    )


def _taken_message(escalation: Escalation, advisor: Advisor) -> str:
    if escalation.status in (Status.CLOSED, Status.EXPIRED, Status.CANCELLED, Status.UNROUTED):
        return f"This escalation is already {escalation.status}."
    if escalation.advisor is not None and escalation.advisor.id != advisor.id:
        return f"Thanks, {advisor.name}: {escalation.advisor.name} already has this one."
    if escalation.advisor is not None:
        return "You already have this one."
    return "Please claim this escalation first."
