"""`finbot portfolio import FILE.csv --user ID [--targets FILE.csv]` and `finbot market load FILE.csv`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings
from core.errors import IngestError

__all__ = ["register", "run_market_load", "run_portfolio_import"]


def register(commands: Any) -> None:
    """Add `portfolio` and `market` to the `finbot` subcommands."""
    portfolio = commands.add_parser("portfolio", help="holdings per person")
    actions = portfolio.add_subparsers(dest="portfolio_command", required=True)
    importer = actions.add_parser("import", help="replace a person's holdings with a CSV file")
    importer.add_argument("file", type=Path, help="CSV: account,symbol,name,quantity,cost_basis,asset_class,sector")
    importer.add_argument(
        "--user", required=True, help="the person's finbot id, e.g. slack:T123:U456 (`finbot users` lists them)"
    )
    importer.add_argument("--targets", type=Path, default=None, help="CSV: asset_class,weight (target allocation)")
    importer.set_defaults(handler=run_portfolio_import)

    market = commands.add_parser("market", help="market data")
    market_actions = market.add_subparsers(dest="market_command", required=True)
    load = market_actions.add_parser("load", help="load daily closes from a CSV file (date,symbol,close)")
    load.add_argument("file", type=Path)
    load.set_defaults(handler=run_market_load)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise IngestError(str(path), f"cannot read it ({exc.strerror})") from None


async def run_portfolio_import(args: argparse.Namespace, settings: Settings) -> int:
    from core.portfolio import HoldingStore, parse_holdings_csv, parse_targets_csv
    from core.store import Database

    holdings = parse_holdings_csv(_read(args.file), source=str(args.file))
    targets = parse_targets_csv(_read(args.targets), source=str(args.targets)) if args.targets else None
    from core.memory.subject import person_known

    db = Database(settings.resolved_database_url)
    try:
        await db.upgrade_schema()
        await HoldingStore(db).replace(args.user, holdings, targets=targets)
        known = await person_known(db, args.user)
    finally:
        await db.dispose()
    symbols = len({h.symbol for h in holdings})
    extra = f" and {len(targets)} target weights" if targets else ""
    print(f"imported {len(holdings)} holdings ({symbols} symbols){extra} for {args.user}")
    if not known:  # fine before their first message, but a typo in the id would hide the holdings from them
        print(f"note: nobody with the id {args.user} has talked to finbot yet; check it with `finbot users`",
              file=sys.stderr)
    return 0


async def run_market_load(args: argparse.Namespace, settings: Settings) -> int:
    from core.market import DbMarketFeed, parse_prices_csv
    from core.store import Database

    closes = parse_prices_csv(_read(args.file), source=str(args.file))
    db = Database(settings.resolved_database_url)
    try:
        await db.upgrade_schema()
        written = await DbMarketFeed(db).load_closes(closes)
    finally:
        await db.dispose()
    symbols = len({c.symbol for c in closes})
    print(f"loaded {written} daily closes for {symbols} symbols")
    return 0
