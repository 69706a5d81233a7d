"""Wiring of the turn graph. Nodes live in `nodes/`, edge decisions in `routing.py`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command

from core.graph import nodes
from core.graph.context import GraphContext
from core.graph.routing import after_route, decide
from core.graph.state import TurnState

Node = Callable[[TurnState, Runtime[GraphContext]], Awaitable[dict[str, Any]]]

__all__ = ["TurnGraph", "build_graph"]

TurnGraph = CompiledStateGraph[TurnState, GraphContext, TurnState, TurnState]
"""The compiled turn graph: TurnState in and out, GraphContext as its runtime context."""


def build_graph() -> TurnGraph:
    """The turn graph, compiled without a checkpointer: a turn's state lives in memory; what crosses turns is
    the conversation's ThreadState, read before the graph and written after it (core.turn, Assistant.stream)."""
    graph = StateGraph(TurnState, context_schema=GraphContext)
    graph.add_node("load_memory", nodes.load_memory)
    # The supervisor sees the question with its history; questions are researched first, greetings and help are
    # composed directly, small talk is answered, a hand-over goes to a person (core.graph.routing.after_route).
    graph.add_node("route", _then(nodes.route, after_route),
                   destinations=("specialists", "compose", "smalltalk", "escalate"))
    graph.add_node("specialists", nodes.specialists)
    graph.add_node("compose", nodes.compose)
    graph.add_node("check_grounding", nodes.check_grounding)
    # The escalation policy decides: answer, offer an advisor, or hand over (core.escalation.policy, decide).
    graph.add_node("triage", _then(nodes.triage, decide), destinations=("escalate", END))
    graph.add_node("smalltalk", nodes.smalltalk)
    graph.add_node("escalate", nodes.escalate)

    # Every turn starts from what finbot remembers of the conversation.
    graph.add_edge(START, "load_memory")
    graph.add_edge("load_memory", "route")
    graph.add_edge("smalltalk", END)
    # The chosen specialists (knowledge, portfolio, market, risk) run concurrently inside one node.
    graph.add_edge("specialists", "compose")
    # The answer chain writes a draft (core.answering.chain); its confidence is computed once, after it.
    graph.add_edge("compose", "check_grounding")
    graph.add_edge("check_grounding", "triage")
    # The escalation notice is kept in the history like any answer (by the turn's write after the graph).
    graph.add_edge("escalate", END)
    return graph.compile()


def _then(node: Node, edge: Callable[[TurnState], str]) -> Callable[..., Awaitable[Command[Any]]]:
    """`node`, then `edge` on the state as the node leaves it, as one step (a Command naming the next node):
    a conditional edge would make LangGraph copy every channel of the state to read it again."""

    async def step(state: TurnState, runtime: Runtime[GraphContext]) -> Command[Any]:
        update = await node(state, runtime)
        return Command(update=update, goto=edge(replace(state, **update)))

    step.__name__ = getattr(node, "__name__", "step")
    return step
