"""Slack: a Bolt AsyncApp mounted at `/slack/events` on finbot's server (or Socket Mode).

`inbound.py` (payload -> IncomingMessage), `render.py` (Reply -> Block Kit), `listeners/` (one module per
surface, each `register(app, deps)`), `delivery.py` (post/update/ephemeral, reusable), `streaming.py`.
"""

from adapters.slack.app import LISTENERS, build_slack_app, make_client
from adapters.slack.delivery import delete_message, post_ephemeral, post_message, set_status, update_message
from adapters.slack.deps import DEFAULT_PROMPTS, SlackDeps
from adapters.slack.routes import EVENTS_PATH, mount
from adapters.slack.socket_mode import start_socket_mode

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
