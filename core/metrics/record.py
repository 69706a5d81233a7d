"""One answered turn -> its TurnRecord: timings, tokens (the provider's usage, else counted), cost."""

from __future__ import annotations

from typing import Any

from core.compose.prompts import ANSWER_SYSTEM, format_context
from core.jury import jury_record_fields
from core.metrics.prices import PriceTable
from core.metrics.tokens import count_prompt_tokens, count_tokens
from core.store.metrics import TurnRecord
from core.types import IncomingMessage, Reply

__all__ = ["build_turn_record", "estimate_llm_tokens"]


def estimate_llm_tokens(state: dict[str, Any], answer: str) -> tuple[int, int]:
    """(input, output) tokens of the LLM call this turn made, rebuilt from the state: the system prompt
    with the passages, the history, the question; and the answer it wrote."""
    passages = [(p.get("title", ""), p.get("text", "")) for p in state.get("passages", [])]
    system = ANSWER_SYSTEM.format(context=format_context(passages), style="")
    history = [turn.get("text", "") for turn in state.get("history", [])]
    question = state.get("message", {}).get("text", "")
    return count_prompt_tokens([system, *history, question]), count_tokens(answer)


def build_turn_record(
    message: IncomingMessage,
    state: dict[str, Any],
    reply: Reply,
    *,
    latency_ms: float,
    ttft_ms: float | None,
    prices: PriceTable | None,
) -> TurnRecord:
    model = str(state.get("model") or "")
    tokens_in = int(state.get("tokens_in") or 0)
    tokens_out = int(state.get("tokens_out") or 0)
    estimated = False
    if reply.strategy == "llm" and model and tokens_in == 0 and tokens_out == 0:
        tokens_in, tokens_out = estimate_llm_tokens(state, str(state.get("draft") or reply.text))
        estimated = True
    failures = list(state.get("failures") or [])
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
        grounded=bool(state.get("grounded", False)),
        escalated=reply.escalation is not None,
        fallback=bool(failures),
        failures="; ".join(failures)[:400],
        docs_retrieved=len(state.get("passages", [])),
        memory_tiers=",".join(state.get("memory_tiers", [])),
        signals=dict(state.get("signals") or {}),
        pii=dict(state.get("pii_counts") or {}),
        **jury_record_fields(state, prices.cost if prices else None),
    )
