"""finbot uninstalled from a workspace, or its bot token revoked: it stops posting there.

`app_uninstalled` / `tokens_revoked` mark the installation removed (core.store.installations); the app's own
client (advisor relays, escalation cards, reminders: everything finbot posts outside an incoming event) then
refuses to call Slack for that workspace (`app.GuardedWebClient`). Slack sends events only to installed apps,
so the next ordinary event from the workspace (it was installed again) lifts the mark.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from adapters.slack.deps import SlackDeps

__all__ = ["EVENTS", "register"]

log = logging.getLogger(__name__)

EVENTS = ("app_uninstalled", "tokens_revoked")


def register(app: AsyncApp, deps: SlackDeps) -> None:
    store = deps.installations
    if store is None:
        return

    async def on_uninstalled(body: dict[str, Any]) -> None:
        team = str(body.get("team_id") or "")
        log.warning("finbot was uninstalled from Slack workspace %s: no more posting there", team)
        await store.mark_removed("slack", team, "app_uninstalled")

    async def on_tokens_revoked(event: dict[str, Any], body: dict[str, Any]) -> None:
        if not (event.get("tokens") or {}).get("bot"):
            return  # only user tokens went; finbot posts with its bot token
        team = str(body.get("team_id") or "")
        log.warning("finbot's bot token was revoked in Slack workspace %s: no more posting there", team)
        await store.mark_removed("slack", team, "tokens_revoked")

    async def reinstalled(body: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:
        event: dict[str, Any] = body["event"] if isinstance(body.get("event"), dict) else {}
        team = str(body.get("team_id") or "")
        if (
            body.get("type") == "event_callback"
            and team
            and event.get("type") not in EVENTS
            and await store.removed("slack", team)
        ):
            log.info("Slack workspace %s sends events again: posting there resumes", team)
            await store.restore("slack", team)
        return await next()

    app.use(reinstalled)
    app.event("app_uninstalled")(on_uninstalled)
    app.event("tokens_revoked")(on_tokens_revoked)
