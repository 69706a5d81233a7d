"""`finbot metrics [--period 24h] [--chart out.png] [--json]`: the dashboard in the terminal, and its chart."""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import Settings

if TYPE_CHECKING:
    from rich.table import Table

    from core.metrics import Dashboard

__all__ = ["dashboard_table", "register", "run_metrics"]


def _period(text: str) -> str:
    from core.metrics import parse_period

    try:
        parse_period(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def register(commands: Any) -> None:
    """Add `metrics` to the `finbot` subcommands."""
    metrics = commands.add_parser("metrics", help="the dashboard: latency, cost, escalations, feedback")
    metrics.add_argument("--period", type=_period, default="24h", help="1h, 24h, 7d or 30d (default 24h)")
    metrics.add_argument("--chart", type=Path, default=None, metavar="PNG", help="also write the chart to this file")
    metrics.add_argument("--json", action="store_true", help="print the dashboard as JSON")
    metrics.set_defaults(handler=run_metrics)


def dashboard_table(board: Dashboard) -> Table:
    from rich.table import Table

    from core.metrics import headline, summary_rows

    table = Table(title=headline(board), show_header=True, header_style="bold")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for label, value in summary_rows(board):
        table.add_row(label, value)
    return table


def _strategy_table(board: Dashboard) -> Table:
    from rich.table import Table

    from core.metrics.summary import fmt_pct

    table = Table(title="answered by", show_header=True, header_style="bold")
    for name in ("strategy", "turns", "share", "after a fallback"):
        table.add_column(name, justify="left" if name == "strategy" else "right")
    for share in board.strategies:
        table.add_row(share.strategy, str(share.turns), fmt_pct(share.share), fmt_pct(share.fallback_rate))
    return table


async def run_metrics(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console

    from core.metrics import DashboardQuery
    from core.store import Database

    db = Database(settings.resolved_database_url)
    try:
        await db.upgrade_schema()
        board = await DashboardQuery(db).compute(args.period)
    finally:
        await db.dispose()
    console = Console()
    if args.json:
        console.print_json(json.dumps(asdict(board), default=str))
    else:
        console.print(dashboard_table(board))
        if board.strategies:
            console.print(_strategy_table(board))
    if args.chart is not None:
        from core.metrics.chart import render_chart  # matplotlib only when a chart is asked for

        png = await asyncio.to_thread(render_chart, board)
        args.chart.parent.mkdir(parents=True, exist_ok=True)
        args.chart.write_bytes(png)
        Console(stderr=True).print(f"chart written to {args.chart} ({len(png):,} bytes)")
    return 0
