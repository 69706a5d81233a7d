"""Wiring of the turn graph. Nodes live in `nodes/`, edge decisions in `routing.py`."""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from core.graph import nodes
from core.graph.context import GraphContext
from core.graph.routing import after_route, decide
from core.graph.state import TurnState

__all__ = ["TurnGraph", "build_graph"]

TurnGraph = CompiledStateGraph[TurnState, GraphContext, TurnState, TurnState]
"""The compiled turn graph: TurnState in and out, GraphContext as its runtime context."""


def build_graph() -> TurnGraph:
    """The turn graph, compiled without a checkpointer: a turn's state lives in memory; what crosses turns is
    the conversation's ThreadState, read before the graph and written after it (core.turn, Assistant.stream)."""
    graph = StateGraph(TurnState, context_schema=GraphContext)
    graph.add_node("load_memory", nodes.load_memory)
    graph.add_node("route", nodes.route)
    graph.add_node("specialists", nodes.specialists)
    graph.add_node("compose", nodes.compose)
    graph.add_node("check_grounding", nodes.check_grounding)
    graph.add_node("triage", nodes.triage)
    graph.add_node("smalltalk", nodes.smalltalk)
    graph.add_node("escalate", nodes.escalate)

    # Every turn starts from what finbot remembers of the conversation.
    graph.add_edge(START, "load_memory")
    # The supervisor sees the question with its history.
    graph.add_edge("load_memory", "route")
    # Questions are researched first; greetings and help are composed directly; small talk is answered.
    graph.add_conditional_edges("route", after_route)
    graph.add_edge("smalltalk", END)
    # The chosen specialists (knowledge, portfolio, market, risk) run concurrently inside one node.
    graph.add_edge("specialists", "compose")
    # The answer chain writes a draft (core.answering.chain); its confidence is computed once, after it.
    graph.add_edge("compose", "check_grounding")
    # The escalation policy decides: answer, offer an advisor, or hand over (core.escalation.policy).
    graph.add_edge("check_grounding", "triage")
    graph.add_conditional_edges("triage", decide)
    # The escalation notice is kept in the history like any answer (by the turn's write after the graph).
    graph.add_edge("escalate", END)
    return graph.compile()
