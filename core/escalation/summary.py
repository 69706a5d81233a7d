"""The short context an advisor reads on the card: the last turns, and the sources finbot looked at."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["context_summary", "source_list"]

_ROLE = {"user": "Client", "assistant": "finbot", "advisor": "Advisor"}


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def context_summary(history: Iterable[Mapping[str, str]], *, turns: int = 4, per_turn: int = 240) -> str:
    """The last `turns` messages, one line each, clipped; "" for a first message."""
    recent = list(history)[-turns:]
    return "\n".join(f"{_ROLE.get(m.get('role', ''), 'Client')}: {_clip(m.get('text', ''), per_turn)}" for m in recent)


def source_list(passages: Iterable[Mapping[str, Any]], *, limit: int = 5) -> list[dict[str, str]]:
    """Distinct (title, uri) of the retrieved passages, best first."""
    seen: set[str] = set()
    sources: list[dict[str, str]] = []
    for passage in passages:
        key = str(passage.get("uri") or passage.get("title") or "")
        if not key or key in seen:
            continue
        seen.add(key)
        sources.append({"title": str(passage.get("title", "")), "uri": str(passage.get("uri", ""))})
        if len(sources) == limit:
            break
    return sources
