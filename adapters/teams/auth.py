"""Who sent an activity: the Agents SDK's `JwtTokenValidator` (signature, audience = app id, issuer allow-list,
tenant binding, cached keys), fed from configurable OpenID metadata.

The SDK's aiohttp `jwt_authorization_middleware` builds its own validator, whose key location is fixed to
Microsoft's hosts (`_build_jwks_uri`): it has no setting for the OpenID metadata URL that sovereign clouds and
tests need (botbuilder's TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL). So finbot runs the same validator with its key
source replaced when the setting is given, and keeps two rules of its own: anonymous mode refuses any
Authorization header (no token can name an empty app id, and checking one would fetch Microsoft's keys), and
the token's `serviceurl` claim must name the activity's host (the SDK only logs a mismatch unless its outbound
host allow-list is on).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import urllib.request
from typing import Any

from jwt import PyJWK, PyJWKClient, PyJWTError
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration, ClaimsIdentity
from microsoft_agents.hosting.core.authorization.jwt import JwtTokenValidator

__all__ = ["Unauthorized", "authorize"]

log = logging.getLogger(__name__)


class Unauthorized(Exception):  # noqa: N818 - reads as the HTTP status it becomes
    """The request is not from the Bot Framework for this bot: answer 401, process nothing."""


class _MetadataKeys:
    """The SDK's key-lookup seam (`JwtTokenValidator._jwk_client_manager`), reading `jwks_uri` from OpenID metadata.

    PyJWKClient caches the keys and refetches on an unknown key id, as the SDK's own manager does."""

    def __init__(self, metadata_url: str) -> None:
        self._metadata_url = metadata_url
        self._client: PyJWKClient | None = None
        self._lock = threading.Lock()

    def _signing_key(self, kid: str) -> PyJWK:
        with self._lock:
            if self._client is None:
                with urllib.request.urlopen(self._metadata_url, timeout=10) as response:  # noqa: S310 - a setting
                    jwks_uri = json.loads(response.read())["jwks_uri"]
                self._client = PyJWKClient(jwks_uri)
            return self._client.get_signing_key(kid)

    async def get_signing_key(self, jwks_uri: str, header: dict[str, Any]) -> PyJWK:
        return await asyncio.to_thread(self._signing_key, str(header.get("kid") or ""))


def validator(config: AgentAuthConfiguration, *, openid_metadata_url: str | None) -> JwtTokenValidator:
    validating = JwtTokenValidator(config)
    if openid_metadata_url:
        validating._jwk_client_manager = _MetadataKeys(openid_metadata_url)  # type: ignore[assignment]
    return validating


def _bearer(header: str) -> str:
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or any(c.isspace() for c in token):
        raise Unauthorized("malformed Authorization header")
    return token


def _host(url: str | None) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url or "").hostname or "").casefold()


async def authorize(
    header: str | None, service_url: str | None, *, config: AgentAuthConfiguration, validating: JwtTokenValidator
) -> ClaimsIdentity:
    """The caller's claims (anonymous claims in anonymous mode); raises `Unauthorized` for every refusal."""
    if config.ANONYMOUS_ALLOWED:
        if header is not None:
            raise Unauthorized("Authorization header in anonymous mode")
        return validating.get_anonymous_claims()
    if header is None:
        raise Unauthorized("no Authorization header")
    try:
        claims = await validating.validate_token(_bearer(header))
    except (PyJWTError, ValueError, KeyError, OSError) as exc:
        log.warning("refused a Teams request: %s", type(exc).__name__)
        raise Unauthorized(type(exc).__name__) from exc
    claimed = claims.get_claim_value("serviceurl")
    if claimed is not None and _host(claimed) != _host(service_url):
        log.warning("refused a Teams request: its token names another service URL")
        raise Unauthorized("serviceurl claim mismatch")
    return claims
