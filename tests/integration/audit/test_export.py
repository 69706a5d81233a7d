"""Export: JSON Lines round-trips (every hash recomputes); the EML parses with `email` and carries the
transcript and the sources the answers read."""

from __future__ import annotations

import email
import json
from email import policy

from core.audit.chain import row_hash
from tests.conftest import SettingsFactory
from tests.integration.audit.test_turns import WIRE, finbot, say


async def test_jsonl_and_eml_exports(make_settings: SettingsFactory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from bot.server import start_server

    settings = make_settings()
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        await say(server, [WIRE, "What are the trading hours?"], user="dana", session="one")
        await say(server, ["hello"], user="erin", session="two")
    finally:
        await server.stop()
    today = datetime.now().date()  # noqa: DTZ005 - the window only needs to contain today
    window = ["--from", f"{today.replace(day=1).isoformat()}", "--to", "2100-01-01"]

    exported = finbot(settings.data_dir, "audit", "export", *window, "--format", "jsonl")
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [r["kind"] for r in rows] == ["change", "change", "turn", "turn", "turn"]  # the change log, then turns
    previous = "0" * 64
    for r in rows:  # an archive can recompute the chain from the export alone
        assert r["prev_hash"] == previous
        assert row_hash(seq=r["seq"], kind=r["kind"], created_at=datetime.fromisoformat(r["created_at"]),
                        person_id=r["person_id"], conversation_key=r["conversation_key"], turn_id=r["turn_id"],
                        body=r["body"], prev_hash=r["prev_hash"]) == r["hash"]
        previous = r["hash"]

    dana = finbot(settings.data_dir, "audit", "export", *window, "--person", "web:local:dana")
    assert [json.loads(line)["person_id"] for line in dana.stdout.splitlines()] == ["web:local:dana"] * 2

    folder = tmp_path / "eml"
    made = finbot(settings.data_dir, "audit", "export", *window, "--format", "eml", "--out", str(folder))
    assert made.returncode == 0, made.stderr
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2  # one per conversation-day
    parsed = [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    one = next(m for m in parsed if "web:local:one" in m["Subject"])
    assert one["Message-ID"] and one["Date"] and "web.local.dana@" in one["From"]
    transcript = one.get_body(preferencelist=("plain",)).get_content()
    assert WIRE in transcript and "$25" in transcript and "What are the trading hours?" in transcript
    attachments = {a.get_filename(): a.get_content() for a in one.iter_attachments()}
    sources = [text for name, text in attachments.items() if name.startswith("source-")]
    assert sources and any("$25" in s for s in sources), "the passage the wire answer read travels with it"
    records = [json.loads(line) for line in attachments["records.jsonl"].decode().splitlines()]
    assert [(r["kind"], r["body"]["question"]) for r in records] == [("turn", WIRE),
                                                                      ("turn", "What are the trading hours?")]
