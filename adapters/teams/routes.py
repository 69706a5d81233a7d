"""`POST /api/messages`: finbot's own aiohttp route in front of the Agents SDK's CloudAdapter.

- The body is checked first: the SDK's `process_request` runs `Activity.model_validate` outside its error handling,
  so a malformed activity (a JSON array, a missing or empty field) would answer 500; here it is a 400.
- The caller is checked next (`auth.authorize`: the SDK's JWT validator): 401 for every refusal.
- Invokes carry their result in the HTTP response: they go through the SDK's `start_agent_process`.
  Messages and the other activities are answered in the background (202 at once): Teams wants the HTTP answer
  within 15 s and an answer can take longer (the SDK's `process` would hold the request for the whole turn).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from aiohttp import web
from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.aiohttp import start_agent_process
from pydantic import ValidationError

from adapters.teams.auth import Unauthorized, authorize

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
        activity = Activity.model_validate(body)
    except (ValidationError, TypeError, ValueError):
        return None
    return activity if activity.conversation is not None and activity.conversation.id else None


async def messages(request: web.Request) -> web.StreamResponse:
    teams = request.app[TEAMS_KEY]
    activity = _parse(await request.read())
    if activity is None:
        return _error(400, "expected a Bot Framework activity as a JSON object")
    try:
        claims = await authorize(request.headers.get("Authorization"), activity.service_url,
                                 config=teams.auth_config, validating=teams.validator)
    except Unauthorized:
        return _error(401, "unauthorized")
    if activity.type != ActivityTypes.invoke:
        try:  # stored with its claim before the 202 (the durable inbox): an acknowledged message is on disk
            first, inboxed = await teams.accept(claims, activity)
        except Exception:  # the database is failing: not acknowledged, so Teams delivers it again
            log.warning("could not store Teams activity %s; answering 503", activity.id, exc_info=True)
            return _error(503, "try again")
        if not first:
            log.info("Teams activity %s was already accepted; not answering twice", activity.id)
            return web.Response(status=202)
        teams.start_turn(claims, activity, inboxed)
        return web.Response(status=202)
    request["claims_identity"] = claims  # noqa: RUF100 - where the SDK's JWT middleware leaves it (a str key)
    try:
        response = await start_agent_process(request, teams.agent, teams.adapter)
    except Exception:  # the edge: log with the activity, answer a plain 500
        log.exception("Teams invoke %s (%s) failed", activity.id, activity.name)
        return _error(500, "internal error")
    return response or web.Response(status=200)
