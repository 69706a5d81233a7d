"""The redactor every language-model client shares (FINBOT_PII_ENTITIES), built once per set of kinds."""

from __future__ import annotations

from functools import cache

from bot.config import Settings
from core.privacy import Redactor

__all__ = ["pii_redactor"]


@cache
def _redactor(kinds: tuple[str, ...]) -> Redactor:
    return Redactor(kinds)


def pii_redactor(settings: Settings) -> Redactor | None:
    """None when FINBOT_PII_ENTITIES=off: text goes to the model as typed."""
    return _redactor(tuple(settings.pii_entities)) if settings.pii_entities else None
