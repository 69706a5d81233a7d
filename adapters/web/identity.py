"""Who is chatting on the web: the server issues the person and session ids, the page never chooses them.

The ids travel in one signed cookie (an HS256 JWT, HttpOnly, SameSite=Strict): a page cannot read it, another
site cannot send it, and a forged or edited one is treated as no cookie (a new person). A new session may be
asked for (`POST /chat/session` with `{"new": true}`), always within the cookie's own person.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import jwt
from aiohttp import web

__all__ = ["COOKIE", "MAX_AGE_S", "IdentityCookies", "WebIdentity", "same_origin"]

COOKIE = "finbot_web"
MAX_AGE_S = 400 * 24 * 3600
"""The longest lifetime browsers keep a cookie for (400 days)."""
_ALGORITHM = "HS256"
_AUDIENCE = "finbot-web-chat"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True, slots=True)
class WebIdentity:
    person: str
    """The web person id (`web:local:<person>`), random, issued by the server."""
    session: str
    """The chat session (the conversation's channel id), random, issued by the server."""


class IdentityCookies:
    """Signs and checks the identity cookie with the server's key (FINBOT_WEB_SECRET or the data dir's)."""

    def __init__(self, key: bytes, *, secure: bool = False, public_origin: str | None = None) -> None:
        if len(key) < 32:
            raise ValueError("the web identity key must be at least 32 bytes")
        self._key = key
        self._secure = secure
        self.public_origin = public_origin
        """`https://host[:port]` of FINBOT_PUBLIC_URL: an Origin accepted besides the request's own Host."""

    def read(self, request: web.Request) -> WebIdentity | None:
        """The identity the request's cookie carries, or None when it is missing, edited or signed elsewhere."""
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        try:
            claims = jwt.decode(token, self._key, algorithms=[_ALGORITHM], audience=_AUDIENCE,
                                options={"require": ["p", "s", "aud"]})
        except jwt.PyJWTError:
            return None
        person, session = claims.get("p"), claims.get("s")
        if not (isinstance(person, str) and isinstance(session, str) and _is_id(person) and _is_id(session)):
            return None
        return WebIdentity(person=person, session=session)

    def issue(self, response: web.StreamResponse, identity: WebIdentity) -> None:
        """Put the identity on a response (before it is sent)."""
        token = jwt.encode({"p": identity.person, "s": identity.session, "aud": _AUDIENCE}, self._key, _ALGORITHM)
        response.set_cookie(COOKIE, token, max_age=MAX_AGE_S, path="/", httponly=True, samesite="Strict",
                            secure=self._secure)

    @staticmethod
    def fresh(person: str | None = None) -> WebIdentity:
        """A new session: of `person` when given (the cookie's own), else of a new person."""
        return WebIdentity(person=person or uuid.uuid4().hex, session=uuid.uuid4().hex)


def _is_id(value: str) -> bool:
    """Hygiene only (the ids become keys): the signature is what makes them the server's."""
    return _SAFE_ID.match(value) is not None


def same_origin(request: web.Request, public_origin: str | None = None) -> bool:
    """A browser's Origin, when it sends one, must be this server's own Host (or FINBOT_PUBLIC_URL's origin,
    behind a proxy that rewrites Host): a page on another port of the same machine is the same *site* (so
    SameSite lets the cookie through) but not the same origin."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("Host", "") or origin.rstrip("/") == public_origin
