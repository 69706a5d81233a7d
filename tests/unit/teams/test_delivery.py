"""The one-message delivery (group chats, channels, fallback): AI label and citation entities for the sources the
text refers to."""

from __future__ import annotations

from adapters.teams.delivery import client_citations, final_message, sdk_citations
from core.types import Citation, Reply

FEES = Citation(title="Fees", uri="https://x.test/fees", snippet="Outgoing domestic wires cost $25.")
HOURS = Citation(title="Hours", uri="kb/hours.md", snippet="Markets open at 9:30 ET.")


def test_only_cited_sources_become_claims_with_web_links_only() -> None:
    claims = client_citations("Wires cost $25 [1].", [FEES, HOURS])
    assert claims is not None and [(c.position, c.appearance.name, c.appearance.url) for c in claims] == [
        (1, "Fees", "https://x.test/fees")
    ]
    assert client_citations("No markers here.", [FEES]) is None
    assert [c.url for c in sdk_citations([FEES, HOURS])] == ["https://x.test/fees", None]


def test_final_message_carries_the_ai_label_citations_and_the_whole_card() -> None:
    activity = final_message(Reply(text="Wires cost $25 [1].", citations=[FEES], turn_id="t1"))
    body = activity.model_dump(mode="json", by_alias=True, exclude_none=True)
    [ai] = body["entities"]
    assert ai["additionalType"] == ["AIGeneratedContent"] and ai["citation"][0]["appearance"]["name"] == "Fees"
    card = body["attachments"][0]["content"]
    assert "Wires cost $25" in card["body"][0]["text"]
    assert [a["type"] for a in card["actions"]] == ["Action.Execute", "Action.Execute"]
    no_thumbs = final_message(Reply(text="ok", turn_id="t1"), feedback=False)
    assert "actions" not in no_thumbs.attachments[0].content
