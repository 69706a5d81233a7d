"""An OpenAI-compatible fake for ``langchain_openai.ChatOpenAI`` / ``OpenAIEmbeddings`` and the raw SDK.

Point clients at ``base_url=fake.url + "/v1"``. Chat answers come, in order of precedence, from the
queued replies, then ``responder(request_json)``, then a default echo ``"FAKE-LLM: <last user text>"``.
A reply is a ``str`` (content), a ``dict`` (tool-call arguments when the request offers ``tools``,
JSON content otherwise) or a :class:`ToolCallReply` naming the tool explicitly.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from aiohttp import web

from tests.fakes._base import FakeServer, RecordedRequest, fmt_seconds

DEFAULT_MODEL = "gpt-fake"
CHAT_PATH = "/v1/chat/completions"
EMBEDDINGS_PATH = "/v1/embeddings"


@dataclass(frozen=True)
class ToolCallReply:
    """A scripted tool call; ``name=None`` picks the request's forced or first tool."""

    arguments: dict[str, Any]
    name: str | None = None


Reply = str | dict[str, Any] | ToolCallReply
Responder = Callable[[dict[str, Any]], Reply]


class OpenAIRequest(RecordedRequest):
    """A recorded request to the fake, with accessors for the OpenAI payload."""

    @property
    def is_chat(self) -> bool:
        return self.path == CHAT_PATH

    @property
    def is_embeddings(self) -> bool:
        return self.path == EMBEDDINGS_PATH

    @property
    def model(self) -> str | None:
        return self.body.get("model")

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])

    @property
    def tools(self) -> list[dict[str, Any]]:
        return list(self.body.get("tools") or [])

    @property
    def prompt_text(self) -> str:
        """Every message's text, newline-joined: assert retrieved context reached the prompt."""
        return "\n".join(message_text(m) for m in self.messages)

    @property
    def last_user_text(self) -> str:
        users = [m for m in self.messages if m.get("role") == "user"]
        return message_text(users[-1]) if users else ""

    @property
    def inputs(self) -> list[str | list[int]]:
        """Embedding inputs normalised to a list (token arrays stay lists of ints)."""
        return normalise_inputs(self.body.get("input"))


def message_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content or ""


def count_tokens(text: str) -> int:
    """The fake's token count: whitespace-separated words."""
    return len(text.split())


def normalise_inputs(value: Any) -> list[str | list[int]]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, int) for v in value):
        return [list(value)]
    return list(value or [])


