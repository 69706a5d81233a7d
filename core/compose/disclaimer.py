"""The firm's disclaimer on answers that touch recommendations, with the suggestion to talk to an advisor."""

from __future__ import annotations

__all__ = ["ADVISOR_SUGGESTION", "DEFAULT_DISCLAIMER", "disclaimer_note"]

DEFAULT_DISCLAIMER = (
    "This is general information computed from your holdings and market data, not personalised investment "
    "advice or a recommendation to buy or sell any security."
)
ADVISOR_SUGGESTION = "Please talk to your advisor before making any change; I can bring one in if you'd like."


def disclaimer_note(disclaimer: str) -> str:
    """The paragraph appended to the answer (and given to the grounding check as firm-approved text)."""
    return f"_{disclaimer.strip()}_ {ADVISOR_SUGGESTION}"
