"""The reliability diagram of an answer evaluation as PNG bytes (matplotlib Agg, no pyplot state)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from core.evaluation.scoring import CaseOutcome

__all__ = ["reliability_png"]


def reliability_png(outcomes: Sequence[CaseOutcome], *, title: str, bins: int = 10, dpi: int = 100) -> bytes:
    """Accuracy per confidence bin against the diagonal, with the number of questions per bin below."""
    figure = Figure(figsize=(6, 6.5), dpi=dpi)
    FigureCanvasAgg(figure)
    top = figure.add_axes((0.12, 0.35, 0.83, 0.57))
    bottom = figure.add_axes((0.12, 0.08, 0.83, 0.18), sharex=top)
    width = 1.0 / bins
    centres, accuracy, counts = [], [], []
    for b in range(bins):
        low, high = b * width, (b + 1) * width
        members = [o for o in outcomes if low <= o.confidence / 100 < high or (b == bins - 1 and o.confidence == 100)]
        counts.append(len(members))
        centres.append(low + width / 2)
        accuracy.append(sum(o.correct for o in members) / len(members) if members else 0.0)
    top.bar(centres, accuracy, width=width * 0.9, color="#2a6fdb", edgecolor="white", label="accuracy")
    top.plot([0, 1], [0, 1], linestyle="--", color="#666666", label="perfect calibration")
    top.set_xlim(0, 1)
    top.set_ylim(0, 1)
    top.set_ylabel("share right")
    top.set_title(title, fontsize=10)
    top.legend(loc="upper left", fontsize=8)
    bottom.bar(centres, counts, width=width * 0.9, color="#999999")
    bottom.set_xlabel("confidence")
    bottom.set_ylabel("questions")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
