"""Local web chat: try finbot in a browser with no Slack or Teams."""

from adapters.web.hub import WebChatHub
from adapters.web.routes import register

__all__ = ["WebChatHub", "register"]
