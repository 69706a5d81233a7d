"""Grounding: invented numbers and absent claims score below the threshold; faithful answers above."""

from __future__ import annotations

from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from core.grounding import GroundingChecker, check_grounding, split_claims
from core.retrieval.embeddings import make_embedder

CONTEXT = [
    "Money Transfers > How much does it cost to send a wire?\n"
    "Outgoing domestic wires cost $25. Requests fully approved by 2:00 p.m. ET go out the same business day. "
    "Outgoing international wires cost $45 and are sent within 1 business day.",
]
THRESHOLD = 70


def _checker(**kwargs: object) -> GroundingChecker:
    return GroundingChecker.with_embedder(make_embedder("local"), **kwargs)


async def test_faithful_extractive_answer_scores_above_threshold() -> None:
    draft = "Outgoing domestic wires cost $25 [1]. Requests fully approved by 2:00 p.m. ET go out the same day [1]."
    result = await _checker().check(draft, CONTEXT)
    assert result.confidence >= THRESHOLD and not result.unsupported


async def test_paraphrase_is_supported_by_similarity() -> None:
    draft = "Sending money abroad by wire is charged $45 and leaves within 1 business day."
    lexical = check_grounding(draft, CONTEXT)
    semantic = await _checker().check(draft, CONTEXT)
    assert semantic.confidence >= THRESHOLD
    assert semantic.confidence >= lexical.confidence


async def test_invented_number_is_unsupported() -> None:
    draft = "Outgoing domestic wires cost $35. International wires cost $45."
    result = await _checker().check(draft, CONTEXT)
    assert result.confidence < THRESHOLD
    assert result.unsupported == ["Outgoing domestic wires cost $35."]


async def test_claim_absent_from_context_is_unsupported() -> None:
    draft = "Your portfolio is insured against market losses by the federal government."
    result = await _checker().check(draft, CONTEXT)
    assert result.confidence < THRESHOLD and result.unsupported


async def test_llm_judge_votes_per_claim() -> None:
    judge = GenericFakeChatModel(messages=iter([AIMessage("NO"), AIMessage("YES")]))
    draft = "Domestic wires go out quickly once approved. International wires cost $45."
    offline = await _checker().check(draft, CONTEXT)
    judged = await _checker(judge=judge).check(draft, CONTEXT)
    assert judged.scores[0] < offline.scores[0]
    assert judged.scores[1] >= 0.99 or judged.scores[1] >= offline.scores[1]


def test_claims_skip_citations_and_fragments() -> None:
    assert split_claims("Wires cost $25 [1]. OK. Checks are free [2].") == ["Wires cost $25.", "Checks are free."]


async def test_llm_judge_catches_a_contradiction_the_words_agree_with() -> None:
    # Word for word the negated claim overlaps the context; only the judge sees it says the opposite.
    draft = "Outgoing domestic wires are not charged a fee."
    offline = await _checker().check(draft, CONTEXT)
    judge = GenericFakeChatModel(messages=iter([AIMessage("CONTRADICTED")]))
    judged = await _checker(judge=judge).check(draft, CONTEXT)
    assert offline.scores[0] > 0.3
    assert judged.scores == [0.0] and judged.unsupported == [draft]
