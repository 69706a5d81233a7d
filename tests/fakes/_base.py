"""Shared machinery for the fake HTTP servers: lifecycle, request recording, fault injection."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Generic, Self, TypeVar
from urllib.parse import parse_qsl

from aiohttp import web
from multidict import MultiDictProxy

HEAD_BYTES = 16


@dataclass(kw_only=True)
class RecordedRequest:
    """One HTTP request as a fake server received it.

    ``headers`` keys are lower-cased. ``body`` is the parsed JSON object or form fields (multipart file
    fields become ``{"filename", "content_type", "size", "head"}``); ``raw`` holds the undecoded bytes
    (empty for multipart). ``route`` is the fake's name for the endpoint and ``params`` its decoded
    path parameters. ``status`` (and, where the fake sets it, the JSON ``response``) is filled in once
    the fake has answered.
    """

    method: str
    path: str
    route: str
    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    raw: bytes = b""
    status: int | None = None
    response: dict[str, Any] | None = None


R = TypeVar("R", bound=RecordedRequest)
Handler = Callable[[web.Request, R], Awaitable[web.StreamResponse]]
Predicate = Callable[[R], bool]


@dataclass(frozen=True)
class Fault:
    """A scripted misbehaviour consumed by one request: an HTTP error (``status``) or a delay."""

    status: int | None = None
    retry_after: float | None = None
    delay: float = 0.0
    path: str | None = None

    def applies_to(self, record: RecordedRequest) -> bool:
        return self.path is None or record.path == self.path or record.route == self.path


class FakeServer(Generic[R]):
    """An aiohttp application bound to 127.0.0.1 on a free port that records every request."""

    def __init__(self, record_type: type[R]) -> None:
        self._record_type = record_type
        self.requests: list[R] = []
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._changed = asyncio.Condition()
        self._closing = asyncio.Event()
        self._faults: deque[Fault] = deque()

    # -- lifecycle ---------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL (``http://127.0.0.1:PORT``, no trailing slash); only valid once started."""
        if self._url is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._url

    async def start(self) -> str:
        if self._url is not None:
            return self._url
        self._closing.clear()
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=0.5, handler_cancellation=True)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        self._runner = runner
        self._url = f"http://{host}:{port}"
        return self._url

    async def stop(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None
        self._url = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # -- recording ---------------------------------------------------------------------------------

    def clear(self) -> None:
        """Forget recorded requests (scripted faults are kept)."""
        self.requests.clear()

    def find(self, predicate: Predicate[R] | None = None) -> list[R]:
        return [r for r in self.requests if predicate is None or predicate(r)]

    async def wait_for(self, predicate: Predicate[R] | None = None, timeout: float = 5.0) -> R:
        """Return the first recorded request matching ``predicate``, waiting for it to arrive."""

        def first() -> R | None:
            return next((r for r in self.requests if predicate is None or predicate(r)), None)

        try:
            async with self._changed:
                await asyncio.wait_for(self._changed.wait_for(lambda: first() is not None), timeout)
        except TimeoutError:
            seen = [f"{r.method} {r.path}" for r in self.requests]
            raise TimeoutError(
                f"{type(self).__name__}: no matching request within {timeout}s; saw {seen}"
            ) from None
        found = first()
        assert found is not None
        return found

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- fault injection ---------------------------------------------------------------------------

    def fail_next(
        self, status: int = 500, *, times: int = 1, retry_after: float | None = None, path: str | None = None
    ) -> None:
        """Answer the next ``times`` requests (optionally only those to ``path``/route) with ``status``."""
        self._faults.extend([Fault(status=status, retry_after=retry_after, path=path)] * times)

    def delay_next(self, seconds: float, *, times: int = 1, path: str | None = None) -> None:
        """Hold the next ``times`` requests for ``seconds`` before answering normally."""
        self._faults.extend([Fault(delay=seconds, path=path)] * times)

    def _take_fault(self, record: R) -> Fault | None:
        for fault in self._faults:
            if fault.applies_to(record):
                self._faults.remove(fault)
                return fault
        return None

    def error_response(self, status: int, retry_after: float | None) -> web.Response:
        """Body of an injected HTTP failure; fakes override this to speak their API's error format."""
        headers = {"Retry-After": fmt_seconds(retry_after)} if retry_after is not None else None
        return web.json_response({"error": f"injected {status}"}, status=status, headers=headers)

    # -- routing -----------------------------------------------------------------------------------

    def add_route(
        self, method: str, pattern: str, route: str, handler: Handler[R], *, faults: bool = True
    ) -> None:
        """Register ``handler``; every request is recorded before faults and the handler run."""

        async def endpoint(request: web.Request) -> web.StreamResponse:
            record = await self._capture(request, route)
            response: web.StreamResponse | None = None
            fault = self._take_fault(record) if faults else None
            if fault is not None and fault.delay:
                try:
                    await asyncio.wait_for(self._closing.wait(), fault.delay)
                except TimeoutError:
                    pass
            if fault is not None and fault.status is not None:
                response = self.error_response(fault.status, fault.retry_after)
            if response is None:
                response = await handler(request, record)
            record.status = response.status
            await self._notify()
            return response

        self.app.router.add_route(method, pattern, endpoint)

    async def _capture(self, request: web.Request, route: str) -> R:
        body, raw = await parse_body(request)
        record = self._record_type(
            method=request.method,
            path=request.path,
            route=route,
            params=dict(request.match_info),
            query=dict(request.query),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
            raw=raw,
        )
        self.requests.append(record)
        await self._notify()
        return record


async def parse_body(request: web.Request) -> tuple[dict[str, Any], bytes]:
    """Decode a JSON, url-encoded or multipart body into a dict; also return the raw bytes."""
    if request.content_type.startswith("multipart/"):
        return _form_to_dict(await request.post()), b""
    raw = await request.read()
    if request.content_type == "application/x-www-form-urlencoded":
        return dict(parse_qsl(raw.decode(), keep_blank_values=True)), raw
    if raw and (request.content_type.endswith("json") or raw[:1] in (b"{", b"[")):
        try:
            value = json.loads(raw)
        except ValueError:
            return {}, raw
        return (value if isinstance(value, dict) else {"_json": value}), raw
    return {}, raw


def _form_to_dict(form: MultiDictProxy[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            data = value.file.read()
            value = {
                "filename": value.filename,
                "content_type": value.content_type,
                "size": len(data),
                "head": data[:HEAD_BYTES],
            }
        out[key] = value
    return out


def fmt_seconds(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)
