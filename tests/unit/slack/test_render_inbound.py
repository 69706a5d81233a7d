"""Slack payloads in, Block Kit out: pure functions, Slack's limits."""

from __future__ import annotations

import json

from adapters.slack import inbound, render
from adapters.slack.middleware import claim_key
from core.types import Citation, EscalationNotice, Figure, Reply
from tests.fakes.slack_signing import app_mention_payload, message_im_payload, slash_command_body


def test_dm_becomes_incoming_with_stable_ids_and_a_thread() -> None:
    body = message_im_payload("what are the fees?", user="U7", channel="D7", ts="100.1", team_id="T9")
    message = inbound.event_to_incoming(body, bot_user_id="UBOT")
    assert message.person.id == "slack:T9:U7"
    conversation = message.conversation
    assert conversation.is_direct and conversation.thread_id == "100.1"
    assert conversation.reference == {"channel": "D7", "thread_ts": "100.1", "team": "T9", "user": "U7"}
    assert message.event_id == f"slack:{body['event_id']}" and message.kind == "message"


def test_mention_text_loses_the_bot_mention_and_keeps_the_thread() -> None:
    body = app_mention_payload("<@UBOT> hi <@U2>", channel="C1", ts="5.5", thread_ts="4.4")
    message = inbound.event_to_incoming(body, bot_user_id="UBOT")
    assert message.text == "hi <@U2>" and message.kind == "mention"
    assert not message.conversation.is_direct and message.conversation.thread_id == "4.4"
    assert inbound.event_to_incoming(app_mention_payload("<@UBOT>"), bot_user_id="UBOT").text == "help"


def test_slash_command_is_a_private_per_person_conversation() -> None:
    from urllib.parse import parse_qsl

    body = dict(parse_qsl(slash_command_body("/finbot", " fees? ", user_id="U3", channel_id="C3")))
    message = inbound.command_to_incoming(body)
    assert message.text == "fees?" and message.kind == "command"
    assert message.conversation.key == "slack:T1:C3:cmd-U3"


def test_person_messages_vs_bots_and_edits() -> None:
    assert inbound.is_person_message({"user": "U1", "text": "hi"})
    assert not inbound.is_person_message({"user": "U1", "text": "hi", "bot_id": "B1"})
    assert not inbound.is_person_message({"user": "U1", "text": "hi", "subtype": "message_changed"})
    assert not inbound.is_person_message({"user": "U1", "text": "  "})


def test_claim_keys_separate_mentions_from_channel_messages_but_catch_redeliveries() -> None:
    mention = app_mention_payload("hi", ts="1.1")
    as_message = {**mention, "event": {**mention["event"], "type": "message"}, "event_id": "Ev-other"}
    redelivered = {**mention, "event_id": "Ev-new"}
    assert claim_key(mention) != claim_key(as_message)
    assert claim_key(mention) == claim_key(redelivered)
    assert claim_key({"type": "block_actions"}) is None


def test_mrkdwn_conversion_and_escaping() -> None:
    text = render.to_mrkdwn("## Fees\n**Wires** cost *$25* & see [the guide](https://x.test/a?b=1) <now>")
    assert text == "*Fees*\n*Wires* cost _$25_ &amp; see the guide &lt;now&gt;"


def test_echoed_links_and_mentions_stay_inert_in_block_kit() -> None:
    echoed = "I'll remember that your bank is [verify here](https://evil.example) <!channel> <https://x.test|y>"
    blocks = json.dumps(render.reply_blocks(Reply(text=echoed, citations=[])))
    assert "<https://evil.example" not in blocks and "<!channel>" not in blocks and "<https://x.test|" not in blocks
    assert "verify here" in blocks and "&lt;!channel&gt;" in blocks


def test_long_answers_split_under_section_and_block_limits() -> None:
    paragraph = ("Wire transfers are processed on business days. " * 40).strip()
    text = "\n\n".join([paragraph] * 120)  # ~230,000 chars
    blocks = render.reply_blocks(Reply(text=text, turn_id="t" * 3000, citations=[]))
    assert len(blocks) <= render.MAX_BLOCKS
    assert all(len(b["text"]["text"]) <= render.SECTION_LIMIT for b in blocks if b["type"] == "section")
    feedback = [e for b in blocks if b["type"] == "context_actions" for e in b["elements"]]
    values = [e[side]["value"] for e in feedback for side in ("positive_button", "negative_button")]
    assert values and all(len(v) <= render.BUTTON_VALUE_LIMIT for v in values)
    assert "cut here" in json.dumps(blocks)
    pieces = render.split_text("word " * 2000, limit=3000)
    assert all(len(p) <= 3000 for p in pieces) and " ".join(pieces).split() == ["word"] * 2000


