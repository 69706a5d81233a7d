"""Microsoft Teams adapter on the Microsoft 365 Agents SDK (microsoft-agents-hosting-aiohttp / -core). Every
Bot Framework type stays inside this package.

    inbound.py    Activity -> IncomingMessage, conversation references, card actions
    render.py     Reply -> Adaptive Card 1.5
    delivery.py   the SDK's native streaming (1:1), one final message elsewhere; AI label, citations
    bot.py        the AgentApplication: routes for messages, Action.Execute, feedback, edits, deletes, installs
    middleware.py exactly-once turns, references stored on every activity
    config.py     settings -> the SDK's AgentAuthConfiguration
    auth.py       the SDK's JWT validator with configurable OpenID metadata -> 401
    routes.py     POST /api/messages (400 / 401 first, then the SDK)
    proactive.py  posting later into a stored conversation
    actions.py    card-action and text-command registries (extension points)
    manifest.py   the sideload zip (`finbot teams package`)
    app.py        all of the above assembled: TeamsApp
    surface.py    the Surface: build (settings -> TeamsApp, desk, relays), mount, stop

Names are imported on first use (PEP 562), so `from adapters.teams import surface` stays light until Teams is on.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "ActionHandler",
    "ActionResult",
    "CardAction",
    "CommandHandler",
    "TeamsApp",
    "TeamsConfig",
    "register",
    "reply_card",
    "teams_conversation",
    "text_card",
    "thread_reference",
]

_HOMES = {
    "ActionHandler": "actions", "ActionResult": "actions", "CardAction": "actions", "CommandHandler": "actions",
    "TeamsApp": "app", "TeamsConfig": "config", "teams_conversation": "inbound", "thread_reference": "proactive",
    "reply_card": "render", "text_card": "render", "register": "routes",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'adapters.teams' has no attribute {name!r}")
    return getattr(importlib.import_module(f"adapters.teams.{home}"), name)
