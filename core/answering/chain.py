"""The answer chain: one ordered list of steps that every answer comes from.

    template -> memory -> jury -> llm -> figures -> memory answer -> extractive -> refusal

Each step is tried in turn (core.answering.steps): None passes the question on; an exception (provider
error, timeout, a malformed structured answer) is recorded in `Draft.failures` ("llm: timeout") and
passes it on too, so a person always gets an answer and never a traceback. The refusal step always
answers. Model-backed steps run under the model timeout, the others under the offline timeout.

What happens after the chain (grounding, the calibrated confidence, replacing a doubtful answer with a
refusal, the firm's disclaimer, sending a not-yet-streamed answer) is `core.answering.assess`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.answering.request import AnswerRequest
from core.answering.steps import (
    AnswerStep,
    ExtractiveStep,
    FiguresStep,
    JuryStep,
    LlmStep,
    MemoryAnswerStep,
    MemoryStep,
    RefusalStep,
    TemplateStep,
)
from core.compose.draft import Draft
from core.compose.llm import LlmComposer
from core.errors import ProviderError
from core.jury import Jury
from core.memory import MemoryService

__all__ = ["AnswerChain"]

log = logging.getLogger(__name__)

_MODEL_STEPS = frozenset({"jury", "llm"})


@dataclass(slots=True)
class AnswerChain:
    steps: Sequence[AnswerStep]
    llm_timeout_s: float = 20.0
    offline_timeout_s: float = 5.0
    llm: LlmComposer | None = field(default=None)
    """The model composer when one is configured (also used by the memory tier and the metrics)."""

    @classmethod
    def build(
        cls,
        *,
        llm: LlmComposer | None = None,
        jury: Jury | None = None,
        memory: MemoryService | None = None,
        llm_timeout_s: float = 20.0,
        offline_timeout_s: float = 5.0,
    ) -> AnswerChain:
        """The standard chain; steps whose service is not configured are left out."""
        steps: list[AnswerStep] = [TemplateStep()]
        if memory is not None:
            steps.append(MemoryStep(memory))
        if jury is not None and llm is not None:
            steps.append(JuryStep(jury, llm))
        if llm is not None:
            steps.append(LlmStep(llm))
        steps.append(FiguresStep())
        if memory is not None:
            steps.append(MemoryAnswerStep(memory))
        steps += [ExtractiveStep(), RefusalStep()]
        return cls(steps, llm_timeout_s=llm_timeout_s, offline_timeout_s=offline_timeout_s, llm=llm)

    async def answer(self, request: AnswerRequest) -> Draft:
        """The first draft a step writes; failures of earlier steps ride on it."""
        failures: list[str] = []
        for step in self.steps:
            name = str(getattr(step, "name", step.__class__.__name__))
            timeout = getattr(step, "timeout_s", None) or (
                self.llm_timeout_s if name in _MODEL_STEPS else self.offline_timeout_s
            )
            try:
                async with asyncio.timeout(timeout):
                    draft = await step(request)
            except TimeoutError:
                failures.append(f"{name}: timeout")
            except (ProviderError, ValueError) as exc:
                failures.append(f"{name}: {exc.__class__.__name__}")
            else:
                if draft is not None and draft.text:
                    draft.failures = failures + draft.failures
                    return draft
                if draft is not None:
                    failures.append(f"{name}: empty answer")
                continue
            log.warning("answer step %s failed, trying the next: %s", name, failures[-1])
            if name in _MODEL_STEPS:
                await request.on_delta("\n\n")  # a partial stream may be on screen; the final reply replaces it
        raise AssertionError("the refusal step always answers")  # pragma: no cover
