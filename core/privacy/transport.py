"""An httpx transport for the OpenAI client: personal data is replaced in every request to a chat or embeddings
endpoint, and restored in the response (streamed or not), so one seam covers every caller: the answer, the
router, the query rewrite, the summaries, memory extraction, the grounding judge and the jury."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

from core.privacy.ledger import current_ledger
from core.privacy.redact import Redactor, Vault

__all__ = ["RedactingTransport"]

_KEEP = frozenset({"role", "name", "tool_call_id", "id", "type", "model"})
"""Keys whose values are protocol, not text."""


def _redact(value: Any, redactor: Redactor, vault: Vault) -> Any:
    if isinstance(value, str):
        return redactor.redact(value, vault)
    if isinstance(value, list):
        return [_redact(v, redactor, vault) for v in value]
    if isinstance(value, dict):
        return {k: v if k in _KEEP else _redact(v, redactor, vault) for k, v in value.items()}
    return value


def _restore(value: Any, vault: Vault) -> Any:
    if isinstance(value, str):
        return vault.restore(value)
    if isinstance(value, list):
        return [_restore(v, vault) for v in value]
    if isinstance(value, dict):
        return {k: _restore(v, vault) for k, v in value.items()}
    return value


class RedactingTransport(httpx.AsyncBaseTransport):
    def __init__(self, redactor: Redactor, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._redactor = redactor
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method != "POST" or not path.endswith(("/chat/completions", "/embeddings")):
            return await self._inner.handle_async_request(request)
        body = json.loads(await request.aread() or b"{}")
        vault = Vault()
        field = "messages" if "messages" in body else "input"
        body[field] = _redact(body.get(field), self._redactor, vault)
        ledger = current_ledger()
        ledger.counts.update(vault.counts)
        ledger.sent.append(body[field])
        # identity encoding: the restoring stream reads the events as they come
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-length", "accept-encoding")}
        outgoing = httpx.Request(request.method, request.url, headers=headers, content=json.dumps(body).encode(),
                                 extensions=request.extensions)
        response = await self._inner.handle_async_request(outgoing)
        if not vault.by_placeholder:
            return response
        if body.get("stream"):
            stream = _RestoringStream(response, vault)
            return httpx.Response(response.status_code, headers=response.headers, stream=stream,
                                  extensions=response.extensions)
        raw = await response.aread()
        await response.aclose()
        try:
            restored = json.dumps(_restore(json.loads(raw), vault)).encode()
        except ValueError:
            restored = raw
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-encoding")}
        return httpx.Response(response.status_code, headers=headers, content=restored, extensions=response.extensions)

    async def aclose(self) -> None:
        await self._inner.aclose()


class _RestoringStream(httpx.AsyncByteStream):
    """Server-sent events with the placeholders in each delta restored; a placeholder split across two events
    is held back until it is whole."""

    def __init__(self, response: httpx.Response, vault: Vault) -> None:
        self._response = response
        self._vault = vault
        self._pending: dict[int, str] = {}

    async def __aiter__(self) -> AsyncIterator[bytes]:
        buffer = b""
        async for chunk in self._response.stream:  # type: ignore[union-attr]  # the transport's raw bytes
            buffer += chunk
            while b"\n\n" in buffer:
                event, buffer = buffer.split(b"\n\n", 1)
                yield self._event(event) + b"\n\n"
        if buffer:
            yield self._event(buffer)

    def _event(self, event: bytes) -> bytes:
        text = event.decode()
        if not text.startswith("data: ") or text.startswith("data: [DONE]"):
            return event
        try:
            data = json.loads(text[6:])
        except ValueError:
            return event
        for choice in data.get("choices") or []:
            delta = choice.get("delta") or {}
            index = int(choice.get("index", 0))
            if isinstance(delta.get("content"), str):
                whole = self._pending.pop(index, "") + delta["content"]
                ready, partial = (whole, "") if choice.get("finish_reason") else Vault.split_partial(whole)
                if partial:
                    self._pending[index] = partial
                delta["content"] = self._vault.restore(ready)
            elif choice.get("finish_reason") and index in self._pending:
                delta["content"] = self._vault.restore(self._pending.pop(index))
                choice["delta"] = delta
            for call in delta.get("tool_calls") or []:
                function = call.get("function") or {}
                if isinstance(function.get("arguments"), str):
                    function["arguments"] = self._vault.restore(function["arguments"])
        return ("data: " + json.dumps(data)).encode()

    async def aclose(self) -> None:
        await self._response.aclose()
