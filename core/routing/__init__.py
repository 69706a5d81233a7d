"""Supervisor routing: which specialists answer a question (LLM structured output, or offline)."""

from core.routing.classifier import OfflineClassifier, TextEmbedder
from core.routing.llm import LlmRouter
from core.routing.supervisor import Routed, Supervisor, apply_pin
from core.routing.types import SPECIALISTS, RouteDecision, Router, RouteRequest

__all__ = [
    "SPECIALISTS",
    "LlmRouter",
    "OfflineClassifier",
    "RouteDecision",
    "RouteRequest",
    "Routed",
    "Router",
    "Supervisor",
    "TextEmbedder",
    "apply_pin",
]
