"""A fake Bot Framework connector service: the ``serviceUrl`` an incoming Teams activity points at.

Conversation ids such as ``19:abc@thread.tacv2;messageid=123`` are matched permissively and arrive
URL-decoded in :attr:`ConnectorCall.conversation_id`.
"""

from __future__ import annotations

import itertools
from typing import Any

from aiohttp import web

from tests.fakes._base import FakeServer, RecordedRequest, fmt_seconds

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
_CONV = "/v3/conversations/{cid:[^/]+}"
ACTIVITY_OPERATIONS = ("send", "reply", "update", "create_conversation")


class ConnectorCall(RecordedRequest):
    """A recorded connector call; ``operation`` is the route name (``send``, ``reply``, ``update``...)."""

    @property
    def operation(self) -> str:
        return self.route

    @property
    def conversation_id(self) -> str | None:
        return self.params.get("cid")

    @property
    def activity_id(self) -> str | None:
        return self.params.get("aid")

    @property
    def activity(self) -> dict[str, Any] | None:
        """The activity this call carried (the initial one for ``create_conversation``)."""
        if self.operation == "create_conversation":
            return self.body.get("activity")
        return self.body if self.operation in ACTIVITY_OPERATIONS else None


class FakeBotConnector(FakeServer[ConnectorCall]):
    """Records what a bot sends back to Teams; answers each post with a new unique activity id."""

    def __init__(self) -> None:
        super().__init__(ConnectorCall)
        self.members: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        routes = [
            ("POST", "/v3/conversations", "create_conversation", self._create),
            ("POST", _CONV + "/activities", "send", self._post_activity),
            ("POST", _CONV + "/activities/{aid:[^/]+}", "reply", self._post_activity),
            ("PUT", _CONV + "/activities/{aid:[^/]+}", "update", self._update),
            ("DELETE", _CONV + "/activities/{aid:[^/]+}", "delete", self._delete),
            ("GET", _CONV + "/activities/{aid:[^/]+}/members", "activity_members", self._list_members),
            ("GET", _CONV + "/members", "get_members", self._list_members),
            ("GET", _CONV + "/pagedmembers", "get_paged_members", self._paged_members),
            ("GET", _CONV + "/members/{mid:[^/]+}", "get_member", self._get_member),
            ("*", "/{tail:.*}", "unknown", self._unknown),
        ]
        for method, pattern, name, handler in routes:
            self.add_route(method, pattern, name, handler)

    # -- scripting & queries -----------------------------------------------------------------------

    def add_member(
        self,
        member_id: str,
        name: str,
        *,
        aad_object_id: str | None = None,
        email: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        member = {
            "id": member_id,
            "name": name,
            "aadObjectId": aad_object_id or f"aad-{member_id}",
            "email": email or f"{name.split()[0].lower()}@example.com",
            "userPrincipalName": email or f"{name.split()[0].lower()}@example.com",
            "givenName": name.split()[0],
            "surname": name.split()[-1],
            "tenantId": "tenant-1",
            "userRole": "user",
            **extra,
        }
        self.members[member_id] = member
        return member

    def calls(self, operation: str | None = None) -> list[ConnectorCall]:
        return [c for c in self.requests if operation is None or c.operation == operation]

    def activities(self, type: str | None = None) -> list[dict[str, Any]]:
        """Activities sent, replied, updated or used to create a conversation, in arrival order."""
        found = (c.activity for c in self.requests)
        return [a for a in found if a is not None and (type is None or a.get("type") == type)]

    def texts(self) -> list[str]:
        return [str(a["text"]) for a in self.activities("message") if a.get("text")]

    def cards(self) -> list[dict[str, Any]]:
        """Adaptive Card contents attached to any activity."""
        return [
            att.get("content") or {}
            for a in self.activities()
            for att in a.get("attachments") or []
            if att.get("contentType") == ADAPTIVE_CARD
        ]

    def error_response(self, status: int, retry_after: float | None) -> web.Response:
        headers = {"Retry-After": fmt_seconds(retry_after)} if retry_after is not None else None
        error = {"code": "ServiceError" if status >= 500 else "Throttled", "message": f"injected {status}"}
        return web.json_response({"error": error}, status=status, headers=headers)

    # -- handlers ----------------------------------------------------------------------------------

    def _new_id(self) -> str:
        return str(1_700_000_000_000 + next(self._ids))

    def _answer(self, call: ConnectorCall, body: dict[str, Any], status: int = 200) -> web.Response:
        call.response = body
        return web.json_response(body, status=status)

    async def _post_activity(self, request: web.Request, call: ConnectorCall) -> web.StreamResponse:
        return self._answer(call, {"id": self._new_id()})

    async def _update(self, request: web.Request, call: ConnectorCall) -> web.StreamResponse:
        return self._answer(call, {"id": call.activity_id or ""})

    async def _delete(self, request: web.Request, call: ConnectorCall) -> web.StreamResponse:
        return web.Response(status=200)

    async def _create(self, request: web.Request, call: ConnectorCall) -> web.StreamResponse:
        activity_id = self._new_id()
        channel = (call.body.get("channelData") or {}).get("channel") or {}
        conversation_id = (
            f"{channel['id']};messageid={activity_id}" if channel.get("id") else f"a:conv-{activity_id}"
        )
        return self._answer(call, {"id": conversation_id, "activityId": activity_id, "serviceUrl": self.url})

    def _member(self, member_id: str) -> dict[str, Any]:
        return self.members.get(member_id) or {
            "id": member_id,
            "name": f"User {member_id}",
            "aadObjectId": f"aad-{member_id}",
            "tenantId": "tenant-1",
            "userRole": "user",
        }

    async def _list_members(self, request: web.Request, call: ConnectorCall) -> web.StreamResponse:
        call.response = {"members": list(self.members.values())}
        return web.json_response(call.response["members"])

    async def _paged_members(self, request: web.Request, call: ConnectorCall) -> web.StreamResponse:
        return self._answer(call, {"members": list(self.members.values()), "continuationToken": None})

    async def _get_member(self, request: web.Request, call: ConnectorCall) -> web.StreamResponse:
        return self._answer(call, self._member(call.params["mid"]))

    async def _unknown(self, request: web.Request, call: ConnectorCall) -> web.StreamResponse:
        error = {
            "code": "NotFound",
            "message": f"FakeBotConnector does not serve {request.method} {request.path}",
        }
        return self._answer(call, {"error": error}, status=404)
