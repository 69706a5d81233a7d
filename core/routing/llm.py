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
Mark high_stakes when the client asks for a recommendation or to change their allocation. A short question \
that continues the previous topic is a follow_up.{pinned}"""


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
        recent = request.history[-self._history_turns :]
        transcript = "\n".join(f"{role}: {text[:500]}" for role, text in recent)
        question = f"Conversation so far:\n{transcript}\n\nQuestion: {request.question}" if recent else request.question
        return [SystemMessage(ROUTER_SYSTEM.format(pinned=pinned)), HumanMessage(question)]

    async def decide(self, request: RouteRequest) -> RouteDecision:
        """Provider failures raise ProviderError; a reply that is not a RouteDecision raises too."""
        with provider_errors():
            decision = await self._structured.ainvoke(self.build_messages(request))
        if not isinstance(decision, RouteDecision):
            raise ValueError("the router did not return a RouteDecision")
        return decision
