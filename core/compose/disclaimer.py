"""The firm's closing text: the disclaimer on answers that contain a recommendation, with the suggestion to talk
to an advisor, and the no-recommendation line on answers to a request for one that give none."""

from __future__ import annotations

__all__ = ["ADVISOR_SUGGESTION", "DEFAULT_DISCLAIMER", "DEFAULT_NO_RECOMMENDATION", "closing_note", "disclaimer_note"]

DEFAULT_DISCLAIMER = (
    "This is general information computed from your holdings and market data, not personalised investment "
    "advice or a recommendation to buy or sell any security."
)
ADVISOR_SUGGESTION = "Please talk to your advisor before making any change; I can bring one in if you'd like."
DEFAULT_NO_RECOMMENDATION = (
    "I can't recommend buying, selling or holding any particular investment: that is a decision to make with "
    "your advisor, and I can bring one in if you'd like."
)


def disclaimer_note(disclaimer: str) -> str:
    """The paragraph appended to the answer (and given to the grounding check as firm-approved text)."""
    return f"_{disclaimer.strip()}_ {ADVISOR_SUGGESTION}"


def closing_note(
    *, disclaimer: str, no_recommendation: str, asked: bool, illustrated: bool, strategy: str
) -> str | None:
    """The firm's text that closes an answer, if any.

    The disclaimer when the answer contains a recommendation: it illustrates a change (rebalancing trades),
    or a language model wrote it for a request for one (its text may weigh options). The no-recommendation
    line when the person asked for a recommendation (`asked`: the high-stakes flag) and the answer gives
    none (the offline answer: figures, a quote, the firm's documents). Nothing otherwise, and nothing on a
    hand-over to a person.
    """
    if strategy == "human":
        return None
    if illustrated or (asked and strategy == "llm"):
        return disclaimer_note(disclaimer)
    if asked and no_recommendation.strip():
        return no_recommendation.strip()
    return None
