"""What a turn cost: a per-model price table in US dollars per million tokens (FINBOT_PRICES)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["DEFAULT_PRICES", "ModelPrice", "PriceTable"]


@dataclass(frozen=True, slots=True)
class ModelPrice:
    input: float
    """USD per 1M input (prompt) tokens."""
    output: float
    """USD per 1M output (completion) tokens."""


DEFAULT_PRICES: dict[str, ModelPrice] = {
    # OpenAI list prices (standard tier, USD per 1M tokens) when this table was written; FINBOT_PRICES overrides.
    "gpt-4o-mini": ModelPrice(input=0.15, output=0.60),
    "gpt-4o": ModelPrice(input=2.50, output=10.00),
    "gpt-4.1-mini": ModelPrice(input=0.40, output=1.60),
    "gpt-4.1": ModelPrice(input=2.00, output=8.00),
}


class PriceTable:
    """Looks a model up by exact name, else by the longest known prefix ("gpt-4o-mini-2024-07-18" -> "gpt-4o-mini")."""

    def __init__(self, prices: Mapping[str, ModelPrice]) -> None:
        self._prices = dict(prices)

    @classmethod
    def from_settings(cls, configured: Mapping[str, Mapping[str, float]], *, defaults: bool = True) -> PriceTable:
        """The defaults overlaid with `{"model": {"input": 0.15, "output": 0.6}}` entries from settings."""
        prices = dict(DEFAULT_PRICES) if defaults else {}
        for model, entry in configured.items():
            prices[model] = ModelPrice(input=float(entry.get("input", 0.0)), output=float(entry.get("output", 0.0)))
        return cls(prices)

    def price(self, model: str) -> ModelPrice | None:
        if model in self._prices:
            return self._prices[model]
        prefixes = [name for name in self._prices if model.startswith(name)]
        return self._prices[max(prefixes, key=len)] if prefixes else None

    def cost(self, model: str, *, tokens_in: int, tokens_out: int) -> float:
        """USD for one call; 0.0 for an unknown model or no model (extractive and template answers)."""
        price = self.price(model) if model else None
        if price is None:
            return 0.0
        return (tokens_in * price.input + tokens_out * price.output) / 1_000_000
