"""Seeing and deleting what finbot remembers: "what do you remember about me?", "forget that I ...",
and `finbot memory export/delete --user ID` for data-subject requests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from bot.jobs import JobScheduler
from bot.server import RunningServer, start_server
from core.memory.subject import export_person
from core.store import Database
from core.store.models import ConversationRow, ConversationSummaryRow, MessageRow, TurnMetricRow, UserFactRow
from tests.conftest import SettingsFactory
from tests.integration.ws_client import ask, signed_in

ROOT = Path(__file__).resolve().parents[2]
DANA = "web:local:dana"


async def _say(server: RunningServer, session: str, texts: list[str], user: str = "dana") -> list[str]:
    out = []
    async with signed_in(server, user, session) as http, http.ws_connect(f"{server.url}/ws/chat") as ws:
        for text in texts:
            out.append((await ask(ws, text)).reply["text"])
    return out


async def test_forget_removes_the_fact_from_storage_and_later_contexts(make_settings: SettingsFactory) -> None:
    server = await start_server(make_settings(FINBOT_SUMMARY_IDLE_MIN="0"), host="127.0.0.1", port=0)
    try:
        await _say(server, "one", ["My name is Dana. I have two children.", "I prefer growth stocks."])
        await _say(server, "other", ["I have two children in college."], user="erin")  # same words, not Dana
        await JobScheduler(server.container).run("summarize")
        memory = server.container.memory
        assert memory is not None
        before = await memory.build_context(user_id=DANA, conversation_key="web:local:one:-", query="children")
        [recalled, forgot, after_recall] = await _say(
            server, "one",
            ["What do you remember about me?", "Forget that I have two children", "what do you remember about me?"],
        )
        later = await memory.build_context(user_id=DANA, conversation_key="web:local:one:-", query="children")
        fresh = await memory.build_context(user_id=DANA, conversation_key="web:local:two:-", query="my children")
        async with server.container.db.session() as session:
            dana_facts = (await session.scalars(select(UserFactRow.text).where(UserFactRow.user_id == DANA))).all()
            erin_facts = (
                await session.scalars(select(UserFactRow.text).where(UserFactRow.user_id == "web:local:erin"))
            ).all()
            said = (await session.scalars(select(MessageRow.text).where(MessageRow.user_id == DANA))).all()
            summary = await session.get(ConversationSummaryRow, "web:local:one:-")
    finally:
        await server.stop()

    assert "two children" in before.prompt_block() and "two children" in before.summary
    assert "- You have two children." in recalled and "- Your name is Dana." in recalled
    assert forgot == "Done. I've forgotten that you have two children."
    assert "children" not in after_recall and "You prefer growth stocks." in after_recall
    assert dana_facts == ["prefers growth stocks"]
    assert erin_facts == ["has two children in college"], "only the asker's facts are forgotten"
    # Gone from later contexts: facts, the summary, and the verbatim message it was said in.
    for context in (later, fresh):
        text = "\n".join([context.prompt_block(), *context.statements(), *(m["text"] for m in context.recent)])
        assert "children" not in text, text
    assert summary is not None and "children" not in summary.text
    assert said[:2] == ["My name is Dana.", "I prefer growth stocks."]  # the sentence that said it is gone
    assert "(asked finbot to forget something)" in said
    assert not any("children" in s for s in said)


def _finbot(settings_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FINBOT_DATA_DIR": str(settings_dir)}
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )


async def test_memory_export_and_delete_from_the_command_line(make_settings: SettingsFactory) -> None:
    settings = make_settings()
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        await _say(server, "s1", ["Hi, my name is Dana and I'm retiring in 2031.", "Keep it short."])
        await _say(server, "f1", ["I'm retiring in 2040."], user="frank")
        await server.container.assistant.drain()
    finally:
        await server.stop()

    exported = _finbot(settings.data_dir, "memory", "export", "--user", DANA)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert data["profile"]["name"] == "Dana" and data["profile"]["style"] == "brief"
    assert [f["text"] for f in data["facts"]] == ["is retiring in 2031"]
    assert [m["text"] for m in data["conversations"][0]["messages"]] == [
        "Hi, my name is Dana and I'm retiring in 2031.", "Keep it short."
    ]
    assert "2040" not in exported.stdout and "frank" not in exported.stdout

    people = _finbot(settings.data_dir, "users", "--search", "dana", "--json")  # how an operator learns the id
    assert people.returncode == 0, people.stderr
    assert [p["id"] for p in json.loads(people.stdout)] == [DANA]

    deleted = _finbot(settings.data_dir, "memory", "delete", "--user", DANA)
    assert deleted.returncode == 0, deleted.stderr
    counts = json.loads(deleted.stdout)["deleted"]
    assert counts["facts"] == 1 and counts["profiles"] == 1 and counts["conversations"] == 1
    assert counts["messages"] == 4  # both sides of Dana's direct conversation
    assert counts["turn_metrics"] == 2  # usage figures kept, but pseudonymised

    db = Database(settings.resolved_database_url)
    try:
        assert await export_person(db, DANA) == {"user_id": DANA, "profile": None, "facts": [], "conversations": []}
        frank = await export_person(db, "web:local:frank")
        async with db.session() as session:
            conversations = (await session.scalars(select(ConversationRow.key))).all()
            metric_users = set((await session.scalars(select(TurnMetricRow.user_id))).all())
    finally:
        await db.dispose()
    assert [f["text"] for f in frank["facts"]] == ["is retiring in 2040"]  # nobody else's memory is touched
    assert conversations == ["web:local:f1:-"]
    assert DANA not in metric_users and "web:local:frank" in metric_users
    assert any(user.startswith("deleted:") for user in metric_users)

    for action in ("export", "delete"):  # an unknown (or deleted) id says so and fails, instead of printing {}
        again = _finbot(settings.data_dir, "memory", action, "--user", DANA)
        assert again.returncode == 1 and again.stdout == ""
        assert f"finbot knows nobody with the id '{DANA}': nothing to {action}" in again.stderr
        assert "finbot users" in again.stderr
