"""Isolation: 50 people each tell finbot a distinct secret; nobody's context or answers ever hold another's."""

from __future__ import annotations

import asyncio
import re

from bot.server import RunningServer
from tests.integration.ws_client import ask, browser, new_session, person_of

USERS = 50


def secret(i: int) -> str:
    return f"zq{i:03d}x"


async def test_fifty_people_never_see_each_others_facts(server: RunningServer) -> None:
    gate = asyncio.Semaphore(8)

    async def tell_then_ask(i: int) -> tuple[str, str, str]:
        async with gate, browser() as http:  # one browser per person: a session to tell, a new one to ask
            async with http.ws_connect(f"{server.url}/ws/chat") as ws:
                told = await ask(ws, f"I have a pet iguana called {secret(i)}.")
            await new_session(http, server.url)
            async with http.ws_connect(f"{server.url}/ws/chat") as ws:
                recalled = await ask(ws, "What do you remember about me?")
            return person_of(http), told.reply["text"], recalled.reply["text"]

    replies = await asyncio.gather(*(tell_then_ask(i) for i in range(USERS)))

    memory = server.container.memory
    assert memory is not None
    pattern = re.compile(r"zq\d{3}x")
    for i, (person, told, recalled) in enumerate(replies):
        assert pattern.findall(told) == [secret(i)]
        assert pattern.findall(recalled) == [secret(i)], recalled
        # The context builder, asked the way another person's secret would match best, still only sees theirs.
        for query in ("what is my iguana called?", f"tell me about {secret((i + 1) % USERS)}"):
            context = await memory.build_context(user_id=person, conversation_key=f"web:local:new{i}:-",
                                                 query=query)
            seen = "\n".join([context.prompt_block(), *context.statements()])
            assert set(pattern.findall(seen)) == {secret(i)}, (i, query, seen)
            assert [f.user_id for f in context.facts] == [person]
        stored = await memory.store.facts(person)
        assert [f.text for f in stored] == [f"has a pet iguana called {secret(i)}"]