class FakeOpenAI(FakeServer[OpenAIRequest]):
    """Serves ``/v1/chat/completions`` (JSON and SSE), ``/v1/embeddings`` and ``/v1/models``."""

    def __init__(
        self,
        *,
        replies: Iterable[Reply] = (),
        responder: Responder | None = None,
        embedding_dim: int = 384,
        embedder: Callable[[str | list[int]], Sequence[float]] | None = None,
        models: Sequence[str] = (DEFAULT_MODEL,),
    ) -> None:
        super().__init__(OpenAIRequest)
        self.replies: deque[Reply] = deque(replies)
        self.responder = responder
        self.embedding_dim = embedding_dim
        self.embedder = embedder
        self.models = list(models)
        self._ids = itertools.count(1)
        self.add_route("POST", CHAT_PATH, "chat", self._chat)
        self.add_route("POST", EMBEDDINGS_PATH, "embeddings", self._embeddings)
        self.add_route("GET", "/v1/models", "models", self._models, faults=False)
        self.add_route("*", "/{tail:.*}", "unknown", self._unknown, faults=False)

    # -- scripting & helpers -----------------------------------------------------------------------

    def queue_replies(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def chat_requests(self) -> list[OpenAIRequest]:
        return [r for r in self.requests if r.is_chat]

    def embedding_requests(self) -> list[OpenAIRequest]:
        return [r for r in self.requests if r.is_embeddings]

    def last_chat(self) -> OpenAIRequest:
        chats = self.chat_requests()
        if not chats:
            raise AssertionError("FakeOpenAI received no chat completion request")
        return chats[-1]

    def embed(self, item: str | list[int], dim: int | None = None) -> list[float]:
        """The vector this fake returns for ``item`` (float32 values, unit length)."""
        if self.embedder is not None:
            return [float(x) for x in np.asarray(self.embedder(item), dtype=np.float32)]
        key = item if isinstance(item, str) else "tokens:" + json.dumps(item)
        seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
        vec = np.random.default_rng(seed).standard_normal(dim or self.embedding_dim)
        vec /= np.linalg.norm(vec)
        return [float(x) for x in vec.astype(np.float32)]

    def error_response(self, status: int, retry_after: float | None) -> web.Response:
        kind = "rate_limit_exceeded" if status == 429 else "server_error"
        body = {"error": {"message": f"injected {status}", "type": kind, "param": None, "code": kind}}
        headers = {"retry-after": fmt_seconds(retry_after)} if retry_after is not None else None
        return web.json_response(body, status=status, headers=headers)

    # -- chat --------------------------------------------------------------------------------------

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        if self.replies:
            return self.replies.popleft()
        if self.responder is not None:
            return self.responder(body)
        users = [m for m in body.get("messages") or [] if m.get("role") == "user"]
        return "FAKE-LLM: " + (message_text(users[-1]) if users else "")

    async def _chat(self, request: web.Request, record: OpenAIRequest) -> web.StreamResponse:
        body = record.body
        reply = self._next_reply(body)
        content, tool_call = _render_reply(reply, body, call_id=f"call_{next(self._ids)}")
        completion_text = content if tool_call is None else tool_call["function"]["arguments"]
        usage = _usage(count_tokens(record.prompt_text), count_tokens(completion_text or ""))
        envelope = {
            "id": f"chatcmpl-fake-{next(self._ids)}",
            "created": 1_700_000_000,
            "model": body.get("model") or DEFAULT_MODEL,
            "system_fingerprint": "fp_fake",
        }
        finish = "tool_calls" if tool_call else "stop"
        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
            if tool_call:
                message["tool_calls"] = [tool_call]
            choice = {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
            return web.json_response(
                {**envelope, "object": "chat.completion", "choices": [choice], "usage": usage}
            )

        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        base = {**envelope, "object": "chat.completion.chunk"}
        for delta, finish_reason in _deltas(content, tool_call, finish):
            chunk = {
                **base,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
            }
            if include_usage:
                chunk["usage"] = None
            await response.write(_sse(chunk))
        if include_usage:
            await response.write(_sse({**base, "choices": [], "usage": usage}))
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response

    # -- embeddings & models -----------------------------------------------------------------------

    async def _embeddings(self, request: web.Request, record: OpenAIRequest) -> web.StreamResponse:
        dim = record.body.get("dimensions") or self.embedding_dim
        as_base64 = record.body.get("encoding_format") == "base64"
        data = []
        tokens = 0
        for index, item in enumerate(record.inputs):
            vector = self.embed(item, dim)
            tokens += len(item) if isinstance(item, list) else count_tokens(item)
            encoded: Any = (
                base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode() if as_base64 else vector
            )
            data.append({"object": "embedding", "index": index, "embedding": encoded})
        return web.json_response(
            {
                "object": "list",
                "data": data,
                "model": record.body.get("model") or "text-embedding-fake",
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }
        )

    async def _models(self, request: web.Request, record: OpenAIRequest) -> web.StreamResponse:
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.models]
        return web.json_response({"object": "list", "data": data})

    async def _unknown(self, request: web.Request, record: OpenAIRequest) -> web.StreamResponse:
        error = {
            "message": f"FakeOpenAI does not serve {request.method} {request.path}",
            "type": "invalid_request",
        }
        return web.json_response({"error": error}, status=404)


def _render_reply(
    reply: Reply, body: dict[str, Any], *, call_id: str
) -> tuple[str | None, dict[str, Any] | None]:
    """Turn a scripted reply into (content, tool_call)."""
    tools = body.get("tools") or []
    if isinstance(reply, dict) and tools:
        reply = ToolCallReply(arguments=reply)
    if isinstance(reply, ToolCallReply):
        name = reply.name or _chosen_tool(body)
        function = {"name": name, "arguments": json.dumps(reply.arguments)}
        return None, {"id": call_id, "type": "function", "function": function}
    if isinstance(reply, dict):
        return json.dumps(reply), None
    return reply, None


def _chosen_tool(body: dict[str, Any]) -> str:
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        return str(choice.get("function", {}).get("name"))
    tools = body.get("tools") or []
    if not tools:
        raise ValueError("ToolCallReply without a name needs a request that offers tools")
    return str(tools[0]["function"]["name"])


def _deltas(
    content: str | None, tool_call: dict[str, Any] | None, finish: str
) -> Iterable[tuple[dict[str, Any], str | None]]:
    yield {"role": "assistant", "content": "" if tool_call is None else None}, None
    if tool_call is not None:
        head = {"index": 0, "id": tool_call["id"], "type": "function"}
        yield (
            {"tool_calls": [{**head, "function": {"name": tool_call["function"]["name"], "arguments": ""}}]},
            None,
        )
        for piece in _pieces(tool_call["function"]["arguments"]):
            yield {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}, None
    else:
        for piece in _pieces(content or ""):
            yield {"content": piece}, None
    yield {}, finish


def _pieces(text: str) -> list[str]:
    """Split into word-sized chunks (whitespace stays attached) so streams have several chunks."""
    return re.findall(r"\s*\S+\s*", text) or ([text] if text else [])


def _sse(payload: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(payload)}\n\n".encode()


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
