"""The Bolt app: a Web API client pointed at `base_url`, the exactly-once middleware, every listener module.

Other features add listeners with one line in `LISTENERS` (a module with `register(app, deps)`), e.g. the
advisor Claim/Close buttons and advisor thread replies, or `/finbot-metrics`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack import escalation
from adapters.slack.authorize import authorize_once
from adapters.slack.deps import SlackDeps
from adapters.slack.listeners import (
    actions,
    assistant,
    channels,
    commands,
    edits,
    home,
    lifecycle,
    messages,
    metrics_command,
    reactions,
    review_command,
)
from adapters.slack.middleware import exactly_once
from core.store.installations import InstallationStore

__all__ = ["LISTENERS", "REMOVED", "GuardedWebClient", "Registrar", "build_slack_app", "close_client", "make_client"]

Registrar = Callable[[AsyncApp, SlackDeps], None]

LISTENERS: list[Registrar] = [
    lifecycle.register,  # uninstalled / token revoked: stop posting there (and its middleware lifts the mark)
    assistant.register,  # the legacy AI-app panel's thread start (apps still on assistant_view)
    escalation.register,  # advisor channel (cards, Claim/Close, thread replies): before `messages` takes its events
    edits.register,  # an edited question: answered again in place (before `messages`, which skips edits)
    messages.register,
    commands.register,
    actions.register,
    metrics_command.register,  # /finbot-metrics (admins)
    home.register,  # App Home: the DM's prompts and greeting (agent view), the Home tab
    reactions.register,  # 👍 / 👎 on finbot's answers: feedback
    channels.register,  # an introduction when finbot joins a channel
    review_command.register,  # /finbot-review (reviewers)
]
"""Listener modules, in order. Add yours here: `my_feature.register`."""

REMOVED = "app_removed"
"""The error of a call refused because the workspace removed finbot (not a Slack error code)."""
RATE_LIMIT_RETRIES = 3
CALL_TIMEOUT_S = 30.0


class GuardedWebClient(AsyncWebClient):
    """The app's own client, used for what finbot posts outside an incoming event (advisor relays, escalation
    cards, reminders): it refuses to call Slack for a workspace that removed finbot (listeners/lifecycle.py).

    Bolt gives each incoming event a fresh client of its own; events come only from installed workspaces.
    """

    installations: InstallationStore | None = None
    team: str | None = None
    """The workspace of the bot token (from `auth.test`, set by `authorize_once`)."""

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:  # type: ignore[override]
        if (
            self.installations is not None
            and self.team
            and api_method != "auth.test"
            and await self.installations.removed("slack", self.team)
        ):
            removed = {"ok": False, "error": REMOVED}
            raise SlackApiError(f"finbot was removed from Slack workspace {self.team}", removed)
        return await super().api_call(api_method, **kwargs)


def make_client(
    token: str, *, base_url: str, installations: InstallationStore | None = None
) -> AsyncWebClient:
    """The Web API client; HTTP 429 is retried after `Retry-After` (slack_sdk retries it only when asked).

    Call inside a running event loop; `close_client` releases its connections.
    """
    # One connection pool for every call (without a session, slack_sdk opens a new one per call).
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=CALL_TIMEOUT_S))
    client = GuardedWebClient(token=token, base_url=base_url, session=session, timeout=int(CALL_TIMEOUT_S))
    client.installations = installations
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
    client = make_client(token, base_url=base_url, installations=deps.installations)
    app = AsyncApp(
        client=client,
        authorize=authorize_once(client),
        signing_secret=signing_secret,
        request_verification_enabled=False,  # verified in adapters.slack.routes, which never logs the body
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )
    app.use(exactly_once(deps.events, deps.inbox))
    for register in listeners:
        register(app, deps)
    return app
