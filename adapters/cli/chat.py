"""`finbot chat`: the terminal conversation loop.

The prompt comes first; the assistant loads in the background (`ready`), and a question typed before it is
ready waits for it. Commands: `/whoami` (your finbot user id and this conversation), `/help`, `exit`.
"""

from __future__ import annotations

import asyncio
import getpass
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from adapters.cli.terminal import Terminal
from core.types import Conversation, Person

if TYPE_CHECKING:
    from adapters.cli.surface import CliSurface

__all__ = ["HELP", "Identity", "chat_loop"]

BANNER = "finbot, your firm's assistant. Ask a question; /help for commands, exit to leave."
HELP = (
    "/whoami  your finbot user id and this conversation's id\n"
    "/help    this list\n"
    "exit     leave (Ctrl+D too)\n"
    "Anything else is a question for finbot. When finbot offers an advisor, type yes to accept."
)
_EXIT = frozenset({"exit", "quit", "/exit", "/quit", ":q"})


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is chatting: known before anything heavy loads (so /whoami answers at once)."""

    user: str = field(default_factory=getpass.getuser)
    session: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    @property
    def person_id(self) -> str:
        return Person.of("cli", "local", self.user).id

    @property
    def conversation_key(self) -> str:
        return Conversation(platform="cli", tenant="local", channel_id=self.session, is_direct=True).key


async def chat_loop(terminal: Terminal, identity: Identity, ready: Awaitable[CliSurface]) -> None:
    """Read lines until EOF or `exit`; answer each one once the assistant is ready."""
    terminal.say(BANNER, style="bold")
    surface: CliSurface | None = None
    while True:
        line = await terminal.read()
        if line is None or line.strip().lower() in _EXIT:
            return
        text = line.strip()
        if not text:
            continue
        if text.lower() == "/whoami":
            terminal.say(f"You are {identity.person_id} (your finbot user id); "
                         f"this conversation is {identity.conversation_key}.")
            continue
        if text.lower() in ("/help", "/?"):
            terminal.say(HELP)
            continue
        if surface is None:
            if not (isinstance(ready, asyncio.Future) and ready.done()):
                terminal.say("(finbot is still starting: one moment...)", style="dim")
            surface = await ready
            surface.attach(terminal)
        await surface.answer(text, terminal)
