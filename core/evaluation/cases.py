"""Question sets for the answer evaluation, and the knowledge base each one is asked against.

Two formats:
- JSONL of the project's own sets: one object per line with `question`, `answerable` (bool),
  `gold_doc_ids` (document ids = file paths relative to the knowledge-base folder, without the suffix,
  e.g. "money-transfers"), optional `gold_number` (a figure the answer must contain), `history`
  (earlier turns as [{"role": "user"|"assistant", "text": ...}]), `id` and `kind` (a free label).
- MTRAG-UN rows (IBM, Apache-2.0): the last user turn is the question, the earlier turns its history;
  `answerability` labels it; the contexts of the collection's ANSWERABLE tasks make the knowledge base
  (one document per context id), so UNANSWERABLE questions are asked against documents that do not hold
  their answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["AnswerCase", "EvalSet", "load_jsonl_set", "load_mtrag_set", "safe_doc_name"]


@dataclass(frozen=True, slots=True)
class AnswerCase:
    id: str
    question: str
    answerable: bool
    gold_doc_ids: tuple[str, ...] = ()
    gold_number: str | None = None
    history: tuple[tuple[str, str], ...] = ()
    """Earlier turns, oldest first: (role "user" | "assistant", text)."""
    kind: str = ""
    """A label for the per-kind rows of the report (e.g. MTRAG-UN's answerability, or "company")."""


@dataclass(slots=True)
class EvalSet:
    name: str
    cases: list[AnswerCase]
    kb_dir: Path | None = None
    """A folder of documents to ingest (JSONL sets)."""
    kb_documents: dict[str, str] = field(default_factory=dict)
    """doc id -> text, written to files before ingesting (MTRAG-UN collections)."""


def _rows(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    raise ValueError(f"{path}:{number}: not JSON ({exc})") from None


def _history(turns: Iterable[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    out = []
    for turn in turns:
        role = "user" if turn.get("role", turn.get("speaker")) == "user" else "assistant"
        out.append((role, str(turn.get("text", ""))))
    return tuple(out)


def load_jsonl_set(path: Path, kb_dir: Path) -> EvalSet:
    """The project's own format (see the module docstring)."""
    cases: list[AnswerCase] = []
    for index, row in enumerate(_rows(path)):
        if "question" not in row or "answerable" not in row:
            raise ValueError(f"{path}: row {index + 1} needs 'question' and 'answerable'")
        gold = row.get("gold_number")
        cases.append(
            AnswerCase(
                id=str(row.get("id", index + 1)),
                question=str(row["question"]),
                answerable=bool(row["answerable"]),
                gold_doc_ids=tuple(str(d) for d in row.get("gold_doc_ids", [])),
                gold_number=str(gold) if gold not in (None, "") else None,
                history=_history(row.get("history", [])),
                kind=str(row.get("kind", "answerable" if row["answerable"] else "unanswerable")),
            )
        )
    name = path.parent.name if path.stem in ("questions", "cases", "set") else path.stem  # filings/questions.jsonl
    return EvalSet(name=name, cases=cases, kb_dir=kb_dir)


def safe_doc_name(doc_id: str) -> str:
    """A file name for a document id (MTRAG-UN ids look like '162428-0-349')."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", doc_id)


def load_mtrag_set(path: Path, collection: str) -> EvalSet:
    """One MTRAG-UN collection: its tasks as cases, its answerable tasks' contexts as the knowledge base."""
    rows = [r for r in _rows(path) if str(r.get("Collection", "")).lower() == collection.lower()]
    if not rows:
        raise ValueError(f"{path}: no tasks of collection {collection!r}")
    documents: dict[str, str] = {}
    cases: list[AnswerCase] = []
    for row in rows:
        label = str((row.get("answerability") or ["UNKNOWN"])[0]).upper()
        contexts = row.get("contexts") or []
        if label == "ANSWERABLE":
            for context in contexts:
                documents.setdefault(str(context["document_id"]), str(context.get("text", "")).strip())
        turns = list(row.get("input") or [])
        if not turns:
            continue
        question = str(turns[-1].get("text", "")).strip()
        cases.append(
            AnswerCase(
                id=str(row.get("task_id", len(cases))),
                question=question,
                answerable=label == "ANSWERABLE",
                gold_doc_ids=tuple(str(c["document_id"]) for c in contexts) if label == "ANSWERABLE" else (),
                history=_history(turns[:-1]),
                kind=label.lower(),
            )
        )
    return EvalSet(name=f"mtrag-un/{collection}", cases=cases, kb_documents=documents)
