"""The whole escalation loop on the embedded default: web chat -> /advisor -> claim -> reply -> relay -> close."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from sqlalchemy import select

from bot.server import RunningServer
from core.store.models import AuditRow, EscalationRow, MessageRow
from tests.integration.ws_client import ask, browser, desk_auth

JANE = {"advisor_id": "jane", "advisor_name": "Jane Advisor"}
BOB = {"advisor_id": "bob", "advisor_name": "Bob Broker"}


async def _next_frame(ws: aiohttp.ClientWebSocketResponse, kind: str, timeout: float = 10.0) -> dict[str, Any]:
    async with asyncio.timeout(timeout):
        while True:
            frame = await ws.receive_json()
            if frame.get("type") == kind:
                return frame


async def _row(server: RunningServer, escalation_id: str) -> EscalationRow:
    async with server.container.db.session() as session:
        row = await session.get(EscalationRow, escalation_id)
    assert row is not None
    return row


async def test_web_chat_to_advisor_page_and_back(server: RunningServer) -> None:
    url = server.url
    async with (
        browser(headers=desk_auth(server)) as http,
        http.ws_connect(url + "/ws/chat") as person,
        http.ws_connect(url + "/advisor/ws") as desk,
    ):
        turn = await ask(person, "I'd like to talk to a real person please")
        reply = turn.reply
        assert reply["escalation"]["reason"] == "asked_for_human"
        assert "advisor" in reply["text"] and reply["escalation"]["expected"] in reply["text"]
        escalation_id = reply["escalation"]["id"]
        opened = await _next_frame(desk, "escalation")
        assert opened["event"] == "opened" and opened["escalation"]["id"] == escalation_id

        async with http.get(url + "/advisor") as page:
            assert page.status == 200 and "/advisor/api/escalations" in await page.text()
        async with http.get(url + "/advisor/api/escalations") as listing:
            items = (await listing.json())["escalations"]
        assert [(e["id"], e["status"], e["question"]) for e in items] == [
            (escalation_id, "open", "I'd like to talk to a real person please")
        ]

        async with http.post(f"{url}/advisor/api/escalations/{escalation_id}/claim", json=JANE) as claimed:
            assert claimed.status == 200
            assert (await claimed.json())["escalation"]["advisor_name"] == "Jane Advisor"
        async with http.post(f"{url}/advisor/api/escalations/{escalation_id}/claim", json=BOB) as late:
            assert late.status == 409
            assert "Jane Advisor already has this one" in (await late.json())["message"]
        picked_up = await _next_frame(person, "relay")
        assert picked_up["from"] == "finbot" and "Jane Advisor has picked up your request" in picked_up["text"]

        # The person keeps typing: it reaches the advisor, and the bot only says who is handling it.
        held = await ask(person, "What are the trading hours? Also, are you there?")
        assert held.reply["silent"] is False and held.reply["text"] == "Passed to Jane Advisor, who is handling this."
        assert held.reply["escalation"] is None and held.reply["citations"] == []
        forwarded = await _next_frame(desk, "person_message")
        assert forwarded == {"type": "person_message", "id": escalation_id,
                             "text": "What are the trading hours? Also, are you there?"}
        async with http.get(f"{url}/advisor/api/escalations/{escalation_id}") as detail:
            thread = (await detail.json())["messages"]
        assert [m["role"] for m in thread] == ["user", "assistant", "assistant", "user", "assistant"]

        async with http.post(
            f"{url}/advisor/api/escalations/{escalation_id}/reply", json={**JANE, "text": "Hi Alice, **Jane** here."}
        ) as sent:
            assert sent.status == 200 and (await sent.json())["escalation"]["status"] == "answered"
        relay = await _next_frame(person, "relay")
        assert relay["from"] == "Jane Advisor" and "<strong>Jane</strong>" in relay["html"]

        row = await _row(server, escalation_id)
        assert row.status == "answered" and row.advisor_name == "Jane Advisor"
        assert row.claim_seconds is not None and row.answer_seconds is not None
        assert row.answer_seconds >= row.claim_seconds >= 0
        async with server.container.db.session() as session:
            roles = (await session.scalars(
                select(MessageRow.role).where(MessageRow.conversation_key == row.conversation_key)
                .order_by(MessageRow.id)
            )).all()
        assert roles == ["user", "assistant", "assistant", "user", "assistant", "advisor"]

        async with http.post(f"{url}/advisor/api/escalations/{escalation_id}/close", json=BOB) as not_owner:
            assert not_owner.status == 409
        async with http.post(f"{url}/advisor/api/escalations/{escalation_id}/close", json=JANE) as closed:
            assert closed.status == 200
        note = await _next_frame(person, "relay")
        assert note["from"] == "finbot" and "Jane Advisor has closed" in note["text"]
        assert (await _row(server, escalation_id)).closed_at is not None

        # Closed: finbot answers again.
        again = await ask(person, "How much does it cost to send an outgoing domestic wire?")
        assert again.reply["silent"] is False and "$25" in again.reply["text"]
        async with http.get(url + "/advisor/api/escalations") as listing:
            assert (await listing.json())["escalations"] == []
        async with server.container.db.session() as session:  # the books and records of all of it (core.audit)
            audit = (await session.scalars(
                select(AuditRow).where(AuditRow.kind != "change").order_by(AuditRow.seq)
            )).all()
        assert [(r.kind, r.body.get("action")) for r in audit] == [
            ("turn", None), ("advisor", "claim"), ("advisor", "person_message"), ("advisor", "answer"),
            ("advisor", "close"), ("turn", None),
        ]
        assert audit[3].body["text"] == "Hi Alice, **Jane** here."
        assert audit[3].body["advisor"]["name"] == "Jane Advisor"
        assert audit[0].body["escalation"]["id"] == escalation_id


async def test_sensitive_intent_escalates_without_a_bot_answer(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
        turn = await ask(ws, "Please sell all my Apple shares today")
    reply = turn.reply
    assert reply["escalation"]["reason"] == "trade_instruction"
    assert reply["strategy"] == "human" and reply["citations"] == []
    assert "can't place trades" in reply["text"]
    row = await _row(server, reply["escalation"]["id"])
    assert (row.status, row.reason, row.card_platform, row.confidence) == ("open", "trade_instruction", "web", None)


async def test_an_unanswerable_question_offers_an_advisor_and_accepting_hands_it_over(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
        await ask(ws, "What are the trading hours?")
        offered = await ask(ws, "What is the capital of Mongolia?")
        assert offered.reply["offer_advisor"] is True and offered.reply["escalation"] is None
        assert "couldn't find" in offered.reply["text"]
        await ws.send_json({"type": "accept_offer"})  # the offer's "Talk to an advisor" button
        turn = await _until_final(ws)
    reply = turn["reply"]
    assert reply["escalation"]["reason"] == "no_answer" and reply["offer_advisor"] is False
    assert "asked one of our advisors" in reply["text"] and reply["escalation"]["expected"] in reply["text"]
    row = await _row(server, reply["escalation"]["id"])
    assert row.question == "What is the capital of Mongolia?" and row.confidence == 0
    assert "Client: What are the trading hours?" in row.summary


async def _until_final(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    return await _next_frame(ws, "final")


async def test_advisor_api_needs_the_token_when_one_is_set(make_settings) -> None:  # type: ignore[no-untyped-def]
    from bot.server import start_server

    running = await start_server(make_settings(FINBOT_ADVISOR_TOKEN="s3cret"), host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(running.url + "/advisor/api/escalations") as denied:
                assert denied.status == 401
            async with http.get(
                running.url + "/advisor/api/escalations", headers={"Authorization": "Bearer s3cret"}
            ) as allowed:
                assert allowed.status == 200
            async with http.post(
                running.url + "/advisor/api/escalations/nope/claim",
                json=JANE,
                headers={"Authorization": "Bearer s3cret"},
            ) as missing:
                assert missing.status == 404
    finally:
        await running.stop()
