"""The terminal: reading lines, and showing each answer once, as Markdown, while it streams (rich).

Light to import (rich only), so `finbot chat` reaches its prompt before the assistant has loaded. A rich `Live`
display grows in place as the text streams and is replaced by the final answer; where the output is not a
terminal (a pipe, a test) only the final answer is printed.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.markdown import Markdown
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from core.types import Reply

__all__ = ["PROMPT", "Terminal", "reply_renderable"]

PROMPT = "you> "
OFFER_HINT = "Type *yes* to talk to an advisor."


def reply_renderable(reply: Reply) -> RenderableType:
    """The final answer: Markdown text, figures as tables, sources, confidence, the offer of an advisor."""
    parts: list[RenderableType] = [Markdown(reply.text or "(no answer)")]
    for figure in reply.figures:
        table = Table(title=figure.name, title_justify="left")
        for column in figure.columns:
            table.add_column(column)
        for row in figure.rows:
            table.add_row(*(str(cell) for cell in row))
        parts.append(table)
    for number, citation in enumerate(reply.citations, start=1):
        parts.append(Text(f"  [{number}] {citation.title}", style="dim"))
    if reply.strategy in ("llm", "extractive"):
        parts.append(Text(f"  (confidence {reply.confidence}%, {reply.strategy})", style="dim"))
    if reply.offer_advisor:
        parts.append(Markdown(OFFER_HINT))
    return Group(*parts)


class Terminal:
    """Input lines and rich output for one chat session."""

    def __init__(self, *, stdin: TextIO | None = None, out: TextIO | None = None) -> None:
        self._stdin = stdin or sys.stdin
        self.console = Console(file=out or sys.stdout, highlight=False, soft_wrap=False)
        self._live: Live | None = None
        self._text = ""

    async def read(self) -> str | None:
        """The next line typed (None at end of input); the prompt is shown first."""
        self.console.print(PROMPT, end="", markup=False, highlight=False)
        self.console.file.flush()
        line = await asyncio.to_thread(self._stdin.readline)
        return line if line else None

    def say(self, text: str, *, style: str | None = None) -> None:
        self.console.print(text, style=style, markup=False, highlight=False)

    # -- one answer ------------------------------------------------------------------------------

    def begin(self) -> None:
        self._text = ""
        self._live = Live(
            Spinner("dots", text=Text("thinking...", style="dim")),
            console=self.console,
            refresh_per_second=8,
            vertical_overflow="visible",
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._live.start()

    def status(self, status: str) -> None:
        if self._live is not None and not self._text:
            self._live.update(Spinner("dots", text=Text(status, style="dim")))

    def stream(self, piece: str) -> None:
        self._text += piece
        if self._live is not None:
            self._live.update(Markdown(self._text))

    def end(self, renderable: RenderableType) -> None:
        """Replace what streamed with the final answer, shown once."""
        if self._live is None:
            self.console.print(renderable)
            return
        self._live.update(renderable, refresh=True)
        self._live.stop()
        self._live = None
        if not self.console.is_terminal:  # a file or pipe gets the final answer only, then a line break
            self.console.line()
