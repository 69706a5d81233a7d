"""The identity cookie on its own: what it round-trips, and what it refuses."""

from __future__ import annotations

import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from adapters.web.identity import COOKIE, IdentityCookies, WebIdentity

KEY = b"k" * 32


def _request_with(token: str) -> web.Request:
    return make_mocked_request("GET", "/ws/chat", headers={"Cookie": f"{COOKIE}={token}"})


def _issued(cookies: IdentityCookies, identity: WebIdentity) -> str:
    response = web.Response()
    cookies.issue(response, identity)
    morsel = response.cookies[COOKIE]
    assert morsel["httponly"] and morsel["samesite"] == "Strict" and morsel["path"] == "/"
    return morsel.value


def test_an_issued_cookie_reads_back_as_the_same_identity() -> None:
    cookies = IdentityCookies(KEY)
    identity = cookies.fresh()
    assert cookies.read(_request_with(_issued(cookies, identity))) == identity
    assert cookies.fresh(identity.person).person == identity.person
    assert cookies.fresh(identity.person).session != identity.session


@pytest.mark.parametrize(
    "claims, key, algorithm",
    [
        ({"p": "a" * 32, "s": "b" * 32, "aud": "finbot-web-chat"}, b"x" * 32, "HS256"),  # another key
        ({"p": "a" * 32, "s": "b" * 32, "aud": "someone-else"}, KEY, "HS256"),  # another audience
        ({"p": "a" * 32, "aud": "finbot-web-chat"}, KEY, "HS256"),  # no session
        ({"p": "../etc", "s": "b" * 32, "aud": "finbot-web-chat"}, KEY, "HS256"),  # not an id
        ({"p": 7, "s": "b" * 32, "aud": "finbot-web-chat"}, KEY, "HS256"),  # not a string
        ({"p": "a" * 32, "s": "b" * 32, "aud": "finbot-web-chat"}, None, "none"),  # unsigned
    ],
)
def test_a_cookie_finbot_did_not_sign_as_given_is_no_identity(claims: dict, key: bytes | None, algorithm: str) -> None:
    assert IdentityCookies(KEY).read(_request_with(jwt.encode(claims, key, algorithm))) is None


def test_an_edited_or_missing_cookie_is_no_identity() -> None:
    cookies = IdentityCookies(KEY)
    token = _issued(cookies, cookies.fresh())
    head, body, signature = token.split(".")
    assert cookies.read(_request_with(f"{head}.{body}x.{signature}")) is None
    assert cookies.read(make_mocked_request("GET", "/ws/chat")) is None


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        IdentityCookies(b"short")
