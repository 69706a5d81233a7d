"""Scoring answers: was each one right, refused or wrong, and does the confidence mean what it says?

"Right" = the reply cites a document of the case's gold set (and, where a gold number is given, that is
reported separately). A refusal still carries the confidence and sources of the answer it withheld, so the
calibration figures (accuracy per confidence bucket, expected calibration error) cover every question,
answered or not: a calibrated confidence of 60 means about 60 of 100 such answers would have been right.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from core.evaluation.cases import AnswerCase
from core.types import Reply

__all__ = ["BUCKETS", "CaseOutcome", "expected_calibration_error", "judge_reply", "summarize"]

BUCKETS: tuple[tuple[int, int], ...] = ((0, 50), (50, 70), (70, 85), (85, 101))
"""Confidence buckets of the report: 0-50, 50-70, 70-85, 85-100."""
REFUSING_STRATEGIES = frozenset({"refusal", "human"})
SIDE_KINDS = frozenset({"partial", "underspecified"})
"""MTRAG-UN labels reported on their own rows, outside the answerable / unanswerable figures."""


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    id: str
    kind: str
    answerable: bool
    outcome: str
    """"right", "wrong" (answered, but not from a gold document / any answer to an unanswerable question)
    or "refused"."""
    confidence: int
    correct: bool
    """Would the answer (given or withheld) have been right: a gold document among its sources."""
    number_found: bool | None = None
    """For cases with a gold number: does it appear in the reply's text."""
    strategy: str = ""
    route: str = ""
    cited: tuple[str, ...] = ()


def refused(reply: Reply) -> bool:
    """A refusal, a hand-over for lack of an answer, or an answer hedged as unsure."""
    return reply.strategy in REFUSING_STRATEGIES or reply.low_confidence


def _normal_number(text: str) -> str:
    return re.sub(r"[,\s$€£]", "", text.replace("−", "-")).rstrip(".").lower()


def number_in(text: str, number: str) -> bool:
    """`number` ("1,577", "$25", "0.90%") in `text`, ignoring thousands separators and currency signs."""
    wanted = _normal_number(number)
    found = {_normal_number(n) for n in re.findall(r"[-−]?[$€£]?\d[\d,]*(?:\.\d+)?%?", text.replace("−", "-"))}
    return bool(wanted) and (wanted in found or wanted.rstrip("%") in {f.rstrip("%") for f in found})


def judge_reply(case: AnswerCase, reply: Reply, doc_of_uri: Callable[[str], str | None]) -> CaseOutcome:
    """The outcome of one case; `doc_of_uri` maps a citation's URI to its document id (None: not a document)."""
    cited = tuple(d for d in (doc_of_uri(c.uri) for c in reply.citations) if d is not None)
    correct = case.answerable and any(d in case.gold_doc_ids for d in cited)
    if refused(reply):
        outcome = "refused"
    else:
        outcome = "right" if correct else "wrong"
    return CaseOutcome(
        id=case.id,
        kind=case.kind,
        answerable=case.answerable,
        outcome=outcome,
        confidence=reply.confidence,
        correct=correct,
        number_found=number_in(reply.text, case.gold_number) if case.gold_number else None,
        strategy=reply.strategy,
        route=",".join(reply.route),
        cited=cited,
    )


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    """ECE: the share-weighted gap between mean confidence (0..1) and accuracy over equal-width bins."""
    if not confidences:
        return 0.0
    total = len(confidences)
    error = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [
            i for i, c in enumerate(confidences) if low <= c < high or (b == bins - 1 and c == 1.0)
        ]
        if members:
            mean_conf = sum(confidences[i] for i in members) / len(members)
            accuracy = sum(1 for i in members if correct[i]) / len(members)
            error += len(members) / total * abs(mean_conf - accuracy)
    return error


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def summarize(outcomes: Sequence[CaseOutcome], *, threshold: int) -> dict[str, Any]:
    """The report's figures (JSON-friendly); rates are 0..1, None when there is nothing to divide by."""
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable and o.kind not in SIDE_KINDS]
    buckets = []
    for low, high in BUCKETS:
        members = [o for o in outcomes if low <= o.confidence < high]
        buckets.append(
            {
                "bucket": f"{low}-{min(high, 100)}",
                "n": len(members),
                "accuracy": _share(sum(o.correct for o in members), len(members)),
            }
        )
    confident = [o for o in outcomes if o.confidence >= threshold]
    numbers = [o for o in outcomes if o.number_found is not None]
    kinds: dict[str, dict[str, Any]] = {}
    for kind in sorted({o.kind for o in outcomes}):
        members = [o for o in outcomes if o.kind == kind]
        kinds[kind] = {
            "n": len(members),
            **{k: _share(sum(o.outcome == k for o in members), len(members)) for k in ("right", "refused", "wrong")},
        }
    return {
        "questions": len(outcomes),
        "threshold": threshold,
        "answerable": len(answerable),
        "answered_right": _share(sum(o.outcome == "right" for o in answerable), len(answerable)),
        "answerable_refused": _share(sum(o.outcome == "refused" for o in answerable), len(answerable)),
        "answered_wrong": _share(sum(o.outcome == "wrong" for o in answerable), len(answerable)),
        "unanswerable": len(unanswerable),
        "unanswerable_refused": _share(sum(o.outcome == "refused" for o in unanswerable), len(unanswerable)),
        "confident": len(confident),
        "confident_right": _share(sum(o.correct for o in confident), len(confident)),
        "ece": expected_calibration_error([o.confidence / 100 for o in outcomes], [o.correct for o in outcomes]),
        "buckets": buckets,
        "gold_numbers": len(numbers),
        "gold_number_found": _share(sum(bool(o.number_found) for o in numbers), len(numbers)),
        "kinds": kinds,
    }


def outcomes_as_rows(outcomes: Sequence[CaseOutcome]) -> list[dict[str, Any]]:
    return [asdict(o) for o in outcomes]
