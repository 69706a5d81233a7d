"""The compliance view: `/compliance` (a read-only transcript search and the supervision queue) and its API,
behind FINBOT_REVIEW_TOKEN, on for a firm that sets the token (bot.server mounts it)."""

from adapters.compliance.routes import register

__all__ = ["register"]
