"""The web chat's identity is the server's signed cookie: a client cannot read another person's conversation by
naming their ids (in the URL, in a frame, in a forged or edited cookie, or from a page of another origin)."""

from __future__ import annotations

from typing import Any

import aiohttp
import jwt
import pytest

from bot.data_keys import WEB_KEY_FILE
from bot.server import RunningServer, start_server
from core.errors import ConfigurationError
from tests.conftest import SettingsFactory
from tests.integration.ws_client import ChatTurn, ask, browser, new_session, person_of

SECRET = "My name is Quentin Marlowe and my account ends in 7731."
ASK = "What was my name again?"


def _cookie(http: aiohttp.ClientSession) -> str:
    return next(c.value for c in http.cookie_jar if c.key == "finbot_web")


def _ids(http: aiohttp.ClientSession) -> dict[str, Any]:
    return jwt.decode(_cookie(http), options={"verify_signature": False})


def _leaks(turn: ChatTurn) -> bool:
    """Anything of A's conversation in what B was sent: A's history, A's words, A's name remembered."""
    text = str(turn.frames)
    return any(f["type"] == "history" for f in turn.frames) or "Quentin" in text or "7731" in text


async def _as_stranger(url: str, path: str, *, cookie: str | None = None, frame: dict[str, Any] | None = None,
                       origin: str | None = None) -> bool | None:
    """One attempt by person B; True when it read anything of A's conversation, None when refused."""
    headers = {"Cookie": f"finbot_web={cookie}"} if cookie else {}
    if origin:
        headers["Origin"] = origin
    async with aiohttp.ClientSession() as http:
        try:
            async with http.ws_connect(url + path, headers=headers) as ws:
                if frame is not None:
                    await ws.send_json(frame)
                return _leaks(await ask(ws, ASK))
        except aiohttp.WSServerHandshakeError as refused:
            assert refused.status == 403
            return None


async def test_forged_ids_read_nothing_of_another_persons_conversation(server: RunningServer) -> None:
    async with browser() as alice:
        async with alice.ws_connect(server.url + "/ws/chat") as ws:
            await ask(ws, SECRET)
        ids, cookie = _ids(alice), _cookie(alice)
        person, session = ids["p"], ids["s"]
        async with alice.ws_connect(server.url + "/ws/chat") as ws:  # a reload: the history, and her name
            history = await ws.receive_json()
            recalled = await ask(ws, ASK)
        assert history["type"] == "history" and history["messages"][0]["text"] == SECRET
        assert "Quentin" in recalled.reply["text"]

        url = server.url
        header, _, signature = cookie.rpartition(".")
        attempts = {
            "ids in the query": await _as_stranger(url, f"/ws/chat?user={person}&session={session}"),
            "person id in the query": await _as_stranger(url, f"/ws/chat?user={person}"),
            "ids in a frame": await _as_stranger(
                url, "/ws/chat", frame={"type": "message", "text": "hi", "user": person, "session": session}),
            "edited signature": await _as_stranger(url, "/ws/chat", cookie=f"{header}.{signature[::-1]}"),
            "signed with another key": await _as_stranger(
                url, "/ws/chat", cookie=jwt.encode({"p": person, "s": session, "aud": "finbot-web-chat"},
                                                   "not-the-server-key-but-32-bytes-long", "HS256")),
            "unsigned (alg none)": await _as_stranger(
                url, "/ws/chat", cookie=jwt.encode({"p": person, "s": session, "aud": "finbot-web-chat"},
                                                   None, "none")),
            "her real cookie from another origin": await _as_stranger(
                url, "/ws/chat", cookie=cookie, origin="http://127.0.0.1:9999"),
        }
        async with browser() as bob:  # B asks for a "new session" of A's person: it is B's own
            async with bob.post(url + "/chat/session", json={"new": True, "person": person, "session": session}):
                pass
            async with bob.ws_connect(url + f"/ws/chat?user={person}&session={session}") as ws:
                attempts["a new session naming her"] = _leaks(await ask(ws, ASK))
            assert person_of(bob) != f"web:local:{person}"
        async with aiohttp.ClientSession() as http:
            async with http.post(url + "/chat/session", json={"new": True}, headers={
                "Cookie": f"finbot_web={cookie}", "Origin": "http://127.0.0.1:9999"}) as r:
                cross_origin_session = r.status
    read = [name for name, leaked in attempts.items() if leaked]
    print(f"forged web identities: {len(attempts)} attempts, {len(read)} read A's conversation")
    assert read == []
    assert attempts["her real cookie from another origin"] is None  # refused outright (403)
    assert cross_origin_session == 403


