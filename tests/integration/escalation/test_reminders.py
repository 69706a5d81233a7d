"""The reminder job: unclaimed escalations are re-posted after N minutes and expire after M hours."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from bot.server import RunningServer
from core.escalation import EscalationService
from core.escalation.jobs import escalation_sweep
from core.store.models import EscalationRow
from tests.integration.ws_client import ask, browser, desk_auth


def _at(server: RunningServer, moment: datetime) -> EscalationService:
    """The server's escalation service, seen from a later moment (same database, desks and relays)."""
    service = server.container.escalations
    assert service is not None
    return EscalationService(
        store=service.store,
        conversations=server.container.conversations,
        router=service.router,
        policy=service.policy,
        clock=lambda: moment,
    )


async def _frame(ws: aiohttp.ClientWebSocketResponse, kind: str) -> dict[str, Any]:
    async with asyncio.timeout(10):
        while True:
            frame = await ws.receive_json()
            if frame.get("type") == kind:
                return frame


async def test_unclaimed_escalations_are_reminded_then_expire(server: RunningServer) -> None:
    async with (
        browser(headers=desk_auth(server)) as http,
        http.ws_connect(server.url + "/ws/chat") as person,
        http.ws_connect(server.url + "/advisor/ws") as desk,
    ):
        turn = await ask(person, "I want to close my account")
        escalation_id = turn.reply["escalation"]["id"]
        assert (await _frame(desk, "escalation"))["event"] == "opened"
        async with server.container.db.session() as session:
            row = await session.get(EscalationRow, escalation_id)
            assert row is not None
            opened_at = row.created_at

        assert (await escalation_sweep(_at(server, opened_at + timedelta(minutes=5)))).reminded == 0
        first = await escalation_sweep(_at(server, opened_at + timedelta(minutes=16)))
        assert (first.reminded, first.expired) == (1, 0)
        reminder = await _frame(desk, "escalation")
        assert reminder["event"] == "reminder" and reminder["escalation"]["id"] == escalation_id
        # Not again until another reminder period has passed; then again.
        assert (await escalation_sweep(_at(server, opened_at + timedelta(minutes=20)))).reminded == 0
        assert (await escalation_sweep(_at(server, opened_at + timedelta(minutes=32)))).reminded == 1
        assert (await _frame(desk, "escalation"))["escalation"]["reminders"] == 2

        expired = await escalation_sweep(_at(server, opened_at + timedelta(hours=25)))
        assert (expired.expired, expired.reminded) == (1, 0)
        note = await _frame(person, "relay")
        assert note["from"] == "finbot" and "no advisor was able to pick up" in note["text"]
        update = await _frame(desk, "escalation")
        assert update["event"] == "updated" and update["escalation"]["status"] == "expired"

        # Expired: the bot answers again.
        again = await ask(person, "What are the trading hours?")
        assert again.reply["silent"] is False and again.reply["text"]

    async with server.container.db.session() as session:
        row = await session.get(EscalationRow, escalation_id)
    assert row is not None and (row.status, row.reminders) == ("expired", 2) and row.closed_at is not None


async def test_a_claimed_escalation_is_neither_reminded_nor_expired(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
        turn = await ask(ws, "talk to an advisor")
    escalation_id = turn.reply["escalation"]["id"]
    body = {"advisor_id": "ann", "advisor_name": "Ann"}
    async with browser(headers=desk_auth(server)) as http:
        async with http.post(f"{server.url}/advisor/api/escalations/{escalation_id}/claim", json=body) as claimed:
            assert claimed.status == 200
    service = server.container.escalations
    assert service is not None
    later = await escalation_sweep(_at(server, datetime.now(tz=service.policy.hours.zone) + timedelta(days=3)))
    assert (later.reminded, later.expired) == (0, 0)


async def test_the_scheduled_job_runs_the_sweep_on_the_container(server: RunningServer) -> None:
    from sqlalchemy import update

    from bot.jobs import JOBS, JobScheduler

    assert "escalation-reminders" in JOBS
    async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
        turn = await ask(ws, "human please")
        escalation_id = turn.reply["escalation"]["id"]
        async with server.container.db.session() as session:  # the escalation was opened two days ago
            await session.execute(
                update(EscalationRow)
                .where(EscalationRow.id == escalation_id)
                .values(created_at=datetime.now(tz=UTC) - timedelta(days=2))
            )
        report = await JobScheduler(server.container).run("escalation-reminders")
        assert (report.expired, report.reminded) == (1, 0)  # type: ignore[attr-defined]
        assert "no advisor was able to pick up" in (await _frame(ws, "relay"))["text"]
