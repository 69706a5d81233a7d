"""Personal data never reaches the language model: 200 messages over /ws/chat, each with planted card, IBAN,
routing, account, SSN, tax id, email, phone and street-address values; the fake OpenAI server records every
request, none holds a planted value, and the person sees the values restored in the answer."""

from __future__ import annotations

import random
import re
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.server import start_server
from core.store.models import AuditRow
from tests.conftest import SettingsFactory
from tests.fakes import FakeOpenAI
from tests.integration.ws_client import ask

N = 100
"""Messages per test; the two halves make the 200 (each on its own server, within the test timeout)."""
PLACEHOLDER = re.compile(r"\[[A-Z_]+_\d+\]")


def _luhn_card(rng: random.Random) -> str:
    digits = [4] + [rng.randrange(10) for _ in range(14)]
    total = sum(d if i % 2 else (2 * d if 2 * d < 10 else 2 * d - 9) for i, d in enumerate(reversed(digits)))
    digits.append((10 - total % 10) % 10)  # the check digit, appended at the right
    number = "".join(map(str, digits))
    return " ".join(number[i:i + 4] for i in range(0, 16, 4)) if rng.random() < 0.5 else number


def _iban(rng: random.Random) -> str:
    bban = "".join(str(rng.randrange(10)) for _ in range(18))
    check = 98 - int(bban + "131400") % 97  # D=13 E=14, "00"
    return f"DE{check:02d}{bban}"


def _routing(rng: random.Random) -> str:
    while True:
        d = [rng.randrange(10) for _ in range(8)]
        for last in range(10):
            n = [*d, last]
            weighted = 3 * (n[0] + n[3] + n[6]) + 7 * (n[1] + n[4] + n[7]) + (n[2] + n[5] + n[8])
            if weighted % 10 == 0 and n[0] in (0, 1, 2):
                return "".join(map(str, n))


def plant(i: int) -> tuple[str, list[str]]:
    """A message and the values planted in it."""
    rng = random.Random(i)
    card, iban, routing = _luhn_card(rng), _iban(rng), _routing(rng)
    ssn = f"{rng.randrange(100, 665)}-{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}"
    phone = f"(415) {rng.randrange(200, 999)}-{rng.randrange(1000, 9999)}"
    email = f"client{i}.{rng.randrange(10**6)}@example.com"
    name, kind = rng.choice(["Maple", "Oak Hill", "Harbor", "Elm"]), rng.choice(["Street", "Avenue", "Road", "Lane"])
    street = f"{rng.randrange(10, 9999)} {name} {kind}"
    account = "".join(str(rng.randrange(10)) for _ in range(rng.choice([10, 11, 12])))
    itin = f"9{rng.randrange(10, 99)}-7{rng.randrange(0, 9)}-{rng.randrange(1000, 9999)}"
    templates = [
        f"How much does a domestic wire cost? Send it from card {card} to IBAN {iban}, routing {routing}.",
        f"My SSN is {ssn} and my email is {email}; what are the wire transfer fees?",
        f"Please call me at {phone} or write to {street} about the outgoing wire fee for account {account}.",
        f"My tax id is {itin}; can I wire money from account {account} (routing {routing}) today?",
    ]
    text = templates[i % 4]
    values = [v for v in (card, iban, routing, ssn, phone, email, street, account, itin) if v in text]
    return text, values


def _answer(request: dict[str, Any]) -> Any:
    """The model's answer repeats the placeholders it was given, so the test sees them restored."""
    if request.get("tools"):
        return "{}"
    users = [m for m in request["messages"] if m.get("role") == "user"]
    text = users[-1]["content"] if users else ""
    text = text if isinstance(text, str) else " ".join(p.get("text", "") for p in text)
    held = " ".join(PLACEHOLDER.findall(text))
    return f"An outgoing domestic wire costs $25 [1]. Noted for you: {held}."


@pytest.mark.parametrize("first", [0, N])
async def test_no_planted_value_reaches_the_model_and_the_person_sees_them(
    make_settings: SettingsFactory, fake_openai: FakeOpenAI, first: int
) -> None:
    fake_openai.responder = _answer
    settings = make_settings(  # the router, the query rewrite and the answer all ask the model
        OPENAI_API_KEY="test-key", OPENAI_BASE_URL=fake_openai.url + "/v1", FINBOT_QUERY_REWRITE="llm",
        FINBOT_ROUTER="llm", FINBOT_CONFIDENCE_THRESHOLD=0, FINBOT_ESCALATE_NO_ANSWER=False,
    )
    server = await start_server(settings, host="127.0.0.1", port=0)
    planted, shown = [], []
    try:
        async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
            for i in range(first, first + N):
                text, values = plant(i)
                planted.append(values)
                shown.append((await ask(ws, text)).reply["text"])
        await server.container.assistant.drain()
        async with server.container.db.session() as session:
            rows = (await session.scalars(select(AuditRow).where(AuditRow.kind == "turn"))).all()
        metrics = server.container.prometheus.exposition().decode() if server.container.prometheus else ""
    finally:
        await server.stop()

    requests = fake_openai.requests
    assert len(requests) >= 2 * N, "every message reached the model, through the router and the answer"
    sent = "\n".join(r.raw.decode() for r in requests)
    leaked = [v for values in planted for v in values if v in sent]
    assert leaked == [], f"{len(leaked)} planted values reached the model: {leaked[:5]}"
    restored = sum(1 for values, text in zip(planted, shown, strict=True) if values and all(v in text for v in values))
    llm_answers = sum(1 for text in shown if "Noted for you" in text)
    assert llm_answers == N and restored == N, (restored, llm_answers, shown[:3])
    assert not any(PLACEHOLDER.search(text) for text in shown), "no placeholder is left in what the person reads"
    counts = [row.body["pii"] for row in rows]
    assert len(rows) == N and all(sum(c.values()) >= 2 for c in counts)
    assert all(PLACEHOLDER.search(str(row.body["sent_to_model"])) for row in rows)
    assert 'finbot_pii_redacted_total{kind="CREDIT_CARD"}' in metrics
