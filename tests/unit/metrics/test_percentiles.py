"""Percentiles: numpy's linear method, the same as PostgreSQL's percentile_cont."""

from __future__ import annotations

import numpy as np
import pytest

from core.metrics import percentiles


def test_matches_numpy_on_random_values() -> None:
    values = np.random.default_rng(7).lognormal(mean=7, sigma=0.6, size=1001).tolist()
    got = percentiles(values, (50, 95, 99))
    assert got == pytest.approx(np.percentile(values, [50, 95, 99]).tolist(), rel=1e-12)


def test_interpolates_between_ranks_like_percentile_cont() -> None:
    # percentile_cont(0.5) of 1,2,3,4 = 2.5; (0.95) = 1 + 0.95*3 = 3.85
    assert percentiles([4, 1, 3, 2], (50, 95)) == pytest.approx([2.5, 3.85])


def test_single_value_and_empty() -> None:
    assert percentiles([120.0], (50, 99)) == [120.0, 120.0]
    assert percentiles([], (50, 95)) == [None, None]
