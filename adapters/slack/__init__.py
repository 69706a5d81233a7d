"""Slack: a Bolt AsyncApp mounted at `/slack/events` on finbot's server (or Socket Mode).

`surface.py` (the Surface: build, mount, desk), `inbound.py` (payload -> IncomingMessage), `render.py` (Reply ->
Block Kit), `listeners/` (one module per surface area, each `register(app, deps)`), `turn.py` (sinks for
`adapters.base.run_turn`), `delivery.py` (post/update/ephemeral, reusable), `streaming.py`, `sessions.py`.

Names are imported on first use (PEP 562), so `from adapters.slack import surface` stays light until Slack is on.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "DEFAULT_PROMPTS",
    "EVENTS_PATH",
    "LISTENERS",
    "SlackDeps",
    "build_slack_app",
    "delete_message",
    "make_client",
    "mount",
    "post_ephemeral",
    "post_message",
    "set_status",
    "start_socket_mode",
    "update_message",
]

_HOMES = {
    "LISTENERS": "app", "build_slack_app": "app", "make_client": "app",
    "delete_message": "delivery", "post_ephemeral": "delivery", "post_message": "delivery",
    "set_status": "delivery", "update_message": "delivery",
    "DEFAULT_PROMPTS": "deps", "SlackDeps": "deps",
    "EVENTS_PATH": "routes", "mount": "routes",
    "start_socket_mode": "socket_mode",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'adapters.slack' has no attribute {name!r}")
    return getattr(importlib.import_module(f"adapters.slack.{home}"), name)
