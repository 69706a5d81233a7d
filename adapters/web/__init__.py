"""Local web chat: try finbot in a browser with no Slack or Teams (and the web advisor desk, /advisor)."""

from adapters.web.hub import WebChatHub
from adapters.web.routes import register

__all__ = ["WebChatHub", "register"]
