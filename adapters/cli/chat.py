"""`finbot chat`: talk to finbot in the terminal, through the same Assistant as every surface."""

from __future__ import annotations

import asyncio
import getpass
import sys
import uuid
from typing import TextIO

from core.assistant import Assistant
from core.types import Conversation, IncomingMessage, Person, Progress, Reply, TextDelta

__all__ = ["chat_loop"]

PROMPT = "you> "


def _message(text: str, user: str, session: str) -> IncomingMessage:
    return IncomingMessage(
        event_id=f"cli:{uuid.uuid4().hex}",
        person=Person.of("cli", "local", user, user),
        conversation=Conversation(platform="cli", tenant="local", channel_id=session, is_direct=True),
        text=text,
    )


def _print_final(reply: Reply, out: TextIO) -> None:
    out.write(f"\n{reply.text}\n")
    for number, citation in enumerate(reply.citations, start=1):
        out.write(f"  [{number}] {citation.title}\n")
    if reply.strategy != "template":
        out.write(f"  (confidence {reply.confidence}%, {reply.strategy})\n")


async def chat_loop(assistant: Assistant, *, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> None:
    """Read questions line by line until EOF or 'exit'; stream each answer."""
    user = getpass.getuser()
    session = uuid.uuid4().hex[:12]
    out.write("finbot (type 'exit' to leave)\n")
    while True:
        out.write(PROMPT)
        out.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line or line.strip().lower() in ("exit", "quit"):
            return
        if not line.strip():
            continue
        out.write("finbot> ")
        async for event in assistant.stream(_message(line.strip(), user, session)):
            if isinstance(event, TextDelta):
                out.write(event.text)
                out.flush()
            elif isinstance(event, Progress):
                continue
            elif isinstance(event, Reply):
                _print_final(event, out)
