"""Answering from memory (compose's branch for memory intents): what finbot remembers, forgetting on
request, and questions about the person ("What was my name again?") — without the knowledge base.

With a language model, questions about the person go to it with the memory in the system prompt;
offline (or when the model fails) they are answered from the profile and facts directly.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from core.compose.draft import DeltaSink, Draft
from core.errors import ProviderError
from core.fallback import stream_text
from core.graph.context import GraphContext
from core.graph.state import TurnState, conversation_key

__all__ = ["answer_from_memory"]

log = logging.getLogger(__name__)


async def answer_from_memory(state: TurnState, ctx: GraphContext, on_delta: DeltaSink) -> dict[str, Any]:
    assert ctx.memory is not None
    memory = ctx.memory
    intent = state.get("intent")
    text = state["message"]["text"]
    user_id = state["message"]["person"]["id"]
    if intent == "memory_recall":
        draft = Draft(await memory.recall(user_id), "template")
    elif intent == "memory_forget":
        draft = Draft(await memory.forget(user_id, text), "template")
    elif intent == "memory_note":  # only told finbot something about themselves (learnt in save)
        draft = Draft(memory.acknowledge(text), "template")
    else:
        draft = await _about_the_person(state, ctx, on_delta)
    if draft.strategy == "template":
        await stream_text(draft.text, on_delta)
    return {
        "draft": draft.text,
        "citations": [],
        "strategy": draft.strategy,
        "model": draft.model,
        "tokens_in": draft.tokens_in,
        "tokens_out": draft.tokens_out,
        "failures": draft.failures,
        "facts": list(state.get("memory_facts", [])),  # the grounding context of an answer from memory
    }


async def _about_the_person(state: TurnState, ctx: GraphContext, on_delta: DeltaSink) -> Draft:
    assert ctx.memory is not None
    text = state["message"]["text"]
    failures: list[str] = []
    llm = ctx.chain.llm
    if llm is not None and state.get("memory_prompt"):
        history = [(turn["role"], turn["text"]) for turn in state.get("history", [])]
        try:
            async with asyncio.timeout(ctx.chain.llm_timeout_s):
                draft = await llm.compose(
                    text, [], history, on_delta=on_delta, style=state.get("style", ""), memory=state["memory_prompt"]
                )
            if draft.text:
                return draft
            failures.append("llm: empty answer")
        except TimeoutError:
            failures.append("llm: timeout")
        except ProviderError as exc:
            failures.append(f"llm: {exc.__class__.__name__}")
        log.warning("LLM step failed on a memory question, answering from memory: %s", failures[-1])
        await on_delta("\n\n")
    context = await ctx.memory.build_context(
        user_id=state["message"]["person"]["id"], conversation_key=conversation_key(state), query=text
    )
    return Draft(ctx.memory.answer_question(text, context), "template", failures=failures)
