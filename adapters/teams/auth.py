"""Checking who sent an activity before botbuilder sees it (work-arounds for botbuilder 4.17.1).

botbuilder raises instead of answering 401 on (2) a malformed `Authorization` header in anonymous mode and
(3) a missing header with auth on (docs/platform-notes.md, "SDK bugs"); bad tokens surface as PermissionError,
PyJWT errors, IndexError (unknown key id) or a bare Exception (endorsements), see
botframework/connector/auth/jwt_token_extractor.py and _parameterized_bot_framework_authentication.py (which also
fetches the OpenID keys with a blocking `requests.get`, once a day). So: check the header's shape
first, then let the SDK validate the JWT, and turn every refusal into `Unauthorized`.
"""

from __future__ import annotations

import logging
import re

import requests
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication

__all__ = ["AuthUnavailable", "Unauthorized", "authenticate", "check_header"]

log = logging.getLogger(__name__)

_BEARER = re.compile(r"^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


class Unauthorized(Exception):  # noqa: N818 - reads as the HTTP status it becomes
    """The request is not from the Bot Framework for this bot: answer 401, process nothing."""


class AuthUnavailable(Exception):  # noqa: N818
    """The signing keys could not be fetched: answer 503 so the Bot Service retries."""


def check_header(header: str | None, *, auth_enabled: bool) -> None:
    """Refuse what the SDK would choke on, before reading the body."""
    if header is None:
        if auth_enabled:
            raise Unauthorized("no Authorization header")
    elif not auth_enabled:
        # No app id: no token can be for this bot (its audience would have to be ""), and validating one
        # would fetch Microsoft's keys. The Emulator and the Agents Playground send no header in this mode.
        raise Unauthorized("Authorization header in anonymous mode")
    elif not _BEARER.match(header.strip()):
        raise Unauthorized("malformed Authorization header")


async def authenticate(
    auth: BotFrameworkAuthentication, activity: Activity, header: str | None
) -> AuthenticateRequestResult:
    """The SDK's own validation (signature, issuer, audience = app id, serviceUrl claim); run `check_header` first."""
    try:
        return await auth.authenticate_request(activity, header.strip() if header is not None else None)
    except requests.RequestException as exc:
        log.warning("could not fetch the Bot Framework signing keys: %s", type(exc).__name__)
        raise AuthUnavailable(str(exc)) from exc
    except Exception as exc:  # every way the SDK refuses a token (see the module docstring) is a 401
        log.warning("refused a Teams request: %s: %s", type(exc).__name__, exc)
        raise Unauthorized(str(exc)) from exc
