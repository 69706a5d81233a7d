"""The confidence model: a logistic regression over the answer's signals (core.confidence.signals).

Its coefficients live in `model.json` next to this file, with the names of the signals, the data it was
fitted on (`calibration.jsonl`) and how; `finbot eval calibrate` refits it and reproduces them. Its output
is the probability that the answer is right ("right" = it comes from a document that answers the question),
which is what the confidence shown to people means.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_MODEL_PATH", "ConfidenceModel", "load_default_model"]

DEFAULT_MODEL_PATH = Path(__file__).with_name("model.json")


@dataclass(frozen=True, slots=True)
class ConfidenceModel:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    meta: Mapping[str, Any]

    def probability(self, signals: Mapping[str, float]) -> float:
        z = self.bias + sum(w * float(signals.get(f, 0.0)) for f, w in zip(self.features, self.weights, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def score(self, signals: Mapping[str, float]) -> int:
        """Confidence 0-100: the probability in percent."""
        return round(100 * self.probability(signals))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ConfidenceModel:
        features = tuple(str(f) for f in data["features"])
        weights = tuple(float(w) for w in data["weights"])
        if len(features) != len(weights):
            raise ValueError("confidence model: features and weights differ in length")
        meta = {k: v for k, v in data.items() if k not in ("features", "weights", "bias")}
        return cls(features, weights, float(data["bias"]), meta)

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(self.features), "weights": list(self.weights), "bias": self.bias, **self.meta}

    @classmethod
    def load(cls, path: Path) -> ConfidenceModel:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def of(cls, features: Sequence[str], weights: Sequence[float], bias: float, **meta: Any) -> ConfidenceModel:
        return cls(tuple(features), tuple(weights), bias, meta)


@lru_cache(maxsize=1)
def load_default_model() -> ConfidenceModel:
    """The shipped model (core/confidence/model.json)."""
    return ConfidenceModel.load(DEFAULT_MODEL_PATH)
