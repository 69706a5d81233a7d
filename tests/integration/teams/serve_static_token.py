"""`finbot serve` with the outgoing Bot Framework token replaced (MSAL against login.microsoftonline.com would
need the network): the subprocess the Teams kill -9 test starts. Incoming JWTs are validated for real."""

from __future__ import annotations

import sys

from microsoft_agents.hosting.core import AnonymousTokenProvider

from adapters.teams import app as teams_app

OUTBOUND_TOKEN = "outbound-test-token"


class StaticToken(AnonymousTokenProvider):
    def __init__(self, configuration: object) -> None:
        self.seen = configuration

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        return OUTBOUND_TOKEN


if __name__ == "__main__":
    teams_app._msal = StaticToken  # type: ignore[assignment]  # the outgoing-token seam, as test_auth replaces it
    from bot.cli import main

    sys.exit(main(sys.argv[1:]))
