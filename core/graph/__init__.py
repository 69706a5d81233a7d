"""The turn graph (LangGraph): load_memory -> route -> specialists -> compose -> check_grounding -> save."""

from core.graph.builder import build_graph
from core.graph.context import AnswerPolicy, GraphContext
from core.graph.state import TurnState, fresh_turn

__all__ = ["AnswerPolicy", "GraphContext", "TurnState", "build_graph", "fresh_turn"]
