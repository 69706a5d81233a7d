"""A signed Slack event's answer is in the audit trail, with the Slack person, team and channel."""

from __future__ import annotations

from sqlalchemy import select

from core.audit import verify_chain
from core.store.models import AuditRow
from tests.fakes.slack_signing import assistant_thread_payload, new_ts
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
