"""Inbound text hygiene shared by every adapter: NUL and other control characters never reach the core
(PostgreSQL refuses NUL in text; controls can hide content from advisors and logs)."""

from __future__ import annotations

import re

__all__ = ["strip_controls"]

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text: str) -> str:
    """`text` without C0 control characters and DEL (tabs and newlines are kept)."""
    return _CONTROLS.sub("", text)
