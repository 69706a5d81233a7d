"""knowledge: find the passages of the firm's documents that answer the question."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from langgraph.runtime import Runtime

from core.graph.context import GraphContext
from core.graph.state import TurnState

__all__ = ["knowledge"]


async def knowledge(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    ctx = runtime.context
    runtime.stream_writer({"status": "searching the knowledge base..."})
    question = state.message.text
    query = question
    if ctx.rewriter is not None:
        history = [(turn["role"], turn["text"]) for turn in state.history]
        query = await ctx.rewriter.rewrite(question, history)
    version = state.snapshot.documents_version if state.snapshot is not None else None
    passages = await ctx.retriever.search(query, ctx.policy.top_k, documents_version=version)
    floor = ctx.policy.min_relevance
    return {
        "passages": [asdict(p) for p in passages if p.relevance >= floor],
        "nearby": [asdict(p) for p in passages if p.relevance < floor],  # for the confidence and a refusal
        "query": query if query != question else "",
    }
