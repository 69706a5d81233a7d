"""`finbot eval answers`: right / refused / wrong and calibration of finbot's answers on a question set.

    finbot eval answers --questions SET.jsonl --kb FOLDER [--json] [--chart out.png]
    finbot eval answers --mtrag reference.jsonl [--collection fiqa,clapnq,ibmcloud] [--json] [--chart out.png]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import Settings

if TYPE_CHECKING:
    from rich.table import Table

    from bot.answer_eval import AnswerEvalRun

__all__ = ["register", "render_answers_table"]


def register(kinds: Any) -> None:
    answers = kinds.add_parser("answers", help="answered-and-right, refusals, calibration on a question set")
    source = answers.add_mutually_exclusive_group(required=True)
    source.add_argument("--questions", type=Path, help="JSONL: question, answerable, gold_doc_ids, gold_number")
    source.add_argument("--mtrag", type=Path, help="MTRAG-UN reference.jsonl (its collections make the KBs)")
    answers.add_argument("--kb", type=Path, help="knowledge-base folder for --questions")
    answers.add_argument("--collection", default="fiqa,clapnq,ibmcloud", help="MTRAG-UN collections, comma-separated")
    answers.add_argument("--limit", type=int, default=None, help="ask only the first N questions of each set")
    answers.add_argument("--json", action="store_true", help="print the report as JSON")
    answers.add_argument("--chart", type=Path, default=None, help="write a reliability diagram (PNG) here")
    answers.add_argument("--cases", type=Path, default=None, help="write every case's outcome and signals (JSONL)")
    answers.add_argument("--cache", type=Path, default=None, help="keep document embeddings here between runs")
    answers.set_defaults(handler=run_answers, validate=_validate)


def _validate(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.questions is not None and args.kb is None:
        parser.error("--questions needs --kb FOLDER (the documents the questions are asked against)")


def _sets(args: argparse.Namespace) -> list[Any]:
    from core.evaluation import load_jsonl_set, load_mtrag_set

    if args.questions is not None:
        return [load_jsonl_set(args.questions, args.kb)]
    names = [c.strip() for c in args.collection.split(",") if c.strip()]
    return [load_mtrag_set(args.mtrag, name) for name in names]


async def run_answers(args: argparse.Namespace, settings: Settings) -> int:
    import logging

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from bot.answer_eval import run_answer_eval
    from core.evaluation import summarize

    if not args.verbose:  # hundreds of turns: the report is the news, not each turn's log line
        logging.getLogger().setLevel(logging.ERROR)
    runs: list[AnswerEvalRun] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True, disable=args.json) as bar:
        for eval_set in _sets(args):
            tasks: dict[str, Any] = {}

            def progress(
                done: int, total: int, stage: str, _tasks: dict[str, Any] = tasks, _n: str = eval_set.name
            ) -> None:
                if stage not in _tasks:
                    _tasks[stage] = bar.add_task(f"{_n}: {stage}", total=total)
                bar.update(_tasks[stage], completed=done, total=total)

            cache = args.cache / eval_set.name.replace("/", "-") if args.cache else None
            runs.append(await run_answer_eval(settings, eval_set, cache_dir=cache, limit=args.limit, progress=progress))
    everything = [o for run in runs for o in run.outcomes]
    report = {
        "sets": {run.name: summarize(run.outcomes, threshold=run.threshold) for run in runs},
        "all": summarize(everything, threshold=settings.confidence_threshold),
    }
    if args.cases is not None:
        _write_cases(args.cases, runs)
    if args.chart is not None:
        from core.evaluation.chart import reliability_png

        title = f"finbot confidence: {len(everything)} questions ({', '.join(r.name for r in runs)})"
        args.chart.write_bytes(reliability_png(everything, title=title))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        Console(width=160).print(render_answers_table(report))
    return 0


def _write_cases(path: Path, runs: list[AnswerEvalRun]) -> None:
    from dataclasses import asdict

    with path.open("w", encoding="utf-8") as handle:
        for run in runs:
            for outcome in run.outcomes:
                row = {"set": run.name, **asdict(outcome), "signals": run.signals.get(outcome.id, {})}
                handle.write(json.dumps(row) + "\n")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def render_answers_table(report: dict[str, Any]) -> Table:
    from rich.table import Table

    table = Table(title="finbot eval answers (right = a gold document is cited)")
    for column in (
        "set", "questions", "answerable: right", "refused", "wrong", "unanswerable: refused",
        "conf>=thr: right", "ECE", "0-50", "50-70", "70-85", "85-100", "gold number in answer",
    ):
        table.add_column(column, justify="left" if column == "set" else "right")
    rows = [*report["sets"].items(), ("all", report["all"])] if len(report["sets"]) > 1 else report["sets"].items()
    for name, s in rows:
        buckets = [f"{_pct(b['accuracy'])} ({b['n']})" for b in s["buckets"]]
        table.add_row(
            name, str(s["questions"]), _pct(s["answered_right"]), _pct(s["answerable_refused"]),
            _pct(s["answered_wrong"]), _pct(s["unanswerable_refused"]),
            f"{_pct(s['confident_right'])} ({s['confident']})", f"{s['ece']:.3f}", *buckets,
            "-" if not s["gold_numbers"] else f"{_pct(s['gold_number_found'])} ({s['gold_numbers']})",
        )
    return table
