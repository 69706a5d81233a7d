"""`finbot chat`: the terminal surface through the same run_turn, on the real container; and the command itself."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest

from adapters.cli import Identity, Terminal, chat_loop
from adapters.cli import surface as cli_surface
from bot.container import Container
from core.escalation import CardRef, Escalation
from tests.conftest import SettingsFactory

ROOT = Path(__file__).resolve().parents[2]
IDENTITY = Identity(user="alice", session="s1")


class RecordingDesk:
    """An advisor desk in the same process as the terminal (a real deployment shares one through the server)."""

    platform = "cli"
    channel = "desk"

    def __init__(self) -> None:
        self.cards: list[Escalation] = []
        self.forwarded: list[str] = []

    async def open_card(self, escalation: Escalation) -> CardRef:
        self.cards.append(escalation)
        return CardRef("cli", self.channel, escalation.id)

    async def update_card(self, escalation: Escalation) -> None: ...

    async def forward_person_message(self, escalation: Escalation, text: str) -> None:
        self.forwarded.append(text)

    async def remind(self, escalation: Escalation) -> None: ...


@pytest.fixture
async def container(make_settings: SettingsFactory) -> AsyncIterator[Container]:
    build = partial(cli_surface.build, user=IDENTITY.user, session=IDENTITY.session)
    opened = await Container.open(make_settings(), surfaces=(build,))
    await opened.ingest_sample_if_empty()
    yield opened
    await opened.close()


async def _chat(container: Container, *lines: str) -> str:
    out = io.StringIO()
    ready: asyncio.Future[object] = asyncio.get_running_loop().create_future()
    ready.set_result(container.surface("cli"))
    await chat_loop(Terminal(stdin=io.StringIO("".join(f"{line}\n" for line in lines)), out=out), IDENTITY,
                    ready)  # type: ignore[arg-type]
    return out.getvalue()


async def test_each_answer_is_shown_once_as_markdown_with_its_sources(container: Container) -> None:
    said = await _chat(container, "How much does a domestic wire cost?", "exit")
    assert said.count("Outgoing domestic wires") == 1, said
    assert "**" not in said and "$25" in said and "[1] Money Transfers" in said


async def test_whoami_shows_the_finbot_user_id(container: Container) -> None:
    said = await _chat(container, "/whoami")
    assert "cli:local:alice" in said and "cli:local:s1:-" in said


async def test_with_no_advisor_desk_a_yes_gets_the_contact_line(container: Container) -> None:
    said = await _chat(container, "What is the capital of Mongolia?", "yes")
    assert "Type yes to talk to an advisor." not in said  # nothing promised that nobody can deliver
    assert "I can't bring an advisor into this conversation from here" in said


async def test_yes_accepts_the_offer_and_while_the_hand_over_is_open_every_message_is_acknowledged(
    container: Container,
) -> None:
    desk = RecordingDesk()
    assert container.escalations is not None
    container.escalations.router.add_desk(desk)
    said = await _chat(container, "What is the capital of Mongolia?", "yes", "hello?", "are you there?")
    assert "Type yes to talk to an advisor." in said
    assert len(desk.cards) == 1 and desk.cards[0].question == "What is the capital of Mongolia?"
    assert desk.forwarded == ["hello?", "are you there?"]
    assert said.count("I've passed this on as well") == 2


def test_the_command_reaches_its_prompt_keeps_logs_out_and_answers(tmp_path: Path) -> None:
    env = {**os.environ, "FINBOT_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot.cli", "chat"], cwd=ROOT, env=env, capture_output=True, text=True,
        input="/whoami\nHow much does a domestic wire cost?\nexit\n", timeout=120, check=True,
    )
    assert done.stdout.count("you> ") == 3 and "$25" in done.stdout
    assert " INFO " not in done.stdout + done.stderr and " WARNING " not in done.stdout + done.stderr
    assert (tmp_path / "data" / "logs" / "chat.log").read_text(encoding="utf-8").strip()
