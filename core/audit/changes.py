"""The change log: every change of model, prompt templates, threshold or knowledge-base document is an audit
event (`change` rows), so an answer can be tied to exactly what produced it (the rows before it say what was in
force). Each process compares what it runs with the last recorded state and records only the differences."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from core.audit.entries import AuditEntry
from core.audit.trail import AuditTrail
from core.store.models import AuditRow, DocumentRow

__all__ = ["record_configuration", "record_knowledge"]


async def _changes(trail: AuditTrail, subject: str) -> list[dict[str, Any]]:
    async with trail.db.session() as session:
        bodies = (await session.scalars(
            select(AuditRow.body).where(AuditRow.kind == "change").order_by(AuditRow.seq)
        )).all()
    return [b for b in bodies if b.get("subject") == subject]


async def record_configuration(trail: AuditTrail, values: Mapping[str, Any]) -> AuditRow | None:
    """Record the settings that shape answers (model, template version, threshold...) when they changed."""
    history = await _changes(trail, "config")
    before: dict[str, Any] = dict(history[-1]["values"]) if history else {}
    now = dict(values)
    changed = {k: [before.get(k), v] for k, v in now.items() if before.get(k) != v}
    changed |= {k: [v, None] for k, v in before.items() if k not in now}
    if not changed:
        return None
    return await trail.append(AuditEntry(kind="change", body={"subject": "config", "values": now, "changed": changed}))


async def record_knowledge(trail: AuditTrail) -> AuditRow | None:
    """Record the documents added, changed (new content hash) or removed since the last recorded state."""
    known: dict[str, str] = {}
    for change in await _changes(trail, "knowledge"):
        known |= change.get("added", {})
        known |= {source: pair[1] for source, pair in change.get("changed", {}).items()}
        for source in change.get("removed", []):
            known.pop(source, None)
    async with trail.db.session() as session:
        current = dict((await session.execute(select(DocumentRow.source, DocumentRow.content_hash))).all())
    body = {
        "subject": "knowledge",
        "added": {s: h for s, h in current.items() if s not in known},
        "changed": {s: [known[s], h] for s, h in current.items() if s in known and known[s] != h},
        "removed": sorted(s for s in known if s not in current),
    }
    if not (body["added"] or body["changed"] or body["removed"]):
        return None
    return await trail.append(AuditEntry(kind="change", body=body))
