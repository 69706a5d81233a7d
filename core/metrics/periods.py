"""Dashboard periods: "1h", "24h", "7d", "30d" (any N minutes/hours/days up to 90 days)."""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["PERIODS", "bucket_for", "parse_period"]

PERIODS = ("1h", "24h", "7d", "30d")
_PATTERN = re.compile(r"^\s*(\d{1,4})\s*([mhd])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
MAX_PERIOD = timedelta(days=90)


def parse_period(text: str) -> timedelta:
    """'24h' -> timedelta(hours=24); raises ValueError with the accepted forms otherwise."""
    match = _PATTERN.match(text or "")
    if not match:
        raise ValueError(f"unknown period {text!r}: use one of {', '.join(PERIODS)} (or N followed by m, h or d)")
    span = timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})
    if span <= timedelta(0) or span > MAX_PERIOD:
        raise ValueError(f"period {text!r} must be more than 0 and at most 90d")
    return span


def bucket_for(span: timedelta) -> timedelta:
    """The chart's bucket width: about 12-48 points whatever the period."""
    for limit, bucket in (
        (timedelta(hours=2), timedelta(minutes=5)),
        (timedelta(hours=48), timedelta(hours=1)),
        (timedelta(days=10), timedelta(hours=6)),
    ):
        if span <= limit:
            return bucket
    return timedelta(days=1)
