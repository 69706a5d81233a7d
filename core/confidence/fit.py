"""Fitting the confidence model: L2-regularised logistic regression by Newton's method (numpy, deterministic).

The rows are answers from development runs (`finbot eval answers --cases`): their signals and whether
they were right. The same rows always give the same coefficients, so the shipped model can be checked
(`finbot eval calibrate --check`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.confidence.model import ConfidenceModel
from core.confidence.signals import SIGNALS

__all__ = ["fit_logistic", "fit_model", "read_rows", "training_rows"]

def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, iterations: int = 50) -> tuple[np.ndarray, float]:
    """Weights and bias minimising the log-loss plus `l2`/2 * |w|^2 (the bias is not penalised)."""
    rows, columns = x.shape
    design = np.hstack([x, np.ones((rows, 1))])
    beta = np.zeros(columns + 1)
    penalty = np.full(columns + 1, l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -30, 30)))
        gradient = design.T @ (p - y) + penalty * beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty) + 1e-9 * np.eye(columns + 1)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if float(np.max(np.abs(step))) < 1e-10:
            break
    return beta[:-1], float(beta[-1])


def read_rows(paths: Iterable[Path]) -> list[dict[str, Any]]:
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def training_rows(case_rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Cases whose turn drafted an answer from documents (kept or withheld): signals and label."""
    out = []
    for row in case_rows:
        signals = row.get("signals") or {}
        if not signals:  # only answers drafted from documents carry signals
            continue
        out.append(
            {
                "set": row.get("set", ""),
                "id": row.get("id", ""),
                "right": bool(row.get("correct", row.get("right", False))),
                "signals": {name: round(float(signals.get(name, 0.0)), 6) for name in SIGNALS},
            }
        )
    return out


def fit_model(rows: Sequence[Mapping[str, Any]], *, l2: float = 1.0, source: str = "") -> ConfidenceModel:
    x = np.array([[float(r["signals"][name]) for name in SIGNALS] for r in rows], dtype=np.float64)
    y = np.array([1.0 if r["right"] else 0.0 for r in rows])
    weights, bias = fit_logistic(x, y, l2=l2)
    return ConfidenceModel.of(
        SIGNALS,
        [round(float(w), 6) for w in weights],
        round(bias, 6),
        fitted_on=source,
        rows=len(rows),
        positives=int(y.sum()),
        l2=l2,
        method="L2-regularised logistic regression, Newton's method (core/confidence/fit.py)",
    )
