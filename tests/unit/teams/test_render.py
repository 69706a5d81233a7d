"""Reply -> Adaptive Card 1.5."""

from __future__ import annotations

from adapters.teams.render import reply_card
from core.types import Citation, EscalationNotice, Figure, Reply


def _texts(card: dict) -> list[str]:
    return [e.get("text", "") for e in card["body"]] + [
        i.get("text", "") for e in card["body"] for i in e.get("items", [])
    ]


def test_card_has_answer_sources_confidence_figures_escalation_and_feedback() -> None:
    reply = Reply(
        text="It depends.",
        citations=[
            Citation(title="Fees [2024]", uri="https://kb.example.com/fees"),
            Citation(title="Wires", uri="/srv/kb/money-transfers.md"),
        ],
        figures=[Figure(name="Holdings", columns=["Ticker", "Value"], rows=[["VTI", "$1,000"]])],
        confidence=40,
        low_confidence=True,
        escalation=EscalationNotice(id="esc-7", reason="low confidence", expected="within 1 business hour"),
        follow_ups=["What about international wires?"],
        turn_id="turn-1",
    )
    card = reply_card(reply)

    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    texts = "\n".join(_texts(card))
    assert card["body"][0] == {"type": "TextBlock", "text": "It depends.", "wrap": True}
    assert "1. [Fees (2024)](https://kb.example.com/fees)" in texts
    assert "2. **Wires** (money-transfers.md)" in texts
    assert "Confidence 40%" in texts
    assert "esc-7" in texts and "within 1 business hour" in texts
    table = next(e for e in card["body"] if e["type"] == "Table")
    assert [c["items"][0]["text"] for c in table["rows"][1]["cells"]] == ["VTI", "$1,000"]
    data = [a["data"] for a in card["actions"]]
    assert {"verb": "feedback", "turn_id": "turn-1", "rating": 1} in data
    assert {"verb": "feedback", "turn_id": "turn-1", "rating": -1} in data
    assert {"msteams": {"type": "imBack", "value": "What about international wires?"}} in data


def test_confident_answer_without_turn_has_no_confidence_note_or_buttons() -> None:
    card = reply_card(Reply(text="Hello!", confidence=100))
    assert card["body"] == [{"type": "TextBlock", "text": "Hello!", "wrap": True}]
    assert "actions" not in card


def test_long_answers_are_cut_to_stay_under_teams_message_limit() -> None:
    card = reply_card(Reply(text="x" * 200_000, turn_id="t"))
    assert len(card["body"][0]["text"]) <= 20_000
