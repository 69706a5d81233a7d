"""Holdings and target allocations from CSV files.

holdings: `account,symbol,name,quantity,cost_basis,asset_class,sector` (account, name, asset_class and
sector optional; cost_basis is the position's total cost). targets: `asset_class,weight` (weights as
fractions or percentages; they must sum to 1 or 100).
"""

from __future__ import annotations

import csv
import io
import math

from core.errors import IngestError
from core.portfolio.holdings import Holding

__all__ = ["parse_holdings_csv", "parse_targets_csv"]


def _rows(text: str, source: str, required: set[str]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    names = {f.strip().lower() for f in reader.fieldnames or []}
    if not required <= names:
        raise IngestError(source, "needs the columns " + ", ".join(sorted(required)))
    return [
        (line, {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k})
        for line, raw in enumerate(reader, start=2)
    ]


def _number(value: str, source: str, line: int, column: str) -> float:
    try:
        number = float(value.replace(",", "").replace("$", ""))
    except ValueError:
        raise IngestError(source, f"line {line}: {column} is not a number") from None
    if not math.isfinite(number):
        raise IngestError(source, f"line {line}: {column} is not a number")
    return number


def parse_holdings_csv(text: str, *, source: str = "holdings.csv") -> list[Holding]:
    holdings: list[Holding] = []
    for line, row in _rows(text, source, {"symbol", "quantity", "cost_basis"}):
        symbol = row["symbol"].upper()
        if not symbol:
            raise IngestError(source, f"line {line}: symbol is empty")
        quantity = _number(row["quantity"], source, line, "quantity")
        cost = _number(row["cost_basis"], source, line, "cost_basis")
        if quantity <= 0 or cost < 0:
            raise IngestError(source, f"line {line}: quantity must be positive and cost_basis not negative")
        holdings.append(
            Holding(
                symbol=symbol,
                quantity=quantity,
                cost_basis=cost,
                account=row.get("account", ""),
                name=row.get("name", ""),
                asset_class=row.get("asset_class", "") or "Unclassified",
                sector=row.get("sector", "") or "Unclassified",
            )
        )
    if not holdings:
        raise IngestError(source, "no holdings")
    return holdings


def parse_targets_csv(text: str, *, source: str = "targets.csv") -> dict[str, float]:
    targets: dict[str, float] = {}
    for line, row in _rows(text, source, {"asset_class", "weight"}):
        targets[row["asset_class"]] = _number(row["weight"].rstrip("%"), source, line, "weight")
    total = sum(targets.values())
    if math.isclose(total, 100, abs_tol=0.01):
        targets = {k: v / 100 for k, v in targets.items()}
    elif not math.isclose(total, 1, abs_tol=0.0001):
        raise IngestError(source, f"weights sum to {total:g}; they must sum to 1 (or 100)")
    return targets
