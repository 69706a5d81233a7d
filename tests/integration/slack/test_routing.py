"""Routing that needs evidence, through signed Slack events (see tests/integration/test_routing_evidence.py)."""

from __future__ import annotations

import json
import re

from core.compose.disclaimer import DEFAULT_NO_RECOMMENDATION
from core.store.models import TurnMetricRow
from tests.fakes.slack_signing import message_im_payload, new_ts
from tests.integration.slack.conftest import SlackHarness

DEMO_SYMBOLS = ("VTI", "AAPL", "MSFT", "XOM", "JNJ", "VXUS", "BND", "GLD", "SPY")


async def test_through_signed_slack_events(slack: SlackHarness) -> None:
    """A Slack person with no holdings: Tesla has no quote here, and nobody's holdings are quoted."""
    ts = new_ts()  # AI-panel threads: streamed (top-level DMs are posted, one running conversation)
    await slack.send_event(message_im_payload("Should I buy Tesla stock?", user="U7", channel="D7", thread_ts=ts))
    stop = await slack.wait_call("chat.stopStream", lambda c: c.args.get("channel") == "D7")
    shown = slack.fake.stream_text() + json.dumps(stop.args)
    assert "I have no quote for TSLA" in shown and DEFAULT_NO_RECOMMENDATION in shown
    assert not [s for s in DEMO_SYMBOLS if re.search(rf"\b{s}\b", shown)], "nobody's holdings, no benchmark"
    assert "not personalised investment advice" not in shown

    ts = new_ts()
    question = "What was Home Depot's market share?"
    await slack.send_event(message_im_payload(question, user="U8", channel="D8", thread_ts=ts))
    await slack.wait_call("chat.stopStream", lambda c: c.args.get("channel") == "D8")
    await slack.server.container.assistant.drain()
    async with slack.server.container.db.session() as session:
        routes = [r.route for r in (await session.execute(TurnMetricRow.__table__.select())).all()]
    assert sorted(routes) == ["knowledge", "market"]
