"""The redacting transport over httpx.MockTransport: requests leave with placeholders, responses (whole or
streamed, with a placeholder split across events) come back restored."""

from __future__ import annotations

import json

import httpx

from core.privacy import RedactingTransport, Redactor, Vault, open_ledger

CARD = "4111 1111 1111 1111"
EMAIL = "dana.west@example.com"


def _echo(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    said = body["messages"][-1]["content"]
    if not body.get("stream"):
        return httpx.Response(200, json={"choices": [{"index": 0, "message": {"role": "assistant", "content": said}}]})
    pieces = [said[i:i + 3] for i in range(0, len(said), 3)]  # cuts placeholders in two
    events = [{"choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]} for p in pieces]
    events.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    sse = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    return httpx.Response(200, content=sse.encode(), headers={"content-type": "text/event-stream"})


def _client(seen: list[bytes]) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return _echo(request) if request.url.path.endswith("/chat/completions") else httpx.Response(204)

    return httpx.AsyncClient(transport=RedactingTransport(Redactor(), inner=httpx.MockTransport(handler)))


async def test_a_request_leaves_redacted_and_the_answer_comes_back_restored() -> None:
    seen: list[bytes] = []
    ledger = open_ledger()
    text = f"Charge card {CARD} and mail {EMAIL}, then mail {EMAIL} again."
    async with _client(seen) as client:
        response = await client.post("https://llm.test/v1/chat/completions",
                                     json={"messages": [{"role": "user", "content": text}]})
    assert CARD not in seen[0].decode() and EMAIL not in seen[0].decode()
    assert "[CARD_1]" in seen[0].decode() and seen[0].decode().count("[EMAIL_1]") == 2
    assert response.json()["choices"][0]["message"]["content"] == text
    assert ledger.counts == {"CREDIT_CARD": 1, "EMAIL_ADDRESS": 2}
    assert "[CARD_1]" in json.dumps(ledger.sent)


async def test_a_streamed_answer_is_restored_across_split_placeholders() -> None:
    seen: list[bytes] = []
    open_ledger()
    text = f"Your card {CARD} is noted; we write to {EMAIL}"
    async with _client(seen) as client, client.stream(
        "POST", "https://llm.test/v1/chat/completions",
        json={"stream": True, "messages": [{"role": "user", "content": text}]},
    ) as response:
        body = (await response.aread()).decode()
    deltas = [json.loads(line[6:]) for line in body.split("\n\n") if line.startswith("data: {")]
    streamed = "".join(d["choices"][0]["delta"].get("content", "") for d in deltas)
    assert streamed == text
    assert CARD not in seen[0].decode()


async def test_other_requests_pass_untouched() -> None:
    seen: list[bytes] = []
    async with _client(seen) as client:
        await client.post("https://llm.test/v1/models", content=f"card {CARD}".encode())
    assert seen == [f"card {CARD}".encode()]


def test_placeholders_are_stable_and_kinds_configurable() -> None:
    only_email = Redactor(("EMAIL_ADDRESS",))
    vault = Vault()
    out = only_email.redact(f"{EMAIL} / {CARD} / {EMAIL}", vault)
    assert out == f"[EMAIL_1] / {CARD} / [EMAIL_1]"
    assert vault.restore(out) == f"{EMAIL} / {CARD} / {EMAIL}"


def test_a_prompt_is_analysed_paragraph_by_paragraph_with_the_same_placeholders() -> None:
    redactor = Redactor()
    vault = Vault()
    prompt = f"Instructions without data.\n\nMy email is {EMAIL}.\n\nCard {CARD}; write to {EMAIL}."
    out = redactor.redact(prompt, vault)
    assert EMAIL not in out and CARD not in out
    assert out.count("[EMAIL_1]") == 2 and "[CARD_1]" in out  # one value, one placeholder, in every paragraph
    assert vault.restore(out) == prompt
    # the next turn's prompt shares paragraphs: only the new one is analysed, the values keep their kinds
    again = redactor.redact(f"Instructions without data.\n\nCard {CARD} again.", Vault())
    assert again == "Instructions without data.\n\nCard [CARD_1] again."
