"""The steps of the answer chain. Each is `async (AnswerRequest) -> Draft | None`: None means "not mine"
(the next step tries); an exception means "mine, but it failed" (recorded, and the next step tries).

Order (core.answering.chain): template, memory, jury, llm, figures, memory answer, extractive, refusal.
Only the model-backed steps stream as they write; every other draft is sent whole after the assessment.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from core.answering.refusal import refusal
from core.answering.request import AnswerRequest
from core.compose.draft import Draft
from core.compose.extractive import extractive_answer
from core.compose.figures import figures_passage
from core.compose.llm import LlmComposer, citation_of, renumber_citations
from core.compose.prompts import format_context
from core.compose.templates import template_answer
from core.jury import Jury
from core.memory import MemoryService
from core.retrieval.types import Passage

__all__ = [
    "AnswerStep",
    "ExtractiveStep",
    "FiguresStep",
    "JuryStep",
    "LlmStep",
    "MemoryAnswerStep",
    "MemoryStep",
    "RefusalStep",
    "TemplateStep",
]

AnswerStep = Callable[[AnswerRequest], Awaitable[Draft | None]]

EXTRACTIVE_SENTENCES = {"brief": 2, "detailed": 5}
"""How many sentences the offline answer keeps for a person's preferred style (default 3)."""
TEMPLATE_INTENTS = frozenset({"greeting", "thanks", "help"})


def _model_passages(request: AnswerRequest) -> list[Passage]:
    """What a model answers from: the computed figures (one passage) first, then the documents."""
    return [figures_passage(request.facts), *request.passages] if request.facts else list(request.passages)


@dataclass(slots=True)
class TemplateStep:
    """Greetings, thanks and help: fixed answers, no model needed to say hello."""

    name: str = "template"

    async def __call__(self, request: AnswerRequest) -> Draft | None:
        if request.intent not in TEMPLATE_INTENTS:
            return None
        return Draft(template_answer(request.intent, name=request.name), "template", step=self.name)


@dataclass(slots=True)
class MemoryStep:
    """"What do you remember about me?", "forget that ...", and statements about the person."""

    memory: MemoryService
    name: str = "memory"

    async def __call__(self, request: AnswerRequest) -> Draft | None:
        if request.intent == "memory_recall":
            text = await self.memory.recall(request.user_id)
        elif request.intent == "memory_forget":
            text = await self.memory.forget(request.user_id, request.question)
        elif request.intent == "memory_note":
            text = self.memory.acknowledge(request.question)
        else:
            return None
        return Draft(text, "template", step=self.name)


@dataclass(slots=True)
class JuryStep:
    """High-stakes answers with a model: N drafts, a critique, a choice (FINBOT_JURY)."""

    jury: Jury
    composer: LlmComposer
    name: str = "jury"
    timeout_s: float = 60.0
    """N drafts and a critique take longer than one answer (the jury also has its own timeout)."""

    async def __call__(self, request: AnswerRequest) -> Draft | None:
        passages = _model_passages(request)
        if not request.high_stakes or not passages:
            return None
        messages = self.composer.build_messages(request.question, passages, request.history, style=request.style)
        outcome = await self.jury.deliberate(
            messages, question=request.question, context=format_context([(p.title, p.text) for p in passages])
        )
        text, used = renumber_citations(outcome.text, passages)
        return Draft(
            text, "llm", citations=[citation_of(p) for p in used], model=self.jury.model_name,
            tokens_in=outcome.tokens_in, tokens_out=outcome.tokens_out, step=self.name,
            sources=[p.chunk_id for p in used], penalty=outcome.penalty, jury=outcome.record(),
        )


@dataclass(slots=True)
class LlmStep:
    """The model writes the answer from the passages (and computed figures), streaming it."""

    composer: LlmComposer
    name: str = "llm"

    async def __call__(self, request: AnswerRequest) -> Draft | None:
        passages = _model_passages(request)
        about_the_person = request.intent == "memory_question" and bool(request.memory_prompt)
        if not passages and not about_the_person:
            return None
        draft = await self.composer.compose(
            request.question, passages, request.history, on_delta=request.on_delta, style=request.style,
            memory=request.memory_prompt,
        )
        if about_the_person and not passages:
            draft.citations, draft.sources = [], []
        return draft  # an empty text is recorded as "llm: empty answer" by the chain


@dataclass(slots=True)
class FiguresStep:
    """Offline answer on computed figures: the specialists' headline sentences, then what the documents say."""

    name: str = "figures"

    async def __call__(self, request: AnswerRequest) -> Draft | None:
        if not request.summary:
            return None
        text = " ".join(request.summary)
        draft = Draft(text, "extractive", step=self.name)
        if request.passages:
            extract = extractive_answer(request.question, request.passages, query=request.query)
            if extract.text:
                draft.text = f"{text}\n\n{extract.text}"
                draft.citations, draft.sources = extract.citations, extract.sources
        return draft


@dataclass(slots=True)
class MemoryAnswerStep:
    """Offline answer to a question about the person ("What was my name again?") from their profile and facts."""

    memory: MemoryService
    name: str = "memory"

    async def __call__(self, request: AnswerRequest) -> Draft | None:
        if request.intent != "memory_question":
            return None
        context = await self.memory.build_context(
            user_id=request.user_id, conversation_key=request.conversation_key, query=request.question
        )
        return Draft(self.memory.answer_question(request.question, context), "template", step=self.name)


@dataclass(slots=True)
class ExtractiveStep:
    """Offline answer from the passages: their best sentences, cited."""

    name: str = "extractive"

    async def __call__(self, request: AnswerRequest) -> Draft | None:
        if not request.passages:
            return None
        draft = await asyncio.to_thread(
            extractive_answer, request.question, request.passages,
            max_sentences=EXTRACTIVE_SENTENCES.get(request.style, 3), query=request.query,
        )
        return draft  # an empty text is recorded as "extractive: empty answer" by the chain


@dataclass(slots=True)
class RefusalStep:
    """The end of the chain: say what could not be found, the nearest sources, and offer an advisor."""

    name: str = "refusal"

    async def __call__(self, request: AnswerRequest) -> Draft | None:
        return refusal(request)
