"""The Bolt app: a Web API client pointed at `base_url`, the exactly-once middleware, every listener module.

Other features add listeners with one line in `LISTENERS` (a module with `register(app, deps)`), e.g. the
advisor Claim/Close buttons and advisor thread replies, or `/finbot-metrics`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import escalation
from adapters.slack.authorize import authorize_once
from adapters.slack.deps import SlackDeps
from adapters.slack.listeners import actions, assistant, commands, messages, metrics_command
from adapters.slack.middleware import exactly_once

__all__ = ["LISTENERS", "Registrar", "build_slack_app", "close_client", "make_client"]

Registrar = Callable[[AsyncApp, SlackDeps], None]

LISTENERS: list[Registrar] = [
    assistant.register,  # first: the AI-app middleware must see assistant-thread events before the listeners
    escalation.register,  # advisor channel (cards, Claim/Close, thread replies): before `messages` takes its events
    messages.register,
    commands.register,
    actions.register,
    metrics_command.register,  # /finbot-metrics (admins)
]
"""Listener modules, in order. Add yours here: `my_feature.register`."""

RATE_LIMIT_RETRIES = 3
CALL_TIMEOUT_S = 30.0


def make_client(token: str, *, base_url: str) -> AsyncWebClient:
    """The Web API client; HTTP 429 is retried after `Retry-After` (slack_sdk retries it only when asked).

    Call inside a running event loop; `close_client` releases its connections.
    """
    # One connection pool for every call (without a session, slack_sdk opens a new one per call).
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=CALL_TIMEOUT_S))
    client = AsyncWebClient(token=token, base_url=base_url, session=session, timeout=int(CALL_TIMEOUT_S))
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


async def close_client(client: AsyncWebClient) -> None:
    if client.session is not None and not client.session.closed:
        await client.session.close()


def build_slack_app(
    deps: SlackDeps,
    *,
    token: str,
    signing_secret: str,
    base_url: str = "https://slack.com/api/",
    listeners: Sequence[Registrar] = tuple(LISTENERS),
) -> AsyncApp:
    """Bolt acks events at once and runs listeners as background tasks (process_before_response=False)."""
    client = make_client(token, base_url=base_url)
    app = AsyncApp(
        client=client,
        authorize=authorize_once(client),
        signing_secret=signing_secret,
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )
    app.use(exactly_once(deps.events, deps.inbox))
    for register in listeners:
        register(app, deps)
    return app
