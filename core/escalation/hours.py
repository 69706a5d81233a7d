"""Business hours: when advisors are at their desks, and what to tell the person about when to expect one.

`BusinessHours.parse("Mon-Fri 08:30-17:30 America/New_York")`; `expected(now)` -> "within about an hour"
during hours, else "later today from 8:30 AM ET" / "next business day (Monday) from 8:30 AM ET".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import ConfigurationError

__all__ = ["BusinessHours", "DEFAULT_BUSINESS_HOURS"]

DEFAULT_BUSINESS_HOURS = "Mon-Fri 08:30-17:30 America/New_York"
SETTING = "FINBOT_BUSINESS_HOURS"
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SPEC = re.compile(
    r"^\s*(?P<days>[A-Za-z,\- ]+?)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s+(?P<tz>\S+)\s*$"
)


def _day(name: str) -> int:
    key = name.strip().lower()[:3]
    if key not in _DAYS:
        raise ConfigurationError(SETTING, f"unknown day {name.strip()!r}; use Mon..Sun")
    return _DAYS.index(key)


def _days(spec: str) -> frozenset[int]:
    days: set[int] = set()
    for part in spec.split(","):
        if "-" in part:
            first, last = (_day(p) for p in part.split("-", 1))
            span = (last - first) % 7
            days.update((first + i) % 7 for i in range(span + 1))
        elif part.strip():
            days.add(_day(part))
    return frozenset(days)


def _clock(value: str) -> time:
    hours, minutes = (int(p) for p in value.split(":"))
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        raise ConfigurationError(SETTING, f"bad time {value!r}")
    return time(23, 59, 59) if hours == 24 else time(hours, minutes)


def _spoken(moment: time) -> str:
    """8:30 AM, 9 AM."""
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    return f"{hour}:{moment.minute:02d} {suffix}" if moment.minute else f"{hour} {suffix}"


def _zone_abbreviation(moment: datetime) -> str:
    """EST/EDT -> ET, PST/PDT -> PT (what people say); other zones keep their own abbreviation."""
    name = moment.tzname() or ""
    if len(name) == 3 and name[1:] in ("ST", "DT") and name[0] in "ECMP":
        return f"{name[0]}T"
    return name


@dataclass(frozen=True, slots=True)
class BusinessHours:
    days: frozenset[int]
    start: time
    end: time
    zone: ZoneInfo

    @classmethod
    def parse(cls, spec: str) -> BusinessHours:
        match = _SPEC.match(spec or "")
        if not match:
            raise ConfigurationError(SETTING, "expected e.g. 'Mon-Fri 08:30-17:30 America/New_York'")
        try:
            zone = ZoneInfo(match["tz"])
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigurationError(SETTING, f"unknown time zone {match['tz']!r}") from None
        start, end = _clock(match["start"]), _clock(match["end"])
        if end <= start:
            raise ConfigurationError(SETTING, "the day must end after it starts")
        days = _days(match["days"])
        if not days:
            raise ConfigurationError(SETTING, "no working days")
        return cls(days=days, start=start, end=end, zone=zone)

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.zone)
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def next_opening(self, now: datetime) -> datetime:
        """The next moment the desk opens (strictly after `now` when it is open now)."""
        local = now.astimezone(self.zone)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            opening = datetime.combine(day, self.start, tzinfo=self.zone)
            if day.weekday() in self.days and opening > local:
                return opening
        raise AssertionError("no working day within a week")  # parse() guarantees one

    def expected(self, now: datetime) -> str:
        """When the person can expect an advisor, in words."""
        if self.is_open(now):
            return "within about an hour"
        opening = self.next_opening(now)
        local = now.astimezone(self.zone)
        at = f"{_spoken(self.start)} {_zone_abbreviation(opening)}".strip()
        if opening.date() == local.date():
            return f"later today from {at}"
        return f"next business day ({_DAY_NAMES[opening.weekday()]}) from {at}"
