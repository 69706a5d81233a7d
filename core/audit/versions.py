"""Which prompt templates produced an answer: a short hash of the prompt and template texts in force."""

from __future__ import annotations

import hashlib
from functools import cache
from types import ModuleType

__all__ = ["template_version"]


def _texts(module: ModuleType) -> list[str]:
    items = sorted(vars(module).items())
    return [f"{name}={value}" for name, value in items if name.isupper() and isinstance(value, str)]


@cache
def template_version() -> str:
    """12 hex digits that change whenever a prompt (core.compose.prompts) or a fixed answer (templates) does."""
    from core.compose import prompts, templates

    digest = hashlib.sha256("\n".join(_texts(prompts) + _texts(templates)).encode())
    return digest.hexdigest()[:12]
