"""Percentiles computed one way on every database.

The dashboard fetches the period's values and computes percentiles here with numpy's "linear" method
(type 7 of Hyndman & Fan), which is exactly PostgreSQL's `percentile_cont`. SQLite has no percentile
function, so doing it in SQL would mean two implementations; doing it here means one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

__all__ = ["METHOD", "percentiles"]

METHOD: Final = "linear"


def percentiles(values: Sequence[float], qs: Sequence[float]) -> list[float | None]:
    """The q-th percentiles (0..100) of `values`; None for each when there are no values."""
    if len(values) == 0:
        return [None for _ in qs]
    result = np.percentile(np.asarray(values, dtype=np.float64), list(qs), method=METHOD)
    return [float(v) for v in np.atleast_1d(result)]