async def test_a_new_session_is_the_same_person_and_a_restart_keeps_identities(make_settings: SettingsFactory) -> None:
    settings = make_settings()
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        async with browser() as http:
            async with http.post(server.url + "/chat/session", json={}) as first:
                assert first.status == 200
                set_cookie = first.headers["Set-Cookie"]
            assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie and "Path=/" in set_cookie
            person, session = _ids(http)["p"], _ids(http)["s"]
            async with http.post(server.url + "/chat/session", json={}) as again:  # has one: kept
                assert "Set-Cookie" not in again.headers
            async with http.ws_connect(server.url + "/ws/chat") as ws:
                await ask(ws, SECRET)
            await new_session(http, server.url)
            assert (_ids(http)["p"], _ids(http)["s"] != session) == (person, True)
            async with http.ws_connect(server.url + "/ws/chat") as ws:  # a new session, same person's memory
                fresh = await ask(ws, ASK)
            assert not any(f["type"] == "history" for f in fresh.frames) and "Quentin" in fresh.reply["text"]
            cookie = _cookie(http)
    finally:
        await server.stop()
    assert (settings.data_dir / WEB_KEY_FILE).exists()

    restarted = await start_server(settings, host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http, http.ws_connect(
            restarted.url + "/ws/chat", headers={"Cookie": f"finbot_web={cookie}"}
        ) as ws:
            history = await ws.receive_json()
    finally:
        await restarted.stop()
    assert history["type"] == "history" and [m["role"] for m in history["messages"]] == ["user", "assistant"]


async def test_the_session_endpoint_takes_json_only(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(server.url + "/chat/session", data="new=true",
                             headers={"Content-Type": "application/x-www-form-urlencoded"}) as form:
            assert form.status == 415
        async with http.post(server.url + "/chat/session", data="[1]",
                             headers={"Content-Type": "application/json"}) as not_object:
            assert not_object.status == 400
        async with http.post(server.url + "/chat/session", data="{nope",
                             headers={"Content-Type": "application/json"}) as broken:
            assert broken.status == 400


async def test_behind_a_proxy_the_public_origin_is_accepted_and_no_other(make_settings: SettingsFactory) -> None:
    public = "https://finbot.harborpine.test"
    server = await start_server(make_settings(FINBOT_PUBLIC_URL=public + "/"), host="127.0.0.1", port=0)
    try:
        statuses = {}
        async with aiohttp.ClientSession() as http:
            for origin in (public, "https://evil.harborpine.test", "http://127.0.0.1:9999"):
                async with http.post(server.url + "/chat/session", json={}, headers={"Origin": origin}) as r:
                    statuses[origin] = r.status
                    if r.status == 200:
                        assert "Secure" in r.headers["Set-Cookie"]  # an https address: the cookie is Secure
    finally:
        await server.stop()
    assert statuses == {public: 200, "https://evil.harborpine.test": 403, "http://127.0.0.1:9999": 403}


async def test_a_short_web_secret_is_refused_at_start(make_settings: SettingsFactory) -> None:
    with pytest.raises(ConfigurationError, match="FINBOT_WEB_SECRET"):
        await start_server(make_settings(FINBOT_WEB_SECRET="short"), host="127.0.0.1", port=0)
