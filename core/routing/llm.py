"""The language-model router: structured output (a tool call) fills in a RouteDecision."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from core.llm import provider_errors
from core.routing.types import RouteDecision, RouteRequest

__all__ = ["LlmRouter"]

ROUTER_SYSTEM = """You are the supervisor of finbot, the assistant of a financial-advice firm. Decide which \
specialists answer the client's question. knowledge: the firm's documents (fees, accounts, transfers, \
retirement accounts, policies). portfolio: the client's own holdings (value, allocation, gains and losses, \
concentration, drift from target, rebalancing). market: latest prices and price moves of symbols. risk: \
volatility, drawdown, value at risk, diversification and beta. Pick every specialist the question needs. \
portfolio, market and risk need a subject: the client's own holdings ("my", "our holdings", a security they \
hold), a named security (ticker, company, crypto-asset) or the market as a whole today. A question about a \
company's business (its revenue, market share, segments, a gain on a sale, its filings) is knowledge, even \
when it contains words like market, gain, risk or buy. Mark high_stakes only when the client asks for a \
recommendation about investments, to change their allocation, or about buying, selling or moving a named \
security; a company named "... Buy" or a company selling a unit is not one. Give the ticker of every \
security named (Tesla -> TSLA, bitcoin -> BTC). A short question that continues the previous topic is a \
follow_up.{pinned}{held}"""


class LlmRouter:
    def __init__(self, model: BaseChatModel, *, history_turns: int = 4) -> None:
        self._structured = model.with_structured_output(RouteDecision, method="function_calling")
        self._history_turns = history_turns

    def build_messages(self, request: RouteRequest) -> list[BaseMessage]:
        pinned = ""
        if request.pinned_route:
            pinned = f"\nThe previous question went to: {', '.join(request.pinned_route)}"
            if request.pinned_symbols:
                pinned += f" (symbols {', '.join(request.pinned_symbols)})"
            pinned += "."
        held = f"\nThe client holds: {', '.join(sorted(request.holdings))}." if request.holdings else ""
        recent = request.history[-self._history_turns :]
        transcript = "\n".join(f"{role}: {text[:500]}" for role, text in recent)
        question = f"Conversation so far:\n{transcript}\n\nQuestion: {request.question}" if recent else request.question
        return [SystemMessage(ROUTER_SYSTEM.format(pinned=pinned, held=held)), HumanMessage(question)]

    async def decide(self, request: RouteRequest) -> RouteDecision:
        """Provider failures raise ProviderError; a reply that is not a RouteDecision raises too."""
        with provider_errors():
            decision = await self._structured.ainvoke(self.build_messages(request))
        if not isinstance(decision, RouteDecision):
            raise ValueError("the router did not return a RouteDecision")
        return decision
