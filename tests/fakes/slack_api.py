"""A fake Slack Web API for ``AsyncWebClient(token=..., base_url=fake.url + "/api/")``.

Every ``POST /api/{method}`` is recorded as a :class:`SlackCall` whose ``args`` merge the query string
with the JSON, url-encoded or multipart body. Upload URLs handed out by ``files.getUploadURLExternal``
point back at this fake (``/upload/{file_id}``) and the bytes land in :attr:`FakeSlackWebAPI.uploads`.

Socket Mode: ``apps.connections.open`` hands out ``ws://127.0.0.1:<port>/socket``; :attr:`FakeSlackWebAPI.socket`
sends envelopes over it (``hello`` first, as Slack does) and records the client's acks
(https://docs.slack.dev/apis/events-api/using-socket-mode).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes._base import FakeServer, RecordedRequest, fmt_seconds

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T1"
BOT_NAME = "finbot"
UPLOAD_METHOD = "<upload>"
POST_METHODS = ("chat.postMessage", "chat.postEphemeral")
STREAM_METHODS = ("chat.startStream", "chat.appendStream", "chat.stopStream")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

Answer = Callable[["SlackCall"], dict[str, Any]]


class SlackCall(RecordedRequest):
    """A recorded Slack API call; ``api_method`` is e.g. ``"chat.postMessage"`` (or ``"<upload>"``)."""

    @property
    def api_method(self) -> str:
        return self.params.get("method", UPLOAD_METHOD)

    @property
    def args(self) -> dict[str, Any]:
        return {**self.query, **self.body}

    @property
    def token(self) -> str | None:
        auth = self.headers.get("authorization", "")
        return auth.removeprefix("Bearer ") or self.args.get("token")

    @property
    def response_ts(self) -> str | None:
        return (self.response or {}).get("ts")

    @property
    def streamed_markdown(self) -> str:
        """Markdown a ``chat.*Stream`` call carried, as ``markdown_text`` and/or ``markdown_text`` chunks."""
        chunks = self.json_arg("chunks") or []
        texts = [str(self.args.get("markdown_text") or "")]
        texts += [str(c.get("text", "")) for c in chunks if c.get("type") == "markdown_text"]
        return "".join(texts)

    def json_arg(self, name: str) -> Any:
        """An argument that form-encoded calls send as a JSON string (``blocks``, ``files``...), decoded."""
        value = self.args.get(name)
        return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Upload:
    file_id: str
    data: bytes

    @property
    def head(self) -> bytes:
        return self.data[:16]

    @property
    def is_png(self) -> bool:
        return self.data.startswith(PNG_MAGIC)


@dataclass
class _MethodFault:
    times: int | None
    status: int = 200
    error: str = ""
    retry_after: float = 1


class FakeSlackWebAPI(FakeServer[SlackCall]):
    """Answers the Web API methods finbot uses; unknown methods answer ``{"ok": true}``."""

    def __init__(self) -> None:
        super().__init__(SlackCall)
        self.users: dict[str, dict[str, Any]] = {}
        self.threads: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.uploads: list[Upload] = []
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._method_faults: dict[str, list[_MethodFault]] = {}
        self._answers: dict[str, Answer] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": lambda c: {"ok": True, "message_ts": self._next_ts()},
            "chat.update": self._update,
            "chat.delete": lambda c: {"ok": True, "channel": c.args.get("channel"), "ts": c.args.get("ts")},
            "chat.startStream": lambda c: {
                "ok": True,
                "channel": c.args.get("channel"),
                "ts": self._next_ts(),
            },
            "chat.appendStream": lambda c: {
                "ok": True,
                "channel": c.args.get("channel"),
                "ts": c.args.get("ts"),
            },
            "chat.stopStream": self._stop_stream,
            "users.info": self._users_info,
            "conversations.replies": self._replies,
            "conversations.open": self._open,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }
        self.add_route("POST", "/api/{method}", "api", self._api)
        self.add_route("GET", "/api/{method}", "api", self._api)
        self.add_route("POST", "/upload/{file_id}", "upload", self._upload)
        self.socket = FakeSocketMode(self)
        self._answers["apps.connections.open"] = lambda c: {"ok": True, "url": self.socket.ws_url}
        self.app.router.add_get("/socket", self.socket.handle)

    # -- scripting ---------------------------------------------------------------------------------

    def add_user(self, user_id: str, real_name: str, display_name: str | None = None, **extra: Any) -> None:
        self.users[user_id] = {"real_name": real_name, "display_name": display_name or real_name, **extra}

    def seed_thread(self, channel: str, thread_ts: str, messages: Iterable[dict[str, Any]]) -> None:
        """Messages ``conversations.replies`` returns for the thread (replies posted later are appended)."""
        self.threads[(channel, thread_ts)] = [{"thread_ts": thread_ts, **m} for m in messages]

    def rate_limit_next(self, method: str, retry_after: float = 1, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with HTTP 429 and ``Retry-After``."""
        self._method_faults.setdefault(method, []).append(
            _MethodFault(times, 429, "ratelimited", retry_after)
        )

    def fail_method(self, method: str, error: str = "some_error", times: int | None = None) -> None:
        """Answer ``method`` with ``{"ok": false, "error": error}`` (``times=None``: until cleared)."""
        self._method_faults.setdefault(method, []).append(_MethodFault(times, 200, error))

    def clear_failures(self) -> None:
        self._method_faults.clear()

    def set_answer(self, method: str, answer: Answer) -> None:
        """Override how ``method`` is answered: ``answer(call) -> response dict``."""
        self._answers[method] = answer

    # -- queries -----------------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[SlackCall]:
        return [c for c in self.requests if method is None or c.api_method == method]

    def posted_texts(self, methods: Iterable[str] = POST_METHODS) -> list[str]:
        wanted = set(methods)
        return [str(c.args.get("text", "")) for c in self.requests if c.api_method in wanted]

    def stream_text(self, ts: str | None = None) -> str:
        """Markdown streamed into one chat stream (the latest one when ``ts`` is None)."""
        starts = [c for c in self.calls("chat.startStream") if c.response and c.response.get("ts")]
        start = next((c for c in reversed(starts) if ts is None or c.response_ts == ts), None)
        if start is None:
            return ""
        streamed = [start] + [
            c
            for c in self.requests
            if c.api_method in STREAM_METHODS[1:] and c.args.get("ts") == start.response_ts
        ]
        return "".join(c.streamed_markdown for c in streamed)

    def error_response(self, status: int, retry_after: float | None) -> web.Response:
        headers = {"Retry-After": fmt_seconds(retry_after)} if retry_after is not None else None
        return web.json_response({"ok": False, "error": f"http_{status}"}, status=status, headers=headers)

    # -- handlers ----------------------------------------------------------------------------------

    async def _api(self, request: web.Request, call: SlackCall) -> web.StreamResponse:
        fault = self._take_method_fault(call.api_method)
        if fault is not None and fault.status == 429:
            headers = {"Retry-After": fmt_seconds(fault.retry_after)}
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers=headers)
        if fault is not None:
            return web.json_response({"ok": False, "error": fault.error})
        answer = self._answers.get(call.api_method, lambda c: {"ok": True})
        call.response = answer(call)
        return web.json_response(call.response)

    async def _upload(self, request: web.Request, call: SlackCall) -> web.StreamResponse:
        data = call.raw
        self.uploads.append(Upload(call.params["file_id"], data))
        call.body.update({"file_id": call.params["file_id"], "length": len(data), "head": data[:16]})
        return web.Response(text=f"OK - {len(data)}")

    def _take_method_fault(self, method: str) -> _MethodFault | None:
        faults = self._method_faults.get(method) or []
        if not faults:
            return None
        fault = faults[0]
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                faults.pop(0)
        return fault

    def _next_ts(self) -> str:
        micros = next(self._ts) * 100
        return f"{1_700_000_000 + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _auth_test(self, call: SlackCall) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://finbot-test.slack.com/",
            "team": "Finbot Test",
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _post_message(self, call: SlackCall) -> dict[str, Any]:
        args = call.args
        ts = self._next_ts()
        message = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "text": args.get("text", ""),
            "ts": ts,
        }
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
            self.threads.setdefault((args.get("channel", ""), args["thread_ts"]), []).append(message)
        return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}

    def _update(self, call: SlackCall) -> dict[str, Any]:
        args = call.args
        message = {"type": "message", "user": BOT_USER_ID, "text": args.get("text", ""), "ts": args.get("ts")}
        return {
            "ok": True,
            "channel": args.get("channel"),
            "ts": args.get("ts"),
            "text": message["text"],
            "message": message,
        }

    def _stop_stream(self, call: SlackCall) -> dict[str, Any]:
        args = call.args
        message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": args.get("ts")}
        return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts"), "message": message}

    def _users_info(self, call: SlackCall) -> dict[str, Any]:
        user_id = str(call.args.get("user", ""))
        known = self.users.get(user_id, {})
        real_name = known.get("real_name", f"User {user_id}")
        profile = {
            "real_name": real_name,
            "display_name": known.get("display_name", real_name),
            "email": known.get("email", f"{user_id.lower()}@example.com"),
        }
        extra = {k: v for k, v in known.items() if k not in profile}
        user = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": user_id.lower(),
            "real_name": real_name,
            "tz": "UTC",
        }
        return {"ok": True, "user": {**user, **extra, "profile": profile}}

    def _replies(self, call: SlackCall) -> dict[str, Any]:
        key = (str(call.args.get("channel", "")), str(call.args.get("ts", "")))
        return {"ok": True, "messages": list(self.threads.get(key, [])), "has_more": False}

    def _open(self, call: SlackCall) -> dict[str, Any]:
        users = str(call.args.get("users", "")).split(",")
        return {"ok": True, "channel": {"id": "D" + users[0].removeprefix("U")}}

    def _upload_url(self, call: SlackCall) -> dict[str, Any]:
        file_id = f"F{next(self._ids):06d}"
        return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, call: SlackCall) -> dict[str, Any]:
        files = [
            {"id": f["id"], "title": f.get("title", ""), "name": f.get("title", "")}
            for f in call.json_arg("files")
        ]
        return {"ok": True, "files": files}


