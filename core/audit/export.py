"""Export for archivers: JSON Lines with the chain hashes, and one RFC 5322 message per conversation-day.

JSON Lines: one audit row per line, every column, so an archive can recompute each hash and the links.
EML: the day's transcript of one conversation as text/plain, with the sources each answer read attached (their
text when the knowledge base still holds it unchanged) and the day's audit rows as `records.jsonl`: the format
Smarsh, Global Relay and other archivers import.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

__all__ = ["ARCHIVE_DOMAIN", "ConversationDay", "conversation_days", "eml_message", "jsonl_line", "row_dict"]

ARCHIVE_DOMAIN = "finbot.invalid"
"""The domain of the synthetic addresses in exported messages (reserved: it never reaches anyone)."""

MESSAGE_KINDS = ("turn", "advisor", "review")


def row_dict(row: Any) -> dict[str, Any]:
    return {
        "seq": row.seq, "kind": row.kind, "created_at": row.created_at.astimezone(UTC).isoformat(),
        "person_id": row.person_id, "conversation_key": row.conversation_key, "turn_id": row.turn_id,
        "body": row.body, "prev_hash": row.prev_hash, "hash": row.hash, "signature": row.signature,
    }


def jsonl_line(row: Any) -> str:
    return json.dumps(row_dict(row), ensure_ascii=False, sort_keys=True)


@dataclass(slots=True)
class ConversationDay:
    conversation_key: str
    day: date
    rows: list[Any]


def conversation_days(rows: Iterable[Any]) -> Iterator[ConversationDay]:
    """The rows that are communications, grouped by conversation and UTC day, in order of first row."""
    groups: dict[tuple[str, date], ConversationDay] = {}
    for row in rows:
        if row.kind not in MESSAGE_KINDS or not row.conversation_key:
            continue
        day = row.created_at.astimezone(UTC).date()
        groups.setdefault((row.conversation_key, day), ConversationDay(row.conversation_key, day, [])).rows.append(row)
    yield from groups.values()


def _address(person_id: str, name: str = "") -> str:
    local = "".join(c if c.isalnum() or c in "-_" else "." for c in person_id) or "unknown"
    return f'"{name or person_id}" <{local}@{ARCHIVE_DOMAIN}>'


def _transcript(group: ConversationDay) -> str:
    lines = [f"Conversation {group.conversation_key}, {group.day.isoformat()} (UTC)", ""]
    for row in group.rows:
        at, body = row.created_at.astimezone(UTC).strftime("%H:%M:%S"), row.body
        if row.kind == "turn":
            who = body.get("who", {})
            lines.append(f"[{at}] {who.get('name') or row.person_id}: {body.get('question', '')}")
            lines.append(f"[{at}] finbot: {body.get('answer', '')}")
            lines.append(f"    (confidence {body.get('confidence')}, {body.get('strategy')}, model "
                         f"{body.get('model')}, templates {body.get('template_version')}, audit row {row.seq})")
            for citation in body.get("citations", []):
                lines.append(f"    source: {citation.get('title', '')} {citation.get('uri', '')}")
        elif row.kind == "advisor":
            name = body.get("advisor", {}).get("name") or "advisor"
            speaker = row.person_id if body.get("action") == "person_message" else name
            said = body.get("text") or f"({body.get('action')})"
            lines.append(f"[{at}] {speaker}: {said}")
        else:
            lines.append(f"[{at}] review: {body.get('decision', '')} by {body.get('reviewer', '')} "
                         f"{body.get('note', '')}")
    return "\n".join(lines) + "\n"


def eml_message(group: ConversationDay, *, chunk_texts: Mapping[str, str] | None = None) -> EmailMessage:
    """One RFC 5322 message: the transcript, the sources read (as attachments) and the audit rows."""
    chunk_texts = chunk_texts or {}
    first = group.rows[0]
    person = next((r.person_id for r in group.rows if r.person_id), "")
    name = next((r.body.get("who", {}).get("name", "") for r in group.rows if r.kind == "turn"), "")
    message = EmailMessage()
    message["From"] = _address(person, name)
    message["To"] = _address("finbot", "finbot")
    message["Subject"] = f"finbot conversation {group.conversation_key} on {group.day.isoformat()}"
    message["Date"] = format_datetime(first.created_at.astimezone(UTC))
    digest = hashlib.sha256(f"{group.conversation_key}|{group.day}".encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{digest}@{ARCHIVE_DOMAIN}>"
    message["X-Finbot-Audit-Seq"] = f"{group.rows[0].seq}-{group.rows[-1].seq}"
    message["X-Finbot-Audit-Hash"] = group.rows[-1].hash
    message.set_content(_transcript(group))
    seen: set[str] = set()
    for row in group.rows:
        for document in row.body.get("documents", []) if row.kind == "turn" else []:
            chunk = str(document.get("chunk_id", ""))
            if not chunk or chunk in seen:
                continue
            seen.add(chunk)
            message.add_attachment(_source_text(document, chunk_texts.get(chunk)).encode(), maintype="text",
                                   subtype="plain", filename=f"source-{len(seen)}.txt")
    records = "\n".join(jsonl_line(r) for r in group.rows) + "\n"
    message.add_attachment(records.encode(), maintype="application", subtype="x-ndjson", filename="records.jsonl")
    return message


def _source_text(document: Mapping[str, Any], current: str | None) -> str:
    head = (f"title: {document.get('title', '')}\nsource: {document.get('source', '')}\n"
            f"chunk: {document.get('chunk_id', '')}\ntext sha256: {document.get('text_sha256', '')}\n"
            f"document version: {document.get('document_version', '')}\n\n")
    if current is not None and hashlib.sha256(current.encode()).hexdigest() == document.get("text_sha256"):
        return head + current
    return head + "(the knowledge base no longer holds this text unchanged; its hash above identifies it)\n"


def in_window(row: Any, start: datetime, end: datetime, person: str | None) -> bool:
    return start <= row.created_at < end and (person is None or row.person_id == person)
