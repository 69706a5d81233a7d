"""The graph's nodes: each `async def node(state, runtime) -> dict` returns only what it changes."""

from core.graph.nodes.compose import compose
from core.graph.nodes.escalate import escalate
from core.graph.nodes.grounding import check_grounding
from core.graph.nodes.knowledge import knowledge
from core.graph.nodes.memory import load_memory
from core.graph.nodes.smalltalk import smalltalk
from core.graph.nodes.specialists import specialists
from core.graph.nodes.supervisor import route
from core.graph.nodes.triage import triage

__all__ = [
    "check_grounding",
    "compose",
    "escalate",
    "knowledge",
    "load_memory",
    "route",
    "smalltalk",
    "specialists",
    "triage",
]
