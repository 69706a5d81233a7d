"""A composed answer before the assessment (grounding, confidence, the refusal when unsure)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from core.types import Citation, Strategy

__all__ = ["DeltaSink", "Draft", "stream_text"]

DeltaSink = Callable[[str], Awaitable[None]]
"""Receives text as it is produced (streamed to the person)."""


@dataclass(slots=True)
class Draft:
    text: str
    strategy: Strategy
    citations: list[Citation] = field(default_factory=list)
    model: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    failures: list[str] = field(default_factory=list)
    """Why earlier steps of the answer chain did not answer (e.g. 'llm: timeout')."""
    step: str = ""
    """The answer chain's step that wrote it: template, memory, jury, llm, figures, extractive, refusal."""
    sources: list[str] = field(default_factory=list)
    """Chunk ids of the passages the answer was taken from / cites, in citation order."""
    streamed: bool = False
    """The text already reached the person as it was written (a model's stream); else it is sent whole."""
    penalty: int = 0
    """Confidence points the answer loses (the jury's disagreement)."""
    jury: dict[str, Any] | None = None
    """The jury's record when it wrote the answer."""


async def stream_text(text: str, on_delta: DeltaSink, *, chunk_words: int = 6) -> None:
    """Send a ready answer in small pieces so every surface streams the same way."""
    words = text.split(" ")
    for start in range(0, len(words), chunk_words):
        piece = " ".join(words[start : start + chunk_words])
        await on_delta(piece if start == 0 else " " + piece)
        await asyncio.sleep(0)
