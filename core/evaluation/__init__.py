"""Answer evaluation: question sets (JSONL, MTRAG-UN), outcomes, calibration figures (`finbot eval answers`)."""

from core.evaluation.cases import AnswerCase, EvalSet, load_jsonl_set, load_mtrag_set
from core.evaluation.scoring import CaseOutcome, judge_reply, summarize

__all__ = [
    "AnswerCase",
    "CaseOutcome",
    "EvalSet",
    "judge_reply",
    "load_jsonl_set",
    "load_mtrag_set",
    "summarize",
]
