"""Runs an answer evaluation through the real Assistant: a fresh knowledge base, a fresh person per question.

`finbot eval answers` (bot/commands/eval.py) calls `run_answer_eval`. Each question is asked by a new
person in a new conversation whose earlier turns (MTRAG-UN's history) are stored first, so memory,
query rewriting and routing see what a real follow-up would. Nothing here changes how finbot answers.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import Settings
from core.evaluation.cases import AnswerCase, EvalSet, safe_doc_name
from core.evaluation.scoring import CaseOutcome, judge_reply
from core.metrics.observer import TurnObserver
from core.store.metrics import TurnRecord
from core.types import Conversation, IncomingMessage, Person

__all__ = ["AnswerEvalRun", "run_answer_eval"]

Progress = Callable[[int, int, str], None]


@dataclass(slots=True)
class AnswerEvalRun:
    name: str
    outcomes: list[CaseOutcome]
    threshold: int
    signals: dict[str, dict[str, float]] = field(default_factory=dict)
    """case id -> the confidence model's input signals for that case (for fitting the calibration)."""


class _SignalTap(TurnObserver):
    """Keeps each turn's confidence signals by turn id (they ride on the turn record)."""

    def __init__(self) -> None:
        self.by_turn: dict[str, dict[str, float]] = {}

    def on_turn(self, record: TurnRecord, *, failures: Any) -> None:
        signals = getattr(record, "signals", None)
        if signals:
            self.by_turn[record.id] = dict(signals)


def _write_documents(folder: Path, documents: dict[str, str]) -> dict[str, str]:
    """One .txt file per document; returns file stem -> document id."""
    folder.mkdir(parents=True, exist_ok=True)
    stems: dict[str, str] = {}
    for doc_id, text in documents.items():
        stem = safe_doc_name(doc_id)
        (folder / f"{stem}.txt").write_text(text + "\n", encoding="utf-8")
        stems[stem] = doc_id
    return stems


def _prepare(root: Path, eval_set: EvalSet, cache_dir: Path | None) -> tuple[Path, dict[str, str]]:
    """The knowledge-base folder (written from the set's documents when it has no folder) and the
    embeddings of an earlier run copied in; returns the folder and file stem -> document id."""
    stems: dict[str, str] = {}
    kb = eval_set.kb_dir
    if kb is None:
        kb = root / "kb"
        stems = _write_documents(kb, eval_set.kb_documents)
    if cache_dir is not None and cache_dir.is_dir():
        shutil.copytree(cache_dir, root / "data" / "index" / "embeddings", dirs_exist_ok=True)
    return kb, stems


def _doc_id(source: str, kb: Path, stems: dict[str, str]) -> str:
    relative = Path(source).resolve().relative_to(kb.resolve()).with_suffix("")
    return stems.get(relative.as_posix(), relative.as_posix())


async def _seed_history(container: Any, message: IncomingMessage, case: AnswerCase) -> None:
    """Store the case's earlier turns as this conversation's history (question/answer pairs)."""
    key = message.conversation.key
    pending_question: str | None = None
    for role, text in case.history:
        if role == "user":
            if pending_question is not None:
                await container.conversations.add_message(key, role="user", text=pending_question,
                                                           user_id=message.person.id)
            pending_question = text
        else:
            await container.conversations.add_exchange(
                key, question=pending_question or "", answer=text, user_id=message.person.id, event_id=None,
                turn_id=uuid.uuid4().hex,
            )
            pending_question = None
    if pending_question is not None:
        await container.conversations.add_message(key, role="user", text=pending_question, user_id=message.person.id)


def _eval_settings(settings: Settings, data_dir: Path) -> Settings:
    return settings.model_copy(
        update={
            "data_dir": data_dir,
            "database_url": None,
            "sample_knowledge": False,
            "sample_portfolio": False,
            "jobs_enabled": False,
            "index_watch_s": 0.0,
        }
    )


async def run_answer_eval(
    settings: Settings,
    eval_set: EvalSet,
    *,
    cache_dir: Path | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
) -> AnswerEvalRun:
    """Ask every case of `eval_set` and judge the replies (see core.evaluation.scoring)."""
    from bot.container import Container

    with tempfile.TemporaryDirectory(prefix="finbot-eval-") as tmp:
        root = Path(tmp)
        kb, stems = await asyncio.to_thread(_prepare, root, eval_set, cache_dir)
        container = await Container.open(_eval_settings(settings, root / "data"))
        tap = _SignalTap()
        container.assistant.add_observer(tap)
        try:
            await container.ingestor.ingest_path(kb)
            await container.retriever.refresh(progress=progress)
            if cache_dir is not None:
                container.retriever.cache.save_to(cache_dir)
            docs_by_uri = {
                chunk.uri: _doc_id(chunk.source, kb, stems) for chunk in await container.documents.all_chunks()
            }
            cases = eval_set.cases[:limit] if limit else eval_set.cases
            run_id = uuid.uuid4().hex[:8]
            outcomes: list[CaseOutcome] = []
            turn_of_case: dict[str, str] = {}
            for number, case in enumerate(cases, start=1):
                message = _message(case, run_id, number)
                await container.conversations.touch(message.person, message.conversation)
                await _seed_history(container, message, case)
                reply = await container.assistant.respond(message)
                outcomes.append(judge_reply(case, reply, docs_by_uri.get))
                if reply.turn_id:
                    turn_of_case[case.id] = reply.turn_id
                if progress:
                    progress(number, len(cases), "questions")
            await container.assistant.drain()
        finally:
            await container.close()
    signals = {cid: tap.by_turn[tid] for cid, tid in turn_of_case.items() if tid in tap.by_turn}
    return AnswerEvalRun(eval_set.name, outcomes, settings.confidence_threshold, signals)


def _message(case: AnswerCase, run_id: str, number: int) -> IncomingMessage:
    person = Person.of("cli", "eval", f"{run_id}-{number}")
    conversation = Conversation(platform="cli", tenant="eval", channel_id=f"{run_id}-{number}", is_direct=True)
    return IncomingMessage(
        event_id=f"eval-{run_id}-{number}", person=person, conversation=conversation, text=case.question
    )
