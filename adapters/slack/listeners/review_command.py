"""`/finbot-review`: the supervision queue for reviewers (FINBOT_REVIEWERS), answered privately at once.

`/finbot-review` lists the answers awaiting a decision; `/finbot-review approve ROW [note]` or
`/finbot-review follow_up ROW note` records the decision as a signed row of the audit trail. Anyone else is
refused, and sees nothing of the queue.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck

from adapters.slack.deps import SlackDeps
from core.audit.review import DECISIONS, NotAReviewer, ReviewQueue, UnknownRecord
from core.types import Person

__all__ = ["COMMAND", "REFUSAL", "handle_review_command", "register"]

log = logging.getLogger(__name__)

COMMAND = "/finbot-review"
REFUSAL = "Sorry, the review queue is only for the firm's reviewers (FINBOT_REVIEWERS)."
OFF = "Supervision is not set up on this finbot (the audit trail is off)."
USAGE = "Use `/finbot-review` to list, or `/finbot-review approve ROW [note]` / `follow_up ROW note`."
SHOWN = 5


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def on_review(ack: AsyncAck, body: dict[str, Any]) -> None:
        await handle_review_command(ack, body, deps.review)

    app.command(COMMAND)(on_review)


async def handle_review_command(ack: AsyncAck, body: dict[str, Any], queue: ReviewQueue | None) -> None:
    person = Person.of("slack", str(body.get("team_id") or ""), str(body.get("user_id") or ""))
    if queue is None:
        await ack(text=OFF)
        return
    if person.id not in queue.reviewers:
        log.info("review refused for %s (not in FINBOT_REVIEWERS)", person.id)
        await ack(text=REFUSAL)
        return
    words = str(body.get("text") or "").split(maxsplit=2)
    if not words:
        await ack(text=await _listing(queue))
        return
    if words[0] not in DECISIONS or len(words) < 2 or not words[1].isdigit():
        await ack(text=USAGE)
        return
    try:
        row = await queue.decide(int(words[1]), reviewer=person.id, decision=words[0],
                                 note=words[2] if len(words) > 2 else "")
    except NotAReviewer:
        await ack(text=REFUSAL)
        return
    except UnknownRecord:
        await ack(text=f"There is no answered turn at row {words[1]}.")
        return
    await ack(text=f"Recorded: {words[0].replace('_', ' ')} on row {words[1]} (audit row {row.seq}).")


async def _listing(queue: ReviewQueue) -> str:
    pending = await queue.pending()
    if not pending:
        return "Nothing awaits review."
    lines = [f"{len(pending)} answer(s) await review:"]
    for row in pending[:SHOWN]:
        marks = row.body.get("review") or {}
        why = ", ".join(marks.get("flags") or []) or "sampled"
        question, answer = str(row.body.get("question", ""))[:150], str(row.body.get("answer", ""))[:200]
        lines.append(f"*Row {row.seq}* ({why}) {row.person_id}: _{question}_ -> {answer}")
    return "\n".join(lines)
