"""The dashboard's chart as PNG bytes: latency percentiles (lines) over turns per bucket (bars).

Drawn with matplotlib's Agg canvas on a Figure object (no pyplot global state), so it is safe to run
in a worker thread: `await asyncio.to_thread(render_chart, board)`.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from core.metrics.dashboard import Dashboard

__all__ = ["render_chart"]

_LINES = (("p50_ms", "p50", "#2a6fdb"), ("p95_ms", "p95", "#f28e2b"), ("p99_ms", "p99", "#d62728"))


def render_chart(board: Dashboard, *, dpi: int = 100) -> bytes:
    """A 9x4.5 inch PNG of the period's series."""
    figure = Figure(figsize=(9, 4.5), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    times = [point.start for point in board.series]
    width = (times[1] - times[0]) * 0.8 if len(times) > 1 else None
    turns = axes.twinx()
    turns.bar(times, [p.turns for p in board.series], width=width,  # type: ignore[arg-type]  # stubs lack datetimes
              color="#cfd8e3", align="edge", label="turns")
    turns.set_ylabel("turns")
    turns.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_zorder(turns.get_zorder() + 1)
    axes.patch.set_visible(False)
    for attribute, label, colour in _LINES:
        values = [getattr(p, attribute) for p in board.series]
        seconds = [v / 1000 if v is not None else float("nan") for v in values]
        axes.plot(times, seconds, marker="o", markersize=3, color=colour,  # type: ignore[arg-type]  # datetimes plot
                  label=f"latency {label}")
    axes.set_ylabel("latency (s)")
    axes.set_ylim(bottom=0)
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]  # matplotlib.dates is not annotated
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.legend(loc="upper left", fontsize="small")
    axes.grid(alpha=0.3)
    axes.set_title(f"finbot: latency and turns, last {board.period} (UTC)")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