class FakeSocketMode:
    """Slack's side of Socket Mode: one WebSocket per `apps.connections.open`, envelopes out, acks in."""

    def __init__(self, fake: FakeSlackWebAPI) -> None:
        self._fake = fake
        self.connections = 0
        self.acks: list[str] = []
        self._current: web.WebSocketResponse | None = None
        self._connected = asyncio.Event()
        self._acked = asyncio.Condition()

    @property
    def ws_url(self) -> str:
        return self._fake.url.replace("http://", "ws://") + "/socket"

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.connections += 1
        self._current = ws
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        self._connected.set()
        async for message in ws:
            if message.type == web.WSMsgType.TEXT:
                envelope_id = json.loads(message.data).get("envelope_id")
                if envelope_id:
                    async with self._acked:
                        self.acks.append(envelope_id)
                        self._acked.notify_all()
        if self._current is ws:
            self._current = None
            self._connected.clear()
        return ws

    async def wait_connected(self, connections: int = 1, timeout: float = 10.0) -> None:
        async def ready() -> None:
            while self.connections < connections or self._current is None:
                await asyncio.sleep(0.02)

        await asyncio.wait_for(ready(), timeout)

    async def send(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0) -> str:
        """Send an envelope (`events_api`, `slash_commands`, `interactive`); returns its id."""
        assert self._current is not None, "no Socket Mode connection"
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        await self._current.send_json(envelope)
        return envelope_id

    async def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> None:
        async with self._acked:
            await asyncio.wait_for(self._acked.wait_for(lambda: envelope_id in self.acks), timeout)

    async def disconnect(self) -> None:
        """Slack's `disconnect` envelope: the client is to open a new connection."""
        assert self._current is not None
        await self._current.send_json({"type": "disconnect", "reason": "refresh_requested", "debug_info": {}})

    async def drop(self) -> None:
        """The connection breaks without warning."""
        if self._current is not None:
            await self._current.close()
