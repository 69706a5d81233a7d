"""The grounding check: is each claim of a draft supported by the retrieved context and figures?

Offline it is lexical: a claim is supported when most of its key terms appear in the context, and
every number it states appears there too (a number not in the context is unsupported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.retrieval.text import content_terms, sentences, stems

__all__ = ["GroundingResult", "check_grounding", "split_claims"]

_CITATION = re.compile(r"\s*\[\d{1,2}\]")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class GroundingResult:
    confidence: int
    supported: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


def split_claims(draft: str) -> list[str]:
    return [c for c in (_CITATION.sub("", s).strip() for s in sentences(draft)) if len(content_terms(c)) >= 2]


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


def _stems(text: str) -> set[str]:
    return stems(text)


def _claim_support(claim: str, context_stems: set[str], context_numbers: set[str]) -> float:
    if not _numbers(claim) <= context_numbers:
        return 0.0
    stems = _stems(claim)
    return len(stems & context_stems) / len(stems) if stems else 1.0


def check_grounding(draft: str, context: list[str], *, claim_threshold: float = 0.6) -> GroundingResult:
    """Confidence 0-100 = mean support of the draft's claims against the context."""
    claims = split_claims(draft)
    if not claims:
        return GroundingResult(confidence=0)
    joined = "\n".join(context)
    context_stems, context_numbers = _stems(joined), _numbers(joined)
    supported: list[str] = []
    unsupported: list[str] = []
    total = 0.0
    for claim in claims:
        support = _claim_support(claim, context_stems, context_numbers)
        total += support
        (supported if support >= claim_threshold else unsupported).append(claim)
    return GroundingResult(round(100 * total / len(claims)), supported, unsupported)
