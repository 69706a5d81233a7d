"""Honest refusals in a Slack thread: a near miss gets the nearest sources and an offer, then the next question
is answered with citations (the refusal does not hold the conversation)."""

from __future__ import annotations

from tests.fakes.slack_signing import message_im_payload, new_ts
from tests.integration.slack.conftest import SlackHarness

NEAR_MISS = "Do you offer gold IRAs?"
WIRE = "How much does it cost to send an outgoing domestic wire?"


async def test_slack_thread_refuses_a_near_miss_then_answers_with_citations(slack: SlackHarness) -> None:
    ts = new_ts()  # an AI-panel thread (top-level DMs are one running conversation, posted rather than streamed)
    await slack.send_event(message_im_payload(NEAR_MISS, user="U9", channel="D9", thread_ts=ts))
    await slack.wait_call("chat.stopStream", lambda c: c.args.get("channel") == "D9")
    refused = slack.fake.stream_text()
    assert "couldn't find" in refused and "nearest documents" in refused and "advisor" in refused

    await slack.send_event(message_im_payload(WIRE, user="U9", channel="D9", thread_ts=ts))
    await slack.wait_call("chat.stopStream", lambda c: len(slack.fake.calls("chat.stopStream")) >= 2)
    answer = slack.fake.calls("chat.stopStream")[-1]
    assert "$25" in slack.fake.stream_text()
    sources = str(answer.json_arg("blocks"))
    assert "Money Transfers" in sources
