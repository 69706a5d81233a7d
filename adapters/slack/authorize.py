"""Single-workspace authorization that calls `auth.test` once, even when the first requests arrive together.

Bolt's built-in single-team authorization caches `auth.test` but lets every request of a first burst call it;
this one holds a lock while the first call is in flight, so a burst of events is acked without a burst of
Web API calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

__all__ = ["authorize_once"]


def authorize_once(client: AsyncWebClient) -> Callable[[], Awaitable[AuthorizeResult]]:
    """A Bolt `authorize=` function for one workspace and the client's bot token."""
    cached: list[AuthorizeResult] = []
    lock = asyncio.Lock()

    async def authorize() -> AuthorizeResult:
        if not cached:
            async with lock:
                if not cached:
                    response = await client.auth_test()
                    result = AuthorizeResult.from_auth_test_response(
                        auth_test_response=response, bot_token=client.token
                    )
                    if hasattr(client, "team"):  # GuardedWebClient: which workspace it guards
                        client.team = result.team_id
                    cached.append(result)
        return cached[0]

    return authorize
