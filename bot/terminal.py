"""What the `finbot` command shows in a terminal: log lines and progress bars on one rich console.

Logs and bars share `CONSOLE` (stderr), so a log line printed while a bar runs appears above the bar instead
of overwriting it. Off a terminal (a service, a pipe) logs are plain lines and bars are not drawn.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

__all__ = ["CONSOLE", "QUIET_LOGGERS", "StageBars", "configure_logging", "progress_bars"]

CONSOLE = Console(stderr=True)

QUIET_LOGGERS = ("httpx", "aiosqlite", "openai", "bm25s", "alembic", "apscheduler")
"""Libraries that log routine work at INFO (APScheduler: every job run); finbot shows their warnings only."""

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Plain lines to whatever sys.stderr is when a record is written (not the stream of when it was made)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_logging(level: int = logging.INFO, *, console: Console = CONSOLE) -> None:
    """Root logging for one `finbot` command: rich on a terminal, plain lines elsewhere (replacing only ours)."""
    handler: logging.Handler
    if console.is_terminal:
        handler = RichHandler(console=console, show_path=False, markup=False, rich_tracebacks=False)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    else:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter(PLAIN_FORMAT))
    handler.set_name("finbot")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "finbot"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, level))


class RateColumn(ProgressColumn):
    """Items per second, e.g. `42 chunks/s` (the task's `unit` field names the items)."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        unit = task.fields.get("unit", "items")
        return Text(f"{speed:,.1f} {unit}/s" if speed else "", style="progress.data.speed")


def progress_bars(*, console: Console = CONSOLE, disable: bool = False) -> Progress:
    """Bars with done/total, percent, rate, elapsed time and ETA (transient: gone when the work is done)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=disable,
        speed_estimate_period=10,
    )


class StageBars:
    """One bar per stage name, created when the stage first reports (so its total is known: never '0/?').

    `callback(done, total, stage)` fits the progress callbacks of the ingestor, the retriever and the
    evaluation; `totals` keeps the last figures of each stage for the summary printed afterwards.
    """

    def __init__(self, bars: Progress, *, units: dict[str, str] | None = None) -> None:
        self._bars = bars
        self._units = units or {}
        self._tasks: dict[str, TaskID] = {}
        self.totals: dict[str, tuple[int, int]] = {}

    def start(self, stage: str, total: int) -> None:
        """Show a stage's bar before its first item is done (0/total, with the total known)."""
        if stage not in self._tasks and total > 0:
            unit = next((u for prefix, u in self._units.items() if stage.startswith(prefix)), "items")
            self._tasks[stage] = self._bars.add_task(stage, total=total, unit=unit)
        self.totals.setdefault(stage, (0, total))

    def callback(self, done: int, total: int, stage: str) -> None:
        self.start(stage, total)
        if stage in self._tasks:
            self._bars.update(self._tasks[stage], completed=done, total=total)
        self.totals[stage] = (done, total)

    def stage(self, stage: str) -> Callable[[int, int, str], None]:
        """A callback that reports under a fixed stage name, whatever the caller passes."""
        return lambda done, total, _other: self.callback(done, total, stage)
