"""One answered turn -> its TurnRecord: timings, tokens (the provider's usage, else counted), cost."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.compose.prompts import ANSWER_SYSTEM, format_context
from core.jury import jury_record_fields
from core.metrics.prices import PriceTable
from core.metrics.tokens import count_prompt_tokens, count_tokens
from core.store.metrics import TurnRecord
from core.types import IncomingMessage, Reply

if TYPE_CHECKING:
    from core.graph.state import TurnState

__all__ = ["build_turn_record", "estimate_llm_tokens"]


def estimate_llm_tokens(state: TurnState, answer: str) -> tuple[int, int]:
    """(input, output) tokens of the LLM call this turn made, rebuilt from the state: the system prompt
    with the passages, the history, the question; and the answer it wrote."""
    passages = [(p.get("title", ""), p.get("text", "")) for p in state.passages]
    system = ANSWER_SYSTEM.format(context=format_context(passages), style="")
    history = [turn.get("text", "") for turn in state.history]
    question = state.message.text
    return count_prompt_tokens([system, *history, question]), count_tokens(answer)


def build_turn_record(
    message: IncomingMessage,
    state: TurnState,
    reply: Reply,
    *,
    latency_ms: float,
    ttft_ms: float | None,
    prices: PriceTable | None,
) -> TurnRecord:
    model = state.model
    tokens_in, tokens_out = state.tokens_in, state.tokens_out
    estimated = False
    if reply.strategy == "llm" and model and tokens_in == 0 and tokens_out == 0:
        tokens_in, tokens_out = estimate_llm_tokens(state, state.draft or reply.text)
        estimated = True
    failures = list(state.failures)
    return TurnRecord(
        id=reply.turn_id or "",
        conversation_key=message.conversation.key,
        user_id=message.person.id,
        platform=message.conversation.platform,
        latency_ms=latency_ms,
        ttft_ms=ttft_ms,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        tokens_estimated=estimated,
        cost_usd=prices.cost(model, tokens_in=tokens_in, tokens_out=tokens_out) if prices else 0.0,
        model=model,
        route=",".join(reply.route),
        strategy=reply.strategy,
        confidence=reply.confidence,
        low_confidence=reply.low_confidence,
        grounded=state.grounded,
        escalated=reply.escalation is not None,
        fallback=bool(failures),
        failures="; ".join(failures)[:400],
        guard_blocked=bool(state.blocked),
        docs_retrieved=len(state.passages),
        memory_tiers=",".join(state.memory_tiers),
        signals=dict(state.signals),
        pii=dict(state.pii_counts),
        **jury_record_fields({"jury": state.jury, "model": model}, prices.cost if prices else None),
    )
