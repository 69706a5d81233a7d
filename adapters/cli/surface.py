"""The terminal surface (adapters.base.Surface): `finbot chat`, through the same `run_turn` as every platform.

Nothing to mount; no advisor desk (so hand-overs from the terminal get the firm's contact line unless a desk is
registered in the same process); advisor replies that do reach this process are printed in the conversation.
"""

from __future__ import annotations

import uuid
from typing import Any

from adapters.base import SurfaceServices, run_turn
from adapters.cli.terminal import Terminal, reply_renderable
from core.escalation import AdvisorDesk, PersonChannel
from core.types import Conversation, IncomingMessage, Person, Reply

__all__ = ["CliPersonChannel", "CliSink", "CliSurface", "build"]

HELD_QUIETLY = "(Your message was passed on to the advisor handling this conversation.)"


class CliSink:
    """One answer in the terminal: a spinner with the status, the text streaming as Markdown, the final answer."""

    def __init__(self, terminal: Terminal) -> None:
        self._terminal = terminal
        terminal.begin()

    async def progress(self, status: str) -> None:
        self._terminal.status(status)

    async def delta(self, text: str) -> None:
        self._terminal.stream(text)

    async def final(self, reply: Reply) -> None:
        if reply.silent or not reply.text.strip():  # never an empty reply
            self._terminal.end(reply_renderable(reply.model_copy(update={"text": HELD_QUIETLY})))
            return
        self._terminal.end(reply_renderable(reply))

    async def apologise(self, text: str) -> None:
        self._terminal.end(reply_renderable(Reply(text=text)))


class CliPersonChannel:
    """Advisor replies and notes for terminal people, printed into the running chat."""

    platform = "cli"

    def __init__(self, terminal: Terminal | None = None) -> None:
        self.terminal = terminal

    async def relay_to_person(self, conversation: Conversation, text: str, *, advisor_name: str | None) -> None:
        if self.terminal is not None:
            who = f"{advisor_name} (your advisor)" if advisor_name else "finbot"
            self.terminal.say(f"\n{who}> {text}")


class CliSurface:
    name = "cli"

    def __init__(self, services: SurfaceServices, *, user: str, session: str | None = None) -> None:
        self._services = services
        self.person = Person.of("cli", "local", user, user)
        self.conversation = Conversation(
            platform="cli", tenant="local", channel_id=session or uuid.uuid4().hex[:12], is_direct=True
        )
        self._people = CliPersonChannel()

    @property
    def desk(self) -> AdvisorDesk | None:
        return None

    @property
    def person_channel(self) -> PersonChannel | None:
        return self._people

    def mount(self, app: Any) -> None:
        """Nothing: the terminal is not on the web server."""

    async def start(self) -> None:
        """Nothing to connect."""

    async def stop(self) -> None:
        """Nothing to release."""

    def attach(self, terminal: Terminal) -> None:
        self._people.terminal = terminal

    def message(self, text: str) -> IncomingMessage:
        return IncomingMessage(
            event_id=f"cli:{uuid.uuid4().hex}", person=self.person, conversation=self.conversation, text=text
        )

    async def answer(self, text: str, terminal: Terminal) -> Reply | None:
        return await run_turn(self._services.assistant, self.message(text), CliSink(terminal))


def build(services: SurfaceServices, settings: Any, *, user: str = "", session: str | None = None) -> CliSurface:
    """`user`: the login name (the person is `cli:local:<user>`)."""
    import getpass

    return CliSurface(services, user=user or getpass.getuser(), session=session)
