"""A small web-chat client for tests: send a question, collect frames until the final one."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import aiohttp

__all__ = ["ChatTurn", "ask", "browser", "conversation_of", "desk_auth", "new_session", "person_of", "signed_in"]


@dataclass
class ChatTurn:
    frames: list[dict[str, Any]] = field(default_factory=list)

    @property
    def deltas(self) -> list[str]:
        return [f["text"] for f in self.frames if f["type"] == "delta"]

    @property
    def final(self) -> dict[str, Any]:
        return next(f for f in self.frames if f["type"] == "final")

    @property
    def reply(self) -> dict[str, Any]:
        return self.final["reply"]


async def ask(ws: aiohttp.ClientWebSocketResponse, text: str, timeout: float = 30.0) -> ChatTurn:
    await ws.send_json({"type": "message", "text": text})
    turn = ChatTurn()
    async with asyncio.timeout(timeout):
        while True:
            frame = await ws.receive_json()
            turn.frames.append(frame)
            if frame["type"] in ("final", "error"):
                return turn


def browser(**kwargs: Any) -> aiohttp.ClientSession:
    """One browser: its cookie jar keeps the identity cookie finbot issues, so every socket it opens is the same
    person and session (`unsafe=True`: aiohttp otherwise keeps no cookie of an IP address such as 127.0.0.1)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), **kwargs)


def desk_auth(server: Any) -> dict[str, str]:
    """The advisor desk's bearer header, with the token the running server generated (or was given)."""
    return {"Authorization": f"Bearer {server.container.surface('web').keys.advisor_token}"}


async def new_session(http: aiohttp.ClientSession, url: str) -> None:
    """What the page's "New conversation" does: a new session of the same person (the cookie's)."""
    async with http.post(url + "/chat/session", json={"new": True}) as response:
        assert response.status == 200, await response.text()


def person_of(http: aiohttp.ClientSession) -> str:
    """The person id finbot issued this browser (read from its cookie, as the server would)."""
    import jwt

    token = next(c.value for c in http.cookie_jar if c.key == "finbot_web")
    return f"web:local:{jwt.decode(token, options={'verify_signature': False})['p']}"


def conversation_of(http: aiohttp.ClientSession) -> str:
    """The conversation key of this browser's current session."""
    import jwt

    token = next(c.value for c in http.cookie_jar if c.key == "finbot_web")
    return f"web:local:{jwt.decode(token, options={'verify_signature': False})['s']}:-"


def signed_in(server: Any, person: str, session: str = "s1", **kwargs: Any) -> aiohttp.ClientSession:
    """A browser holding the cookie the server would issue to `person` in `session`: the test signs it with the
    server's own key, as the Slack tests sign requests with the signing secret (a client without it cannot)."""
    import jwt
    from yarl import URL

    key = server.container.surface("web").keys.identity_key
    token = jwt.encode({"p": person, "s": session, "aud": "finbot-web-chat"}, key, "HS256")
    http = browser(**kwargs)
    http.cookie_jar.update_cookies({"finbot_web": token}, URL(server.url))
    return http
