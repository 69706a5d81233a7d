"""TeamsDelivery: the streaming protocol, the ~1/s throttle, and the downgrade to one final message."""

from __future__ import annotations

from typing import Any

from botbuilder.schema import Activity

from adapters.teams.streaming import TeamsDelivery
from core.types import Citation, Reply

REPLY = Reply(text="Wires cost $25.", citations=[Citation(title="Fees", uri="https://x.test/fees")], turn_id="t1")


class Recorder:
    """Stands in for TurnContext.send_activity: records activities as JSON, fails the n-th call if asked."""

    def __init__(self, fail_on: set[int] | None = None) -> None:
        self.sent: list[dict[str, Any]] = []
        self.fail_on = fail_on or set()
        self.calls = 0

    async def __call__(self, activity: Activity) -> str | None:
        self.calls += 1
        if self.calls in self.fail_on:
            raise RuntimeError("connector said 502")
        self.sent.append(activity.serialize())
        return f"id-{self.calls}"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _info(activity: dict[str, Any]) -> dict[str, Any] | None:
    return next((e for e in activity.get("entities") or [] if e["type"] == "streaminfo"), None)


async def _run(delivery: TeamsDelivery, clock: Clock, deltas: list[str], step: float = 0.4) -> None:
    await delivery.start()
    await delivery.progress("searching the knowledge base...")
    for delta in deltas:
        clock.now += step
        await delivery.add(delta)
    await delivery.finish(REPLY)


async def test_stream_is_throttled_and_each_chunk_carries_all_text() -> None:
    send, clock = Recorder(), Clock()
    delivery = TeamsDelivery(send, streaming=True, interval_s=1.0, clock=clock)
    await _run(delivery, clock, ["Wires ", "cost ", "$25", ".", " More", " words"])  # one delta every 0.4 s

    kinds = [(a["type"], (_info(a) or {}).get("streamType")) for a in send.sent]
    assert kinds[0] == ("typing", None) and kinds[1] == ("typing", "informative") and kinds[-1] == ("message", "final")
    chunks = [a for a in send.sent if (_info(a) or {}).get("streamType") == "streaming"]
    # informative at t=0; deltas at 0.4, 0.8, 1.2 (sent), 1.6, 2.0, 2.4 (sent): at most one update per second
    assert [c["text"] for c in chunks] == ["Wires cost $25", "Wires cost $25. More words"]
    assert [_info(c)["streamSequence"] for c in chunks] == [2, 3]
    assert {_info(c)["streamId"] for c in chunks} == {"id-2"}  # the informative update's id
    final = send.sent[-1]
    assert final["text"] == REPLY.text
    assert _info(final) == {"type": "streaminfo", "streamType": "final", "streamId": "id-2"}
    card = final["attachments"][0]["content"]
    assert all(item.get("text") != REPLY.text for item in card["body"]), "the text is in the message, not twice"


async def test_a_failed_chunk_downgrades_to_one_final_message_with_the_whole_answer() -> None:
    send, clock = Recorder(fail_on={4}), Clock()  # typing, informative, chunk 1 ok; chunk 2 fails
    delivery = TeamsDelivery(send, streaming=True, interval_s=0, clock=clock)
    await _run(delivery, clock, ["Wires ", "cost ", "$25", "."])

    assert delivery.broken
    after_failure = send.sent[3:]
    assert len(after_failure) == 1, "nothing is streamed after the failure"
    final = after_failure[0]
    assert final["type"] == "message" and _info(final) is None
    assert final["attachments"][0]["content"]["body"][0]["text"] == REPLY.text


async def test_a_failed_final_stream_message_is_resent_plainly() -> None:
    send, clock = Recorder(fail_on={5}), Clock()
    delivery = TeamsDelivery(send, streaming=True, interval_s=0, clock=clock)
    await _run(delivery, clock, ["Wires ", "cost."])
    assert send.calls == 6
    assert send.sent[-1]["type"] == "message" and _info(send.sent[-1]) is None


async def test_no_streaming_outside_personal_chats() -> None:
    send, clock = Recorder(), Clock()
    await _run(TeamsDelivery(send, streaming=False, interval_s=0, clock=clock), clock, ["Wires ", "cost."])
    assert [a["type"] for a in send.sent] == ["typing", "message"]
    assert all(_info(a) is None for a in send.sent)
