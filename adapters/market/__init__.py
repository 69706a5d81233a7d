"""Market data over HTTP: `POST /market/ticks` (shared-token authenticated) applies price ticks."""

from adapters.market.ticks import register

__all__ = ["register"]
