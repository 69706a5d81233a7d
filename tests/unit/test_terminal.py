"""What `finbot` shows in a terminal: log lines above the progress bars, bars that know their total."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest
from rich.console import Console

from bot.terminal import QUIET_LOGGERS, StageBars, configure_logging, progress_bars

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def console() -> Iterator[Console]:
    terminal = Console(file=io.StringIO(), force_terminal=True, width=120, color_system=None)
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield terminal
    root.handlers[:] = handlers
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)


def _lines(console: Console) -> list[str]:
    text = ANSI.sub("", console.file.getvalue())  # type: ignore[attr-defined]
    return [line for chunk in text.split("\r") for line in chunk.split("\n")]


def test_a_log_line_during_a_bar_prints_above_it_whole(console: Console) -> None:
    configure_logging(console=console)
    with progress_bars(console=console) as bars:
        stages = StageBars(bars, units={"embedding": "chunks"})
        stages.callback(0, 40, "embedding new chunks")
        bars.refresh()
        logging.getLogger("finbot.test").warning("a line that must stay readable")
        stages.callback(20, 40, "embedding new chunks")
        bars.refresh()
    lines = _lines(console)
    (logged,) = [line for line in lines if "a line that must stay readable" in line]
    assert "━" not in logged and "embedding" not in logged
    assert any("embedding new chunks" in line and "20/40" in line and "ETA" in line for line in lines)


def test_a_stage_gets_its_bar_only_once_its_total_is_known(console: Console) -> None:
    with progress_bars(console=console) as bars:
        stages = StageBars(bars)
        stages.callback(0, 0, "embedding new chunks")  # nothing to embed: no "0/?" bar
        assert bars.tasks == []
        stages.start("reading files", 3)
        assert [(t.description, t.total) for t in bars.tasks] == [("reading files", 3)]
    assert stages.totals == {"embedding new chunks": (0, 0), "reading files": (0, 3)}


def test_chatty_libraries_log_warnings_only(console: Console, caplog: pytest.LogCaptureFixture) -> None:
    configure_logging(console=console)
    caplog.set_level(logging.INFO)
    logging.getLogger("apscheduler.executors.default").info('Running job "summarize"')
    logging.getLogger("finbot.test").info("finbot's own line")
    assert [r.getMessage() for r in caplog.records] == ["finbot's own line"]
