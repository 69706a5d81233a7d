"""`POST /api/messages`: our own route around `CloudAdapter.process_activity` (botbuilder 4.17.1 work-arounds).

- Bug 1: `CloudAdapter.process` (botbuilder/integration/aiohttp/cloud_adapter.py) runs `serializer_helper` on the
  invoke body a second time and answers every invoke with 500; here the invoke
  response body goes out as-is with `web.json_response(invoke_response.body, status=invoke_response.status)`.
- Bugs 2 and 3: bad or missing Authorization headers raise inside the SDK; `auth.check_header` answers 401 first.
- Teams wants the HTTP answer fast (15 s): messages are authenticated, then answered in the background (202);
  invokes must carry their result in the response, so they run inline.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from aiohttp import web
from azure.core.exceptions import DeserializationError  # what msrest raises (it re-exports it)
from botbuilder.schema import Activity, ActivityTypes

from adapters.teams.auth import AuthUnavailable, Unauthorized, authenticate, check_header

if TYPE_CHECKING:
    from adapters.teams.app import TeamsApp

__all__ = ["register"]

log = logging.getLogger(__name__)

TEAMS_KEY: web.AppKey[TeamsApp] = web.AppKey("teams", None)  # type: ignore[arg-type]


def register(app: web.Application, teams: TeamsApp) -> None:
    app[TEAMS_KEY] = teams
    app.router.add_post("/api/messages", messages)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _parse(raw: bytes) -> Activity | None:
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("type"), str) or not body["type"]:
        return None
    try:
        return Activity().deserialize(body)
    except (DeserializationError, TypeError, ValueError):
        return None


async def messages(request: web.Request) -> web.StreamResponse:
    teams = request.app[TEAMS_KEY]
    header = request.headers.get("Authorization")
    try:
        check_header(header, auth_enabled=teams.config.auth_enabled)
    except Unauthorized:
        return _error(401, "unauthorized")
    activity = _parse(await request.read())
    if activity is None:
        return _error(400, "expected a Bot Framework activity as a JSON object")
    try:
        auth_result = await authenticate(teams.auth, activity, header)
    except Unauthorized:
        return _error(401, "unauthorized")
    except AuthUnavailable:
        return _error(503, "cannot validate tokens right now")
    if activity.type != ActivityTypes.invoke:
        teams.start_turn(auth_result, activity)
        return web.Response(status=202)
    try:
        invoke_response = await teams.adapter.process_activity(auth_result, activity, teams.bot.on_turn)
    except Exception:  # the edge: log with the activity, answer a plain 500
        log.exception("Teams invoke %s (%s) failed", activity.id, activity.name)
        return _error(500, "internal error")
    if invoke_response is None:
        return web.Response(status=200)
    if invoke_response.body is None:
        return web.Response(status=invoke_response.status)
    return web.json_response(invoke_response.body, status=invoke_response.status)
