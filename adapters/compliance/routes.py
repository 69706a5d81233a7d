"""`/compliance` for principals and compliance officers, read-only except for review decisions.

GET  /compliance                     the page (static HTML calling the API below)
GET  /compliance/api/queue           sampled and flagged answers awaiting a decision
GET  /compliance/api/records         audit rows by ?person= ?from= ?to= ?q= (text search), newest first
POST /compliance/api/decisions       {"seq", "reviewer", "decision": "approve"|"follow_up", "note"}
Every route needs `Authorization: Bearer FINBOT_REVIEW_TOKEN` (401); a reviewer not in FINBOT_REVIEWERS is
refused (403); a malformed body is 400; an unknown record 404.
"""

from __future__ import annotations

import hmac
import json
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from aiohttp import web
from sqlalchemy import and_, select

from core.audit import AuditTrail
from core.audit.export import row_dict
from core.audit.review import NotAReviewer, ReviewQueue, UnknownRecord
from core.store.models import AuditRow

__all__ = ["register"]

QUEUE_KEY = web.AppKey("compliance_queue", ReviewQueue)
TRAIL_KEY = web.AppKey("compliance_trail", AuditTrail)
TOKEN_KEY = web.AppKey("compliance_token", str)


def register(app: web.Application, trail: AuditTrail, queue: ReviewQueue, *, token: str) -> None:
    app[TRAIL_KEY], app[QUEUE_KEY], app[TOKEN_KEY] = trail, queue, token
    app.router.add_get("/compliance", page)
    app.router.add_get("/compliance/api/queue", pending)
    app.router.add_get("/compliance/api/records", records)
    app.router.add_post("/compliance/api/decisions", decide)


def _guard(request: web.Request) -> None:
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), request.app[TOKEN_KEY].encode()):
        raise web.HTTPUnauthorized(text='{"error": "compliance token required"}', content_type="application/json")


def _bad(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": message}), content_type="application/json")


async def page(request: web.Request) -> web.Response:
    html = resources.files("adapters.compliance").joinpath("compliance.html").read_text(encoding="utf-8")
    return web.Response(text=html, content_type="text/html")


async def pending(request: web.Request) -> web.Response:
    _guard(request)
    rows = await request.app[QUEUE_KEY].pending()
    return web.json_response({"queue": [row_dict(r) for r in rows]})


def _when(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _bad(f"{name} must be an ISO date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def records(request: web.Request) -> web.Response:
    _guard(request)
    query = request.query
    conditions: list[Any] = []
    if person := query.get("person"):
        conditions.append(AuditRow.person_id == person)
    if start := _when(query.get("from"), "from"):
        conditions.append(AuditRow.created_at >= start)
    if end := _when(query.get("to"), "to"):
        conditions.append(AuditRow.created_at < end)
    select_rows = select(AuditRow).order_by(AuditRow.seq.desc()).limit(2000)
    if conditions:
        select_rows = select_rows.where(and_(*conditions))
    async with request.app[TRAIL_KEY].db.session() as session:
        rows = (await session.scalars(select_rows)).all()
    text = query.get("q", "").lower()
    found = [row_dict(r) for r in rows if not text or text in json.dumps(r.body, ensure_ascii=False).lower()]
    return web.json_response({"records": found[:200]})


async def decide(request: web.Request) -> web.Response:
    _guard(request)
    try:
        body = await request.json()
        seq, reviewer = int(body["seq"]), str(body["reviewer"])
        decision, note = str(body["decision"]), str(body.get("note", ""))
    except (ValueError, KeyError, TypeError):
        raise _bad('send {"seq", "reviewer", "decision", "note"}') from None
    try:
        row = await request.app[QUEUE_KEY].decide(seq, reviewer=reviewer, decision=decision, note=note)
    except NotAReviewer:
        raise web.HTTPForbidden(text=json.dumps({"error": f"{reviewer} is not a reviewer (FINBOT_REVIEWERS)"}),
                                content_type="application/json") from None
    except UnknownRecord:
        raise web.HTTPNotFound(text=json.dumps({"error": f"no answered turn with audit seq {seq}"}),
                               content_type="application/json") from None
    except ValueError as exc:
        raise _bad(str(exc)) from None
    return web.json_response({"decision": row_dict(row)})
