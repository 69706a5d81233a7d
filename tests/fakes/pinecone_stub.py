"""A stub of Pinecone's data-plane REST API on 127.0.0.1 (no Pinecone emulator exists).

Serves what finbot's Pinecone backend uses, with Pinecone's camelCase JSON:
``POST /vectors/upsert``, ``POST /query``, ``POST /vectors/delete``, ``POST /describe_index_stats``.
Point the SDK at it with ``Pinecone(api_key="x").Index(host=stub.url)`` (the ``http://`` is explicit).
Exact cosine search; metadata filters support ``$eq``, ``$ne``, ``$in``, ``$nin`` and ``$and``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from aiohttp import web

from tests.fakes._base import FakeServer, RecordedRequest


class PineconeRequest(RecordedRequest):
    pass


def _passes(metadata: dict[str, Any], filter: dict[str, Any] | None) -> bool:
    if not filter:
        return True
    for key, condition in filter.items():
        if key == "$and":
            if not all(_passes(metadata, sub) for sub in condition):
                return False
            continue
        if key == "$or":
            if not any(_passes(metadata, sub) for sub in condition):
                return False
            continue
        value = metadata.get(key)
        if not isinstance(condition, dict):
            condition = {"$eq": condition}
        for op, operand in condition.items():
            ok = {
                "$eq": lambda v, o: v == o,
                "$ne": lambda v, o: v != o,
                "$in": lambda v, o: v in o,
                "$nin": lambda v, o: v not in o,
            }[op](value, operand)
            if not ok:
                return False
    return True


class PineconeStub(FakeServer[PineconeRequest]):
    def __init__(self, *, dimension: int = 384) -> None:
        super().__init__(PineconeRequest)
        self.dimension = dimension
        self.namespaces: dict[str, dict[str, tuple[np.ndarray, dict[str, Any]]]] = {}
        self.add_route("POST", "/vectors/upsert", "upsert", self._upsert)
        self.add_route("POST", "/query", "query", self._query)
        self.add_route("POST", "/vectors/delete", "delete", self._delete)
        self.add_route("POST", "/describe_index_stats", "stats", self._stats)
        self.add_route("GET", "/describe_index_stats", "stats", self._stats)

    def error_response(self, status: int, retry_after: float | None) -> web.Response:
        return web.json_response({"code": status, "message": f"injected {status}", "details": []}, status=status)

    def _space(self, body: dict[str, Any]) -> dict[str, tuple[np.ndarray, dict[str, Any]]]:
        return self.namespaces.setdefault(body.get("namespace") or "", {})

    async def _upsert(self, request: web.Request, record: PineconeRequest) -> web.Response:
        space = self._space(record.body)
        vectors = record.body.get("vectors") or []
        for item in vectors:
            values = np.asarray(item["values"], dtype=np.float32)
            if values.shape != (self.dimension,):
                return web.json_response(
                    {
                        "code": 3,
                        "message": f"Vector dimension {values.shape[0]} does not match the dimension of "
                        f"the index {self.dimension}",
                        "details": [],
                    },
                    status=400,
                )
            space[item["id"]] = (values, dict(item.get("metadata") or {}))
        return web.json_response({"upsertedCount": len(vectors)})

    async def _query(self, request: web.Request, record: PineconeRequest) -> web.Response:
        body = record.body
        space = self._space(body)
        query = np.asarray(body["vector"], dtype=np.float32)
        scored = []
        for id_, (values, metadata) in space.items():
            if _passes(metadata, body.get("filter")):
                denom = float(np.linalg.norm(values) * np.linalg.norm(query)) or 1.0
                scored.append((float(values @ query) / denom, id_, values, metadata))
        scored.sort(key=lambda s: -s[0])
        matches = []
        for score, id_, values, metadata in scored[: int(body["topK"])]:
            match: dict[str, Any] = {"id": id_, "score": score, "values": []}
            if body.get("includeValues"):
                match["values"] = values.tolist()
            if body.get("includeMetadata"):
                match["metadata"] = metadata
            matches.append(match)
        return web.json_response(
            {"matches": matches, "namespace": body.get("namespace") or "", "usage": {"readUnits": 5}}
        )

    async def _delete(self, request: web.Request, record: PineconeRequest) -> web.Response:
        body = record.body
        space = self._space(body)
        if body.get("deleteAll"):
            space.clear()
        elif body.get("ids") is not None:
            for id_ in body["ids"]:
                space.pop(id_, None)
        elif body.get("filter"):
            for id_ in [i for i, (_, meta) in space.items() if _passes(meta, body["filter"])]:
                del space[id_]
        return web.json_response({})

    async def _stats(self, request: web.Request, record: PineconeRequest) -> web.Response:
        namespaces = {
            (name or "__default__"): {"vectorCount": len(space)} for name, space in self.namespaces.items() if space
        }
        total = sum(len(space) for space in self.namespaces.values())
        return web.json_response(
            {
                "namespaces": namespaces,
                "dimension": self.dimension,
                "indexFullness": 0.0,
                "totalVectorCount": total,
                "metric": "cosine",
                "vectorType": "dense",
            }
        )
