"""Daily price history from CSV: `date,symbol,close` (header required, any column order)."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date

from core.errors import IngestError

__all__ = ["DailyClose", "parse_prices_csv"]


@dataclass(frozen=True, slots=True)
class DailyClose:
    symbol: str
    day: date
    close: float


def parse_prices_csv(text: str, *, source: str = "prices.csv") -> list[DailyClose]:
    reader = csv.DictReader(io.StringIO(text))
    required = {"date", "symbol", "close"}
    if reader.fieldnames is None or not required <= {f.strip().lower() for f in reader.fieldnames}:
        raise IngestError(source, "needs the columns date, symbol, close")
    rows: list[DailyClose] = []
    for line, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        try:
            close = float(row["close"])
            day = date.fromisoformat(row["date"])
        except ValueError:
            raise IngestError(source, f"line {line}: bad date or close") from None
        if not row["symbol"] or not math.isfinite(close) or close <= 0:
            raise IngestError(source, f"line {line}: a symbol and a positive close are required")
        rows.append(DailyClose(row["symbol"].upper(), day, close))
    return rows
