"""With MicrosoftAppId set, every activity's JWT is validated by the Agents SDK's validator against (fake) Bot
Framework keys published through OpenID metadata (TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import partial

import aiohttp
import pytest
from microsoft_agents.hosting.core import AnonymousTokenProvider

from adapters.teams import surface as teams_surface
from bot.container import SURFACES
from bot.server import start_server
from tests.conftest import SettingsFactory
from tests.fakes import FakeBotConnector
from tests.fakes.bf_activities import invoke_activity, message_activity
from tests.fakes.bot_framework_auth import FakeTokenIssuer, new_key
from tests.integration.teams.conftest import TeamsHarness

APP_ID = "11111111-2222-3333-4444-555555555555"
OUTBOUND_TOKEN = "outbound-test-token"


class StaticToken(AnonymousTokenProvider):
    """The outgoing side (MSAL against login.microsoftonline.com) replaced: no network in tests."""

    def __init__(self, configuration) -> None:  # type: ignore[no-untyped-def]
        self.seen = configuration

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        return OUTBOUND_TOKEN


@pytest.fixture
def issuer() -> Iterator[FakeTokenIssuer]:
    with FakeTokenIssuer() as fake:
        yield fake


@pytest.fixture
async def secured(
    make_settings: SettingsFactory, connector: FakeBotConnector, issuer: FakeTokenIssuer
) -> AsyncIterator[TeamsHarness]:
    settings = make_settings(
        MicrosoftAppId=APP_ID,
        MicrosoftAppPassword="secret",
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=issuer.metadata_url,
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=issuer.issuer,
        FINBOT_TEAMS_STREAM_INTERVAL=0,
    )
    # The Teams surface with the outgoing-token seam replaced; everything else as configured.
    surfaces = tuple(
        partial(teams_surface.build, token_provider_factory=StaticToken)
        if build is teams_surface.build else build
        for build in SURFACES
    )
    server = await start_server(settings, host="127.0.0.1", port=0, surfaces=surfaces)
    assert server.container.teams_app is not None and server.container.teams_app.config.auth_enabled
    try:
        async with aiohttp.ClientSession() as http:
            yield TeamsHarness(server, connector, http)
    finally:
        await server.stop()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_valid_token_is_processed_and_replies_carry_the_bots_token(
    secured: TeamsHarness, issuer: FakeTokenIssuer
) -> None:
    token = issuer.token(audience=APP_ID, service_url=secured.connector.url)
    posted = await secured.post(message_activity("What are the trading hours?", service_url=secured.connector.url),
                                _bearer(token))
    await secured.teams.drain()

    assert posted.status == 202
    assert issuer.fetches == ["/.well-known/openid-configuration", "/keys"]
    assert len(await secured.stored_messages("user")) == 1
    assert len(secured.connector.activities("message")) == 1
    assert {c.headers.get("authorization") for c in secured.connector.requests} == {f"Bearer {OUTBOUND_TOKEN}"}


async def test_invokes_are_validated_too(secured: TeamsHarness, issuer: FakeTokenIssuer) -> None:
    activity = invoke_activity(service_url=secured.connector.url)
    assert (await secured.post(activity)).status == 401
    token = issuer.token(audience=APP_ID, service_url=secured.connector.url)
    assert (await secured.post(activity, _bearer(token))).status == 200


async def test_missing_or_bad_tokens_are_401_and_nothing_is_stored(
    secured: TeamsHarness, issuer: FakeTokenIssuer
) -> None:
    url = secured.connector.url
    other_key = new_key()
    bad = {
        "missing": {},
        "garbage": {"Authorization": "garbage"},
        "not a jwt": _bearer("not-a-jwt"),
        "wrong signature": _bearer(issuer.token(audience=APP_ID, service_url=url, key=other_key)),
        "unknown key id": _bearer(issuer.token(audience=APP_ID, service_url=url, key=other_key, kid="other")),
        "another bot": _bearer(issuer.token(audience="99999999-0000-0000-0000-000000000000", service_url=url)),
        "another issuer": _bearer(issuer.token(audience=APP_ID, service_url=url, issuer="https://evil.test")),
        "expired": _bearer(issuer.token(audience=APP_ID, service_url=url, lifetime_s=-3600)),
        "other service url": _bearer(issuer.token(audience=APP_ID, service_url="https://smba.evil.test/")),
    }
    for name, headers in bad.items():
        posted = await secured.post(message_activity("What are the trading hours?", service_url=url), headers)
        assert posted.status == 401, name
    await secured.teams.drain()

    assert await secured.conversation_count() == 0
    assert await secured.stored_messages() == []
    assert secured.connector.requests == []
