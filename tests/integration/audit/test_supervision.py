"""Supervision: a flagged answer is on the review queue; a reviewer's decision is in the chain; a non-reviewer
is refused; the compliance view needs its own token and searches the records."""

from __future__ import annotations

import aiohttp

from bot.server import start_server
from core.audit import verify_chain
from tests.conftest import SettingsFactory
from tests.integration.audit.test_turns import WIRE, say

TOKEN = "review-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def test_flagged_answers_are_reviewed_by_reviewers_only(make_settings: SettingsFactory) -> None:
    settings = make_settings(FINBOT_REVIEW_TOKEN=TOKEN, FINBOT_REVIEWERS="jane", FINBOT_REVIEW_SAMPLE=0,
                             FINBOT_AUDIT_KEY="k3y")
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        await say(server, [WIRE, "Is my wire guaranteed to arrive the same day?"])
        async with aiohttp.ClientSession() as http:
            base = server.url + "/compliance/api"
            async with http.get(base + "/queue") as anonymous:
                assert anonymous.status == 401
            async with http.get(base + "/queue", headers={"Authorization": "Bearer wrong"}) as wrong:
                assert wrong.status == 401
            async with http.get(base + "/queue", headers=AUTH) as listed:
                queue = (await listed.json())["queue"]
            assert [(q["body"]["question"], q["body"]["review"]["flags"]) for q in queue] == [
                ("Is my wire guaranteed to arrive the same day?", ["promissory"])
            ]
            seq = queue[0]["seq"]

            decision = {"seq": seq, "decision": "follow_up", "note": "the model must not promise timing"}
            async with http.post(base + "/decisions", headers=AUTH, json={**decision, "reviewer": "bob"}) as refused:
                assert refused.status == 403 and "not a reviewer" in (await refused.json())["error"]
            async with http.post(base + "/decisions", headers=AUTH, data="{not json") as malformed:
                assert malformed.status == 400
            async with http.post(base + "/decisions", headers=AUTH, json={**decision, "seq": 999,
                                                                           "reviewer": "jane"}) as unknown:
                assert unknown.status == 404
            async with http.post(base + "/decisions", headers=AUTH, json={**decision, "reviewer": "jane"}) as ok:
                assert ok.status == 200
                row = (await ok.json())["decision"]
            assert row["kind"] == "review" and row["body"]["decision"] == "follow_up"
            assert row["body"]["reviewer"] == "jane" and row["body"]["target_seq"] == seq and row["signature"]
            async with http.get(base + "/queue", headers=AUTH) as after:
                assert (await after.json())["queue"] == []
            async with http.get(base + "/records", headers=AUTH, params={"q": "guaranteed"}) as search:
                found = (await search.json())["records"]
            assert [r["seq"] for r in found] == [seq]
            async with http.get(base + "/records", headers=AUTH, params={"from": "not a date"}) as bad:
                assert bad.status == 400
            async with http.get(server.url + "/compliance") as page:
                assert page.status == 200 and "/compliance/api/queue" in await page.text()
        assert server.container.audit is not None
        assert (await verify_chain(server.container.audit)).ok
    finally:
        await server.stop()


async def test_without_its_token_the_view_is_off(make_settings: SettingsFactory) -> None:
    server = await start_server(make_settings(), host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http, http.get(server.url + "/compliance/api/queue") as missing:
            assert missing.status == 404
    finally:
        await server.stop()
