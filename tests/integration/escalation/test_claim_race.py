"""20 advisors click Claim at the same moment: exactly one owner, 19 polite refusals, one card update.

Runs on a SQLite file and on PostgreSQL: the claim is one conditional UPDATE checked by its row count.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.server import RunningServer, start_server
from core.store.models import EscalationRow
from tests.integration.ws_client import ask, browser, desk_auth


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def any_db_server(request: pytest.FixtureRequest, make_settings) -> AsyncIterator[RunningServer]:  # type: ignore[no-untyped-def]
    overrides = {}
    if request.param == "postgres":
        overrides["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    running = await start_server(make_settings(**overrides), host="127.0.0.1", port=0)
    yield running
    await running.stop()


async def test_twenty_simultaneous_claims_have_one_winner(any_db_server: RunningServer) -> None:
    url = any_db_server.url
    async with (
        browser(headers=desk_auth(any_db_server)) as http,
        http.ws_connect(url + "/ws/chat") as person,
        http.ws_connect(url + "/advisor/ws") as desk,
    ):
        turn = await ask(person, "Someone logged into my account and I didn't make this transfer")
        escalation_id = turn.reply["escalation"]["id"]
        assert turn.reply["escalation"]["reason"] == "fraud"
        assert (await desk.receive_json())["event"] == "opened"

        async def click(n: int) -> tuple[int, dict]:
            body = {"advisor_id": f"adv{n}", "advisor_name": f"Advisor {n}"}
            async with http.post(f"{url}/advisor/api/escalations/{escalation_id}/claim", json=body) as response:
                return response.status, await response.json()

        results = await asyncio.gather(*(click(n) for n in range(20)))

        winners = [body for status, body in results if status == 200]
        refusals = [body for status, body in results if status == 409]
        assert len(winners) == 1 and len(refusals) == 19
        owner = winners[0]["escalation"]["advisor_name"]
        assert all(f"{owner} already has this one" in body["message"] for body in refusals)
        assert {body["escalation"]["advisor_name"] for _, body in results} == {owner}

        # Exactly one card update went out (the winner's). The person's next message is pushed on the same
        # socket after every update the claims caused, so it marks the end of what the claims sent.
        held = await ask(person, "hello? is anyone there?")
        assert held.reply["text"] == f"Passed to {owner}, who is handling this."
        frames = []
        while not frames or frames[-1]["type"] != "person_message":
            frames.append(await asyncio.wait_for(desk.receive_json(), 5))
        updates = [f for f in frames if f["type"] == "escalation"]
        assert [(f["event"], f["escalation"]["advisor_name"]) for f in updates] == [("updated", owner)]

    async with any_db_server.container.db.session() as session:
        row = await session.get(EscalationRow, escalation_id)
    assert row is not None and row.status == "claimed" and row.advisor_name == owner
    assert row.claim_seconds is not None and row.claim_seconds >= 0
