"""The market specialist: latest quotes (with their age) and day / period moves."""

from __future__ import annotations

from core.market.analysis import PERIODS, SymbolMoves, market_snapshot
from core.specialists.format import age_words, money, signed_money, signed_pct, when
from core.specialists.types import SpecialistRequest, SpecialistResult, SpecialistServices, own_holdings
from core.types import Figure

__all__ = ["market_specialist", "subject_symbols"]

SUMMARY_SYMBOLS = 4


async def subject_symbols(request: SpecialistRequest, services: SpecialistServices) -> tuple[list[str], bool]:
    """(symbols, from_holdings): the named symbols, else the person's holdings, else none."""
    if request.symbols:
        return list(request.symbols), False
    owner, holdings = await own_holdings(request, services)
    if owner is None:
        return [], False
    return list(dict.fromkeys(h.symbol for h in holdings)), True


async def market_specialist(request: SpecialistRequest, services: SpecialistServices) -> SpecialistResult:
    """Quotes of the symbols named, and of nothing else; with none named, the person's holdings and the
    benchmark ("how did the markets do today?")."""
    symbols, _ = await subject_symbols(request, services)
    benchmark = services.policy.benchmark
    if benchmark and benchmark not in symbols and not request.symbols:
        symbols.append(benchmark)
    quotes = await services.market.latest(symbols)
    histories = await services.market.history(list(quotes))
    snapshot = market_snapshot(
        symbols, quotes, histories, now=request.now, stale_after=services.policy.stale_after
    )
    result = SpecialistResult("market")
    for row in snapshot.rows:
        sentence = describe(row)
        result.facts.append(sentence)
        if len(result.summary) < SUMMARY_SYMBOLS and (row.symbol != benchmark or request.symbols or len(symbols) == 1):
            result.summary.append(sentence)
    for symbol in snapshot.missing:
        result.summary.append(f"I have no quote for {symbol}, so I can't say where it trades.")
    stale = [r for r in snapshot.rows if r.stale]
    if stale:
        newest = min(stale, key=lambda r: r.age)
        result.summary.append(f"These prices are not live: the newest of them is {age_words(newest.age)}.")
    if snapshot.rows:
        result.figures.append(_table(snapshot.rows))
    return result


def describe(row: SymbolMoves) -> str:
    freshness = f"as of {when(row.as_of)}" + (f" ({age_words(row.age)})" if row.stale else "")
    parts = [f"{row.symbol} is at {money(row.price)} {freshness}"]
    if row.day_change is not None and row.day_change_pct is not None:
        parts.append(f"{signed_pct(row.day_change_pct)} ({signed_money(row.day_change)}) on the day")
    moves = [f"{label} {signed_pct(v)}" for label, v in row.moves.items() if v is not None]
    if moves:
        parts.append("over " + ", ".join(moves))
    return "; ".join(parts) + "."


def _table(rows: list[SymbolMoves]) -> Figure:
    def cell(value: float | None) -> str:
        return signed_pct(value) if value is not None else "n/a"

    return Figure(
        name="Market quotes",
        columns=["Symbol", "Price", "As of", "Age", "Day", *(label for label, _ in PERIODS)],
        rows=[
            [
                r.symbol,
                money(r.price),
                when(r.as_of),
                age_words(r.age) if r.stale else "live",
                cell(r.day_change_pct),
                *(cell(r.moves.get(label)) for label, _ in PERIODS),
            ]
            for r in rows
        ],
    )
