"""Teams, over real HTTP with real JWTs: `review` from a reviewer -> the supervision queue as an Adaptive Card at
the fake connector; its Follow up button (Action.Execute) records a signed decision in the audit chain; anyone
else is refused and sees nothing of the queue."""

from __future__ import annotations

import json

import aiohttp
from sqlalchemy import select

from bot.server import start_server
from core.store.models.audit import AuditRow
from tests.conftest import SettingsFactory
from tests.fakes import FakeBotConnector
from tests.fakes.bf_activities import TENANT_ID, invoke_activity, message_activity

REVIEWER = "aad-reviewer"
WIRE = "How much does it cost to send an outgoing domestic wire?"


async def test_review_card_lists_the_queue_and_its_button_records_a_decision(make_settings: SettingsFactory) -> None:
    async with FakeBotConnector() as connector:
        settings = make_settings(
            FINBOT_TEAMS=True, FINBOT_TEAMS_STREAM_INTERVAL=0, FINBOT_REVIEWERS=f"teams:{TENANT_ID}:{REVIEWER}",
            FINBOT_REVIEW_SAMPLE=1, FINBOT_AUDIT_KEY="k",
        )
        server = await start_server(settings, host="127.0.0.1", port=0)
        try:
            async with aiohttp.ClientSession() as http:

                async def post(activity: dict) -> tuple[int, str]:
                    async with http.post(server.url + "/api/messages", json=activity) as response:
                        status, text = response.status, await response.text()
                    await server.container.teams_app.drain()
                    return status, text

                await post(message_activity(WIRE, service_url=connector.url, conversation_id="a:client"))
                await server.container.assistant.drain()
                await post(message_activity("review", service_url=connector.url, conversation_id="a:other"))
                refused = connector.texts()[-1]
                cards_before = len(connector.cards())
                await post(message_activity("review", service_url=connector.url, conversation_id="a:rev",
                                            aad_object_id=REVIEWER))
                card = connector.cards()[-1]
                follow_up = next(
                    a for b in card["body"] if b["type"] == "ActionSet" for a in b["actions"]
                    if a["data"]["decision"] == "follow_up"
                )
                execute = {"action": {"type": "Action.Execute", "verb": follow_up["verb"], "data": follow_up["data"]}}
                stranger_status, stranger_body = await post(invoke_activity(
                    value=execute, service_url=connector.url, conversation_id="a:other"))
                status, body = await post(invoke_activity(
                    value=execute, service_url=connector.url, conversation_id="a:rev", aad_object_id=REVIEWER))
            async with server.container.db.session() as session:
                reviews = (await session.scalars(select(AuditRow).where(AuditRow.kind == "review"))).all()
                [turn] = (await session.scalars(select(AuditRow).where(AuditRow.kind == "turn"))).all()
        finally:
            await server.stop()
    assert "only for the firm's reviewers" in refused and len(connector.cards()) > cards_before
    assert WIRE in json.dumps(card) and f"Row {turn.seq}" in json.dumps(card)
    assert stranger_status == 200 and "only for the firm's reviewers" in stranger_body
    assert status == 200 and "Recorded: follow up" in body
    [review] = reviews
    assert review.body["reviewer"] == f"teams:{TENANT_ID}:{REVIEWER}" and review.body["target_seq"] == turn.seq
