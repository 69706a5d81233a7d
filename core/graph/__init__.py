"""The turn graph (LangGraph): load_memory -> route -> specialists -> compose -> check_grounding -> triage."""

from core.graph.builder import build_graph
from core.graph.context import AnswerPolicy, GraphContext
from core.graph.state import TurnState

__all__ = ["AnswerPolicy", "GraphContext", "TurnState", "build_graph"]
