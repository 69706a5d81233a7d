"""How computed numbers are written: the same strings go into tables, facts and answers.

The grounding check compares the numbers of an answer with the numbers of its facts, so every
specialist formats through these functions and nowhere else.
"""

from __future__ import annotations

from datetime import datetime, timedelta

__all__ = ["age_words", "money", "pct", "ratio", "shares", "signed_money", "signed_pct", "when"]


def money(value: float) -> str:
    """$1,234.56 (negative as -$1,234.56)."""
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def signed_money(value: float) -> str:
    """+$1,234.56 / -$1,234.56: for changes."""
    return ("+" if value >= 0 else "-") + f"${abs(value):,.2f}"


def pct(fraction: float, digits: int = 2) -> str:
    """0.1234 -> 12.34%."""
    return f"{fraction * 100:.{digits}f}%"


def signed_pct(fraction: float, digits: int = 2) -> str:
    return ("+" if fraction >= 0 else "-") + f"{abs(fraction) * 100:.{digits}f}%"


def ratio(value: float) -> str:
    """Four decimals: HHI, beta, correlation."""
    return f"{value:.4f}"


def shares(value: float) -> str:
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text or "0"


def when(moment: datetime) -> str:
    """2025-06-30 21:00 UTC."""
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def age_words(age: timedelta) -> str:
    """How old a price is, in the largest sensible unit."""
    seconds = max(0, int(age.total_seconds()))
    if seconds < 120:
        return "just now"
    if seconds < 2 * 3600:
        return f"{seconds // 60} minutes old"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} hours old"
    return f"{seconds // 86400} days old"
