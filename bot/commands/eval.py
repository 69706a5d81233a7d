"""`finbot eval retrieval`: retrieval quality and speed on a BEIR folder (`finbot eval answers`: eval_answers.py)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import Settings

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["register", "render_table"]

METRICS = ("ndcg@10", "recall@10", "recall@100", "mrr@10", "p50_ms", "p95_ms", "qps")


def register(commands: Any) -> None:
    """Add `eval retrieval` to the `finbot` subcommands."""
    evaluate = commands.add_parser("eval", help="measure finbot (retrieval quality and speed)")
    kinds = evaluate.add_subparsers(dest="eval_kind", required=True)
    retrieval = kinds.add_parser("retrieval", help="nDCG@10, Recall@10/100, MRR@10, latency on a BEIR folder")
    retrieval.add_argument("--dataset", type=Path, required=True, help="folder with corpus.jsonl, queries.jsonl")
    retrieval.add_argument("--qrels", type=Path, default=None, help="judgements (default: qrels/test.tsv, qrels*.tsv)")
    retrieval.add_argument("--json", action="store_true", help="print the report as JSON")
    retrieval.add_argument("--modes", default="bm25,dense,hybrid", help="comma-separated: bm25,dense,hybrid")
    retrieval.add_argument("--cache", type=Path, default=None, help="keep corpus embeddings here between runs")
    retrieval.set_defaults(handler=run_eval)
    from bot.commands import eval_answers, eval_calibrate

    eval_answers.register(kinds)
    eval_calibrate.register(kinds)


async def run_eval(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console

    from bot.terminal import StageBars, progress_bars
    from core.retrieval import FusionConfig, make_embedder
    from core.retrieval.evaluation import evaluate_dataset, load_beir

    dataset = load_beir(args.dataset, args.qrels)
    api_key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    embedder = make_embedder(
        settings.embeddings, api_key=api_key, model=settings.embeddings_model, base_url=settings.openai_base_url
    )
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    with progress_bars(disable=args.json) as bars:  # embedding the corpus, then the queries of each mode
        stages = StageBars(bars, units={"embedding": "passages", "queries": "queries"})
        report = await evaluate_dataset(
            dataset,
            embedder,
            fusion=FusionConfig.named(settings.fusion),
            modes=modes,
            cache_dir=args.cache,
            progress=stages.callback,
        )
    report["dataset"] = str(args.dataset)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        Console(width=120).print(render_table(report))
    return 0


def render_table(report: dict[str, Any]) -> Table:
    from rich.table import Table

    index = report["index_s"]
    table = Table(
        title=f"{report['dataset']}: {report['corpus']} passages, {report['queries']} judged queries; "
        f"index {index['bm25']:.2f}s BM25 + {index['embeddings']:.1f}s embeddings "
        f"({index['passages_per_s']:.0f} passages/s)"
    )
    table.add_column("retrieval")
    for metric in METRICS:
        table.add_column(metric, justify="right")
    for mode, values in report["modes"].items():
        table.add_row(
            mode, *(f"{values[m]:.3f}" if m not in ("p50_ms", "p95_ms", "qps") else f"{values[m]:.1f}" for m in METRICS)
        )
    return table
