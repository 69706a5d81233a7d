"""What one audit record says: `AuditEntry`, and the builders for an answered turn and an advisor's message."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["AuditEntry", "advisor_entry", "as_mapping", "turn_entry"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    kind: str
    """turn, advisor, review, change, hold, release, purge."""
    body: dict[str, Any]
    person_id: str = ""
    conversation_key: str = ""
    turn_id: str = ""


@dataclass(frozen=True, slots=True)
class TurnFacts:
    """What the turn's state does not say itself (the firm's settings at the time)."""

    template_version: str = ""
    disclaimer: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def as_mapping(state: Any) -> dict[str, Any]:
    """A turn's typed state (core.graph.state.TurnState) as the plain mapping the entries read: its fields, the
    message as JSON, without the snapshot the turn read (that is the database's, not the turn's record)."""
    view = {f.name: getattr(state, f.name) for f in fields(state) if f.name != "snapshot"}
    view["message"] = state.message.model_dump(mode="json")
    return view


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _documents(passages: list[Mapping[str, Any]], versions: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each retrieved passage: its chunk id, document, the hash of the text used, the document's version."""
    return [
        {
            "chunk_id": p.get("chunk_id", ""), "source": p.get("source", ""), "title": p.get("title", ""),
            "text_sha256": _sha(str(p.get("text", ""))), "document_version": versions.get(str(p.get("source")), ""),
            "relevance": p.get("relevance"),
        }
        for p in passages
    ]


def turn_entry(
    state: Mapping[str, Any], *, facts: TurnFacts | None = None, versions: Mapping[str, str] | None = None
) -> AuditEntry:
    """The record of one answered turn, from the graph's final state (core.graph.state.TurnState)."""
    facts = facts or TurnFacts()
    message = state["message"]
    person, conversation = message.get("person", {}), message.get("conversation", {})
    answer = str(state.get("draft", ""))
    passages = list(state.get("passages") or []) + list(state.get("nearby") or [])
    body: dict[str, Any] = {
        "who": {
            "person": person.get("id", ""), "name": person.get("display_name", ""),
            "platform": conversation.get("platform", ""), "tenant": conversation.get("tenant", ""),
            "channel": conversation.get("channel_id", ""), "thread": conversation.get("thread_id"),
        },
        "received_at": message.get("received_at"),
        "event_id": message.get("event_id", ""),
        "question": message.get("text", ""),
        "sent_to_model": list(state.get("model_inputs") or []),
        "documents": _documents(passages, versions or {}),
        "model": state.get("model") or "offline",
        "template_version": facts.template_version,
        "answer": answer,
        "citations": list(state.get("citations") or []),
        "confidence": state.get("confidence", 0),
        "strategy": state.get("strategy", ""),
        "step": state.get("step", ""),
        "route": list(state.get("route") or []),
        "disclaimer_shown": bool(facts.disclaimer) and facts.disclaimer in answer,
        "withheld": bool(state.get("withheld")),
        "guard_blocked": list(state.get("blocked") or []),
        "escalation": state.get("escalation"),
        "escalate_reason": state.get("escalate_reason", ""),
        "offer_reason": state.get("offer_reason", ""),
        "pii": dict(state.get("pii_counts") or {}),
        **facts.extra,
    }
    return AuditEntry(
        kind="turn", body=body, person_id=person.get("id", ""), conversation_key=_key(conversation),
        turn_id=str(state.get("turn_id", "")),
    )


def advisor_entry(
    *, escalation_id: str, conversation_key: str, person_id: str, advisor: Mapping[str, str], action: str,
    text: str = "",
) -> AuditEntry:
    """An advisor's message to a person, or an action on an escalation (claim, close)."""
    body = {"escalation": escalation_id, "advisor": dict(advisor), "action": action, "text": text}
    return AuditEntry(kind="advisor", body=body, person_id=person_id, conversation_key=conversation_key)


def _key(conversation: Mapping[str, Any]) -> str:
    from core.types import Conversation  # the one definition of a conversation's key

    try:
        return Conversation.model_validate(conversation).key
    except ValueError:
        return ""
