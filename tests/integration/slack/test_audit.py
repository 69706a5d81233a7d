"""A signed Slack event's answer is in the audit trail, with the Slack person, team and channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
from sqlalchemy import select

from bot.server import start_server
from core.audit import verify_chain
from core.store.models import AuditRow
from tests.fakes import FakeSlackWebAPI
from tests.fakes.slack_signing import assistant_thread_payload, new_ts
from tests.fakes.slack_signing import slash_command_body as command_body
from tests.integration.slack.conftest import SlackHarness

WIRE = "How much does it cost to send an outgoing domestic wire?"


async def test_a_slack_answer_is_recorded(slack: SlackHarness) -> None:
    ts = new_ts()
    await slack.send_event(assistant_thread_payload(WIRE, user="U1", channel="D1", thread_ts=ts))
    await slack.wait_call("chat.stopStream")
    audit = slack.server.container.audit
    assert audit is not None
    async with slack.server.container.db.session() as session:
        [row] = (await session.scalars(select(AuditRow).where(AuditRow.kind == "turn"))).all()
    who = row.body["who"]
    assert row.person_id == "slack:T1:U1" and who["platform"] == "slack" and who["tenant"] == "T1"
    assert who["channel"] == "D1" and who["thread"] == ts
    assert row.body["question"] == WIRE and "$25" in row.body["answer"]
    assert "$25" in slack.fake.stream_text()
    assert (await verify_chain(audit)).ok


async def test_finbot_review_lists_and_records_decisions_for_reviewers_only(
    slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI
) -> None:
    settings = slack_settings(FINBOT_REVIEWERS="slack:T1:U-REV", FINBOT_REVIEW_SAMPLE=1, FINBOT_AUDIT_KEY="k")
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http:
            harness = SlackHarness(server, fake_slack, http)
            await harness.send_event(assistant_thread_payload(WIRE, user="U1", channel="D1", thread_ts=new_ts()))
            await harness.wait_call("chat.stopStream")
            refused = await harness.send_form(command_body("/finbot-review", "", user_id="U-OTHER"))
            listed = await harness.send_form(command_body("/finbot-review", "", user_id="U-REV"))
            async with server.container.db.session() as session:
                [turn] = (await session.scalars(select(AuditRow).where(AuditRow.kind == "turn"))).all()
            decided = await harness.send_form(
                command_body("/finbot-review", f"follow_up {turn.seq} check the fee table", user_id="U-REV"))
            again = await harness.send_form(command_body("/finbot-review", "", user_id="U-REV"))
            async with server.container.db.session() as session:
                [review] = (await session.scalars(select(AuditRow).where(AuditRow.kind == "review"))).all()
    finally:
        await server.stop()
    assert refused.status == 200 and "only for the firm's reviewers" in refused.body and WIRE not in refused.body
    assert f"*Row {turn.seq}* (sampled)" in listed.body and WIRE in listed.body
    assert "Recorded: follow up" in decided.body
    assert "Nothing awaits review" in again.body
    assert review.body["reviewer"] == "slack:T1:U-REV" and review.body["note"] == "check the fee table"
    assert review.body["target_seq"] == turn.seq
