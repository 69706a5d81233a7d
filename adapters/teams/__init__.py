"""Microsoft Teams adapter (botbuilder 4.17.1). Every Bot Framework type stays inside this package.

    inbound.py    Activity -> IncomingMessage, conversation references, card actions
    render.py     Reply -> Adaptive Card 1.5
    streaming.py  Teams streaming by hand (1:1), one final message elsewhere
    bot.py        the activity handler: translate, call the core once, render, deliver
    middleware.py exactly-once turns, references stored on every activity
    auth.py       header checks and JWT validation -> 401
    routes.py     POST /api/messages
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
