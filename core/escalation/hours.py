"""Business hours: when advisors are at their desks, and what to tell the person about when to expect one.

`BusinessHours.parse("Mon-Fri 08:30-17:30 America/New_York", holidays=Holidays.parse("NYSE"))`; `expected(now)`
-> "within about an hour" during hours, else "later today from 8:30 AM ET" / "next business day (Friday) from
8:30 AM ET (closed today for Thanksgiving Day)". Holidays come from the `holidays` package (market calendars
such as NYSE, or a country with its subdivision, e.g. US-NY; the data ships inside the package, nothing is
downloaded) plus the firm's own closed dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import ConfigurationError

__all__ = ["BusinessHours", "DEFAULT_BUSINESS_HOURS", "DEFAULT_HOLIDAY_CALENDAR", "Holidays"]

DEFAULT_BUSINESS_HOURS = "Mon-Fri 08:30-17:30 America/New_York"
DEFAULT_HOLIDAY_CALENDAR = "NYSE"
SETTING = "FINBOT_BUSINESS_HOURS"
CALENDAR_SETTING = "FINBOT_HOLIDAY_CALENDAR"
DATES_SETTING = "FINBOT_HOLIDAYS"
_SEARCH_DAYS = 40
"""How far ahead the next opening is looked for (a week plus any run of holidays)."""
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
class Holidays:
    """Days the desk is closed: a `holidays` calendar (None: none) and the firm's own dates."""

    calendar: Any = None
    extra: frozenset[date] = frozenset()

    @classmethod
    def parse(cls, calendar: str | None, dates: Iterable[str] = ()) -> Holidays:
        """`calendar`: a market ("NYSE", "XNYS", "LSE"...), a country ("US", "GB"), a country and subdivision
        ("US-NY"), or "" / "none"; `dates`: ISO dates ("2026-12-24")."""
        extra: set[date] = set()
        for value in dates:
            try:
                extra.add(date.fromisoformat(value.strip()))
            except ValueError:
                raise ConfigurationError(DATES_SETTING, f"bad date {value.strip()!r}; use YYYY-MM-DD") from None
        return cls(_calendar(calendar), frozenset(extra))

    def name_of(self, day: date) -> str | None:
        """The holiday's name, "a holiday" for the firm's own dates, None on an ordinary day."""
        if day in self.extra:
            return "a holiday"
        if self.calendar is not None and day in self.calendar:
            return str(self.calendar.get(day))
        return None


def _calendar(name: str | None) -> Any:
    key = (name or "").strip()
    if key.lower() in ("", "none", "off"):
        return None
    import holidays  # the data ships with the package

    if key.upper() in holidays.list_supported_financial():
        return holidays.financial_holidays(key.upper())
    country, _, subdivision = key.partition("-")
    try:
        return holidays.country_holidays(country.upper(), subdiv=subdivision.upper() or None)
    except NotImplementedError:
        raise ConfigurationError(
            CALENDAR_SETTING, f"unknown calendar {key!r}; use a market (NYSE, LSE...), a country (US) or US-NY"
        ) from None


@dataclass(frozen=True, slots=True)
class BusinessHours:
    days: frozenset[int]
    start: time
    end: time
    zone: ZoneInfo
    holidays: Holidays = field(default_factory=Holidays)

    @classmethod
    def parse(cls, spec: str, *, holidays: Holidays | None = None) -> BusinessHours:
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
        return cls(days=days, start=start, end=end, zone=zone, holidays=holidays or Holidays())

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days and self.holidays.name_of(day) is None

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.zone)
        return self.is_working_day(local.date()) and self.start <= local.time() < self.end

    def next_opening(self, now: datetime) -> datetime:
        """The next moment the desk opens (strictly after `now` when it is open now), holidays skipped."""
        local = now.astimezone(self.zone)
        for offset in range(_SEARCH_DAYS):
            day = (local + timedelta(days=offset)).date()
            opening = datetime.combine(day, self.start, tzinfo=self.zone)
            if self.is_working_day(day) and opening > local:
                return opening
        raise ConfigurationError(SETTING, f"no working day in the next {_SEARCH_DAYS} days")

    def expected(self, now: datetime) -> str:
        """When the person can expect an advisor, in words (naming today's holiday when that is why)."""
        if self.is_open(now):
            return "within about an hour"
        opening = self.next_opening(now)
        local = now.astimezone(self.zone)
        at = f"{_spoken(self.start)} {_zone_abbreviation(opening)}".strip()
        if opening.date() == local.date():
            return f"later today from {at}"
        when = f"next business day ({_DAY_NAMES[opening.weekday()]}) from {at}"
        holiday = self.holidays.name_of(local.date()) if local.weekday() in self.days else None
        return f"{when} (we're closed today for {holiday})" if holiday else when
