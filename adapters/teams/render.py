"""The core's Reply -> an Adaptive Card 1.5 (what Teams renders). Pure functions over plain dicts.

Teams keeps a message under 100 KB (80 KB to be safe, docs/platform-notes.md); the answer text is cut well below that.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

from core.types import Citation, EscalationNotice, Figure, Reply

__all__ = [
    "ADAPTIVE_CARD",
    "FEEDBACK_VERB",
    "MAX_ANSWER_CHARS",
    "OFFER_VERB",
    "card_attachment",
    "notification_text",
    "reply_card",
    "text_card",
]

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
FEEDBACK_VERB = "feedback"
OFFER_VERB = "offer_advisor"
OFFER_LABEL = "Talk to an advisor"
MAX_ANSWER_CHARS = 20_000
MAX_CITATIONS = 10
MAX_FIGURE_ROWS = 50
NOTIFICATION_LIMIT = 200

Element = dict[str, Any]


def _text(text: str, **style: Any) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _citation_line(number: int, citation: Citation) -> str:
    """A markdown link when the source is a web page, else its title and file name."""
    title = (citation.title or "source").replace("[", "(").replace("]", ")")
    parsed = urlparse(citation.uri)
    if parsed.scheme in ("http", "https"):
        return f"{number}. [{title}]({citation.uri})"
    name = PurePosixPath(unquote(parsed.path)).name if parsed.path else ""
    return f"{number}. **{title}**" + (f" ({name})" if name else "")


def _sources(citations: list[Citation]) -> list[Element]:
    if not citations:
        return []
    lines = [_citation_line(n, c) for n, c in enumerate(citations[:MAX_CITATIONS], start=1)]
    return [
        _text("Sources", weight="Bolder", size="Small", spacing="Medium", separator=True),
        _text("\n".join(lines), size="Small", spacing="Small"),
    ]


def _figure(figure: Figure) -> list[Element]:
    """A table (Adaptive Cards 1.5 `Table`) with the header row first."""

    def row(cells: list[str], *, header: bool = False) -> Element:
        return {
            "type": "TableRow",
            "cells": [
                {"type": "TableCell", "items": [_text(str(c), weight="Bolder" if header else "Default")]}
                for c in cells
            ],
        }

    rows = [row(figure.columns, header=True)] + [row(r) for r in figure.rows[:MAX_FIGURE_ROWS]]
    return [
        _text(figure.name, weight="Bolder", spacing="Medium"),
        {
            "type": "Table",
            "columns": [{"width": 1} for _ in figure.columns],
            "rows": rows,
            "firstRowAsHeader": True,
            "showGridLines": True,
        },
    ]


def _confidence(reply: Reply) -> list[Element]:
    if not reply.low_confidence or reply.strategy == "refusal":  # a refusal says so itself
        return []
    note = f"Confidence {reply.confidence}%: please check the sources, or ask for an advisor."
    return [_text(note, color="Attention", size="Small", isSubtle=False)]


def _escalation(notice: EscalationNotice | None) -> list[Element]:
    if notice is None:
        return []
    expected = f" {notice.expected}" if notice.expected else ""
    return [
        {
            "type": "Container",
            "style": "warning",
            "items": [_text(f"I've asked an advisor to help with this (ref {notice.id}).{expected}")],
        }
    ]


def _feedback_actions(turn_id: str) -> list[Element]:
    """Thumbs up / down as Action.Execute (Universal Actions: an `adaptiveCard/action` invoke whose answer
    replaces the card); 1:1 chats use Teams' native feedback loop on the message instead."""
    return [
        {"type": "Action.Execute", "title": title, "verb": FEEDBACK_VERB,
         "data": {"verb": FEEDBACK_VERB, "turn_id": turn_id, "rating": rating}}
        for title, rating in (("👍 Helpful", 1), ("👎 Not helpful", -1))
    ]


def _offer_action(reply: Reply) -> list[Element]:
    """The offer of an advisor: Action.Submit works in every scope and arrives as a `message` with `value`."""
    if not reply.offer_advisor:
        return []
    return [{"type": "Action.Submit", "title": OFFER_LABEL, "style": "positive", "data": {"verb": OFFER_VERB}}]


def _follow_up_actions(follow_ups: list[str]) -> list[Element]:
    """Suggested next questions, sent as the person's own message when clicked (imBack)."""
    return [
        {"type": "Action.Submit", "title": q[:60], "data": {"msteams": {"type": "imBack", "value": q}}}
        for q in follow_ups[:3]
    ]


def _card(body: list[Element], actions: list[Element] | None = None) -> dict[str, Any]:
    card: dict[str, Any] = {"type": "AdaptiveCard", "$schema": CARD_SCHEMA, "version": "1.5", "body": body}
    if actions:
        card["actions"] = actions
    card["msteams"] = {"width": "Full"}
    return card


def reply_card(reply: Reply, *, include_answer: bool = True, feedback: bool = True) -> dict[str, Any]:
    """The whole answer as a card; `include_answer=False` when the text already streamed into the message."""
    body: list[Element] = []
    if include_answer and reply.text.strip():
        text = reply.text if len(reply.text) <= MAX_ANSWER_CHARS else reply.text[: MAX_ANSWER_CHARS - 1] + "…"
        body.append(_text(text))
    for figure in reply.figures:
        body += _figure(figure)
    body += _sources(reply.citations) + _confidence(reply) + _escalation(reply.escalation)
    actions = _offer_action(reply) + _follow_up_actions(reply.follow_ups)
    if feedback and reply.turn_id:
        actions += _feedback_actions(reply.turn_id)
    return _card(body, actions)


def text_card(text: str) -> dict[str, Any]:
    """A card with one line of text (e.g. what replaces the feedback buttons once clicked)."""
    return _card([_text(text)])


def card_attachment(card: dict[str, Any]) -> dict[str, Any]:
    return {"contentType": ADAPTIVE_CARD, "content": card}


def notification_text(reply: Reply) -> str:
    """The short `summary` Teams shows in notifications and the chat list."""
    text = " ".join(reply.text.split()) or "finbot replied."
    return text if len(text) <= NOTIFICATION_LIMIT else text[: NOTIFICATION_LIMIT - 1] + "…"
