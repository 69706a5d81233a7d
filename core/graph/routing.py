"""Edge functions: given the state, which node runs next."""

from __future__ import annotations

from typing import Literal

from core.graph.state import TurnState

__all__ = ["after_route"]


def after_route(state: TurnState) -> Literal["knowledge", "compose"]:
    """Questions go to the knowledge specialist; greetings and help go straight to compose."""
    return "knowledge" if "knowledge" in state.get("route", []) else "compose"
