"""Writing answers: one chain of steps (core.answering.chain) and one assessment after it (assess.py)."""

from core.answering.assess import Assessment, Assessor
from core.answering.chain import AnswerChain
from core.answering.request import AnswerRequest

__all__ = ["AnswerChain", "AnswerRequest", "Assessment", "Assessor"]
