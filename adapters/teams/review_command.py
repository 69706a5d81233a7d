"""`review` sent to finbot by a reviewer (FINBOT_REVIEWERS): the supervision queue as an Adaptive Card.

`review` lists the answers awaiting a decision, each with Approve / Follow up buttons (`Action.Execute`, verb
`finbot_review`); `review approve ROW [note]` or `review follow_up ROW note` records a decision as text. Each
decision is a signed row of the audit trail (core.audit.review). Anyone else is refused and sees nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from adapters.teams.actions import ActionHandler, ActionResult, CardAction, CommandHandler
from core.audit.review import DECISIONS, NotAReviewer, ReviewQueue, UnknownRecord
from core.types import IncomingMessage

__all__ = ["COMMAND", "REFUSAL", "VERB", "review_action_handler", "review_card", "review_handler"]

log = logging.getLogger(__name__)

COMMAND = "review"
VERB = "finbot_review"
REFUSAL = "Sorry, the review queue is only for the firm's reviewers (FINBOT_REVIEWERS)."
OFF = "Supervision is not set up on this finbot (the audit trail is off)."
USAGE = "Send `review` to list, or `review approve ROW [note]` / `review follow_up ROW note`."
SHOWN = 5
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


def review_card(rows: list[Any], total: int) -> dict[str, Any]:
    """Adaptive Card 1.5: each pending answer (why it is there, question, answer) with its decision buttons."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": f"{total} answer(s) await review", "size": "Large", "weight": "Bolder",
         "wrap": True},
    ]
    for row in rows:
        marks = row.body.get("review") or {}
        why = ", ".join(marks.get("flags") or []) or "sampled"
        body += [
            {"type": "TextBlock", "text": f"Row {row.seq} ({why}) {row.person_id}", "weight": "Bolder",
             "wrap": True, "separator": True},
            {"type": "TextBlock", "text": f"Q: {str(row.body.get('question', ''))[:300]}", "wrap": True},
            {"type": "TextBlock", "text": f"A: {str(row.body.get('answer', ''))[:500]}", "wrap": True,
             "isSubtle": True},
            {"type": "ActionSet", "actions": [
                {"type": "Action.Execute", "title": title, "verb": VERB,
                 "data": {"verb": VERB, "row": row.seq, "decision": decision}}
                for title, decision in (("Approve", "approve"), ("Follow up", "follow_up"))
            ]},
        ]
    return {"type": "AdaptiveCard", "$schema": CARD_SCHEMA, "version": "1.5", "body": body}


async def _decide(queue: ReviewQueue, person_id: str, row: int, decision: str, note: str) -> str:
    try:
        recorded = await queue.decide(row, reviewer=person_id, decision=decision, note=note)
    except NotAReviewer:
        return REFUSAL
    except UnknownRecord:
        return f"There is no answered turn at row {row}."
    return f"Recorded: {decision.replace('_', ' ')} on row {row} (audit row {recorded.seq})."


def review_handler(queue: ReviewQueue | None) -> CommandHandler:
    """The `review` text command for `TeamsApp.commands` (registered by the Teams surface)."""

    async def on_review(message: IncomingMessage, args: str) -> ActionResult:
        person = message.person.id
        if queue is None:
            return ActionResult(text=OFF)
        if person not in queue.reviewers:
            log.info("review refused for %s (not in FINBOT_REVIEWERS)", person)
            return ActionResult(text=REFUSAL)
        words = args.split(maxsplit=2)
        if not words:
            pending = await queue.pending()
            if not pending:
                return ActionResult(text="Nothing awaits review.")
            return ActionResult(card=review_card(pending[:SHOWN], len(pending)))
        if words[0] not in DECISIONS or len(words) < 2 or not words[1].isdigit():
            return ActionResult(text=USAGE)
        return ActionResult(text=await _decide(queue, person, int(words[1]), words[0],
                                               words[2] if len(words) > 2 else ""))

    return on_review


def review_action_handler(queue: ReviewQueue | None) -> ActionHandler:
    """The card's Approve / Follow up buttons (verb `finbot_review`)."""

    async def on_click(action: CardAction) -> ActionResult:
        person, data = action.person.id, action.data
        if queue is None or person not in queue.reviewers:
            return ActionResult(text=REFUSAL if queue is not None else OFF)
        row, decision = data.get("row"), str(data.get("decision") or "")
        if not isinstance(row, int) or decision not in DECISIONS:
            return ActionResult(text=USAGE)
        return ActionResult(text=await _decide(queue, person, row, decision, "from the Teams review card"))

    return on_click
