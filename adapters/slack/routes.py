"""`POST /slack/events` on finbot's own aiohttp app, around Bolt's `async_dispatch`.

The signature is checked here with the SDK's `SignatureVerifier` (401 on a bad or stale one, nothing
processed), before Bolt: Bolt's own verification middleware logs a rejected request's whole body (message
text) at INFO, so it is turned off (`request_verification_enabled=False`) and rejected bodies are never
logged. A body Bolt cannot parse is answered 400 instead of a 500, as is a JSON body that is not an object;
a missing or non-numeric timestamp header is 401 (it cannot be signed). A signed request no listener
handles (an event finbot does not use) is answered 200 instead of Bolt's 404, so Slack neither retries it nor
counts it as a failure.
"""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

__all__ = ["EVENTS_PATH", "SLACK_APP_KEY", "mount"]

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
SLACK_APP_KEY = web.AppKey("slack_app", AsyncApp)
VERIFIER_KEY = web.AppKey("slack_verifier", SignatureVerifier)


def mount(app: web.Application, slack_app: AsyncApp, signing_secret: str, path: str = EVENTS_PATH) -> None:
    app[SLACK_APP_KEY] = slack_app
    app[VERIFIER_KEY] = SignatureVerifier(signing_secret)
    app.router.add_post(path, slack_events)


async def slack_events(request: web.Request) -> web.Response:
    slack_app = request.app[SLACK_APP_KEY]
    if not request.headers.get("X-Slack-Request-Timestamp", "").strip().isdigit():
        log.info("Slack request without a numeric timestamp rejected")
        return web.json_response({"error": "invalid request"}, status=401)
    body = await request.read()
    if not request.app[VERIFIER_KEY].is_valid_request(body, dict(request.headers)):
        log.info("Slack request with an invalid or stale signature rejected")
        return web.json_response({"error": "invalid request"}, status=401)
    try:
        bolt_request = await to_bolt_request(request)
    except (ValueError, UnicodeDecodeError, AttributeError, TypeError):  # malformed JSON, form, not an object
        log.info("malformed Slack request body rejected")
        return web.json_response({"error": "malformed body"}, status=400)
    if not isinstance(bolt_request.body, dict):  # e.g. a JSON list or string, signed or not
        log.info("Slack request body that is not an object rejected")
        return web.json_response({"error": "malformed body"}, status=400)
    bolt_response = await slack_app.async_dispatch(bolt_request)
    if bolt_response.status == 404:  # signed (else 401), but nothing listens: acknowledged, not an error
        return web.Response(status=200)
    return await to_aiohttp_response(bolt_response)