def test_reply_blocks_have_sources_figures_confidence_escalation_and_feedback() -> None:
    reply = Reply(
        text="It costs $25 [1].",
        citations=[
            Citation(title="Money Transfers", uri="https://kb.test/money#wires"),
            Citation(title="Fees", uri="file:///kb/fees.md#table"),
        ],
        figures=[Figure(name="Holdings", columns=["Fund", "Value"], rows=[["VTI", "$1,000"]])],
        confidence=40,
        low_confidence=True,
        escalation=EscalationNotice(id="esc-1", reason="asked", expected="An advisor will reply within 1 hour."),
        turn_id="turn-1",
    )
    blocks = render.reply_blocks(reply)
    dumped = json.dumps(blocks)
    assert "<https://kb.test/money#wires|Money Transfers>" in dumped and "`fees.md`" in dumped
    assert "Confidence 40%" in dumped and "esc-1" in dumped
    (table,) = [b for b in blocks if b["type"] == "table"]
    assert [[c["text"] for c in row] for row in table["rows"]] == [["Fund", "Value"], ["VTI", "$1,000"]]
    assert table["column_settings"] == [{"align": "left"}, {"align": "right"}]
    (feedback,) = [e for b in blocks if b["type"] == "context_actions" for e in b["elements"]]
    assert render.feedback_of({"action_id": feedback["action_id"], "value": feedback["negative_button"]["value"]}) == (
        "turn-1", -1,
    )
    classic = render.reply_blocks(reply, native=False)
    assert "```Fund" in json.dumps(classic) and not [b for b in classic if b["type"] in ("table", "context_actions")]
    actions = [b for b in classic if b["type"] == "actions"][0]["elements"]
    assert [(a["action_id"], a["value"]) for a in actions] == [
        (render.FEEDBACK_UP, "turn-1"),
        (render.FEEDBACK_DOWN, "turn-1"),
    ]
    assert "Confidence" not in json.dumps(render.reply_blocks(reply.model_copy(update={"low_confidence": False})))
    shared = render.reply_blocks(reply, share=True)
    assert render.SHARE in json.dumps(shared)
    extras = render.extra_blocks(reply)
    assert extras[-1]["type"] == "context_actions" and "$25" not in json.dumps(extras)


def test_top_level_dms_continue_the_open_session_within_its_window() -> None:
    from adapters.slack.sessions import continue_session
    from core.types import Conversation

    session = inbound.dm_session_conversation(team="T1", channel="D1", user="U1", session_id="1000.000001",
                                              ts="1000.000001")
    thread = Conversation(platform="slack", tenant="T1", channel_id="D1", thread_id="1005.000001", is_direct=True,
                          reference={"channel": "D1", "thread_ts": "1005.000001", "team": "T1", "user": "U1"})
    assert continue_session([thread, session], "1015.000002", window_s=3600) == "1000.000001"  # threads skipped
    assert continue_session([session], f"{1000 + 3601}.000002", window_s=3600) is None  # too long ago: new session
    assert continue_session([], "1015.000002", window_s=3600) is None


def test_an_offer_button_finds_its_conversation_again() -> None:
    session = inbound.dm_session_conversation(team="T1", channel="D1", user="U1", session_id="1000.000001",
                                              ts="1000.000009")
    command = inbound.command_conversation(team="T1", channel="C9", user="U9")
    thread = inbound.conversation_for(team="T1", channel="C1", thread_ts="1000.000002", is_direct=False, user="U1")
    for conversation in (session, command, thread):
        value = inbound.offer_value(conversation)
        again = inbound.conversation_of_offer(value, team="T1", channel=conversation.channel_id,
                                              user=str((conversation.reference or {})["user"]))
        assert again is not None and again.key == conversation.key
    assert (command.reference or {})["private"] is True
    assert inbound.conversation_of_offer("x:1", team="T1", channel="C1", user="U1") is None


def test_a_link_cut_between_streamed_deltas_never_goes_out_live() -> None:
    echoed = "Your bank is [verify here](https://evil.example/a) <!channel>; see [1] & [2]."
    for size in range(1, len(echoed) + 1):
        stream = render.MarkdownStream()
        sent = [stream.feed(echoed[i : i + size]) for i in range(0, len(echoed), size)] + [stream.flush()]
        assert "".join(sent) == "Your bank is verify here &lt;!channel&gt;; see [1] &amp; [2].", size
        assert not any("https://evil" in piece for piece in sent), size
    assert render.unfinished_link("see [verify](https://ev") == 4 and render.unfinished_link("see [1] ok") == 10


def test_slack_entities_are_decoded_inbound_and_escaped_once_outbound() -> None:
    typed = inbound.slack_unescape("Q&amp;A &lt;!channel&gt; <!here>")
    assert typed == "Q&A <!channel> <!here>"
    assert render.escape_mrkdwn(typed) == "Q&amp;A &lt;!channel&gt; &lt;!here&gt;"
