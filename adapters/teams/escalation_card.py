"""An escalation -> the Adaptive Card (1.5) on the Teams advisor channel. Pure functions over plain dicts."""

from __future__ import annotations

from typing import Any

from core.escalation import Escalation, Status

__all__ = ["CLAIM_VERB", "CLOSE_VERB", "card_of", "card_summary"]

CLAIM_VERB = "escalation_claim"
CLOSE_VERB = "escalation_close"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
_TEXT_LIMIT = 2000
_STATUS = {
    Status.OPEN: ("Open: waiting for an advisor", "Warning"),
    Status.CLAIMED: ("Claimed by {advisor}: reply in this thread (mention finbot) to answer the client", "Accent"),
    Status.ANSWERED: ("Answered by {advisor}", "Good"),
    Status.CLOSED: ("Closed by {advisor}", "Default"),
    Status.EXPIRED: ("Expired: nobody claimed it in time", "Attention"),
    Status.CANCELLED: ("Cancelled by the client: finbot answers them again", "Default"),
    Status.UNROUTED: ("Unrouted: no advisor desk could take it", "Attention"),
}

Element = dict[str, Any]


def _text(text: str, **style: Any) -> Element:
    return {"type": "TextBlock", "text": text[:_TEXT_LIMIT], "wrap": True, **style}


def card_summary(escalation: Escalation) -> str:
    """The activity's text beside the card (notifications, clients that show no cards)."""
    return f"Escalation ({escalation.reason_label}): {escalation.question[:200]}"


def card_of(escalation: Escalation) -> dict[str, Any]:
    confidence = "n/a" if escalation.confidence is None else f"{escalation.confidence}%"
    facts = [
        {"title": "Client", "value": escalation.person_name or escalation.person_id},
        {"title": "Reason", "value": escalation.reason_label},
        {"title": "Confidence", "value": confidence},
        {"title": "From", "value": escalation.conversation.platform.capitalize()},
    ]
    advisor = escalation.advisor.name if escalation.advisor else "an advisor"
    status, colour = _STATUS[escalation.status]
    body: list[Element] = [
        _text(f"Escalation: {escalation.reason_label}", weight="Bolder", size="Medium"),
        {"type": "FactSet", "facts": facts},
        _text("Question", weight="Bolder", spacing="Medium"),
        _text(escalation.question),
    ]
    if escalation.summary:
        body += [_text("Recent conversation", weight="Bolder", spacing="Medium"),
                 _text(escalation.summary, fontType="Monospace", size="Small")]
    if escalation.sources:
        body.append(_text("Sources: " + "; ".join(s.get("title", "") for s in escalation.sources), size="Small",
                          isSubtle=True))
    body.append(_text(status.format(advisor=advisor), weight="Bolder", color=colour, spacing="Medium"))
    actions: list[Element] = []
    data = {"escalation_id": escalation.id}
    if escalation.status == Status.OPEN:
        actions.append({"type": "Action.Execute", "title": "Claim", "style": "positive", "verb": CLAIM_VERB,
                        "data": {"verb": CLAIM_VERB, **data}})
    if escalation.is_active:
        actions.append({"type": "Action.Execute", "title": "Close", "verb": CLOSE_VERB,
                        "data": {"verb": CLOSE_VERB, **data}})
    card: dict[str, Any] = {"type": "AdaptiveCard", "$schema": CARD_SCHEMA, "version": "1.5", "body": body}
    if actions:
        card["actions"] = actions
    return card
