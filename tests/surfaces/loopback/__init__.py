"""A whole new surface in one package: what adding a platform to finbot takes (plus one line in SURFACES).

`POST /loopback/messages` {"user", "text"} answers through `adapters.base.run_turn` and returns what the sink
saw; its advisor desk and person channel record what the core asked of them.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from adapters.base import SurfaceServices, run_turn
from core.escalation import CardRef, Escalation
from core.types import Conversation, IncomingMessage, Person, Reply

__all__ = ["LoopbackSurface", "build"]

NAME = "loopback"


class Sink:
    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []

    async def progress(self, status: str) -> None:
        self.frames.append({"status": status})

    async def delta(self, text: str) -> None:
        self.frames.append({"delta": text})

    async def final(self, reply: Reply) -> None:
        self.frames.append({"reply": reply.model_dump(mode="json")})

    async def apologise(self, text: str) -> None:
        self.frames.append({"error": text})


class Desk:
    platform = NAME
    channel = "loopback:desk"

    def __init__(self) -> None:
        self.cards: list[Escalation] = []

    async def open_card(self, escalation: Escalation) -> CardRef:
        self.cards.append(escalation)
        return CardRef(NAME, self.channel, escalation.id)

    async def update_card(self, escalation: Escalation) -> None: ...

    async def forward_person_message(self, escalation: Escalation, text: str) -> None: ...

    async def remind(self, escalation: Escalation) -> None: ...


class People:
    platform = NAME

    def __init__(self) -> None:
        self.relayed: list[tuple[str, str, str | None]] = []

    async def relay_to_person(self, conversation: Conversation, text: str, *, advisor_name: str | None) -> None:
        self.relayed.append((conversation.key, text, advisor_name))


class LoopbackSurface:
    name = NAME

    def __init__(self, services: SurfaceServices) -> None:
        self._services = services
        self._desk = Desk()
        self._people = People()

    @property
    def desk(self) -> Desk:
        return self._desk

    @property
    def person_channel(self) -> People:
        return self._people

    def mount(self, app: web.Application) -> None:
        app.router.add_post("/loopback/messages", self._message)

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def _message(self, request: web.Request) -> web.Response:
        body = await request.json()
        user = str(body["user"])
        message = IncomingMessage(
            event_id=f"{NAME}:{body.get('id') or id(body)}",
            person=Person.of(NAME, "local", user),
            conversation=Conversation(platform=NAME, tenant="local", channel_id=user, is_direct=True),
            text=str(body["text"]),
        )
        sink = Sink()
        await run_turn(self._services.assistant, message, sink)
        return web.json_response({"frames": sink.frames})


def build(services: SurfaceServices, settings: Any) -> LoopbackSurface | None:
    return LoopbackSurface(services)
