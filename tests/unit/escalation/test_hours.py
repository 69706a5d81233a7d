"""Business hours -> when the person can expect an advisor, in words."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.errors import ConfigurationError
from core.escalation.hours import DEFAULT_BUSINESS_HOURS, BusinessHours, Holidays

NY = BusinessHours.parse("Mon-Fri 08:30-17:30 America/New_York")


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        ("2025-03-04T15:00:00+00:00", "within about an hour"),  # Tue 10:00 EST
        ("2025-07-01T21:29:00+00:00", "within about an hour"),  # Tue 17:29 EDT
        ("2025-03-04T11:00:00+00:00", "later today from 8:30 AM ET"),  # Tue 06:00
        ("2025-03-04T23:00:00+00:00", "next business day (Wednesday) from 8:30 AM ET"),  # Tue 18:00
        ("2025-07-01T21:30:00+00:00", "next business day (Wednesday) from 8:30 AM ET"),  # Tue 17:30 EDT: closed
        ("2025-03-07T23:00:00+00:00", "next business day (Monday) from 8:30 AM ET"),  # Fri evening
        ("2025-03-08T16:00:00+00:00", "next business day (Monday) from 8:30 AM ET"),  # Saturday
    ],
)
def test_expected_wording(utc: str, expected: str) -> None:
    assert NY.expected(datetime.fromisoformat(utc)) == expected


def test_other_zones_days_and_round_hours() -> None:
    london = BusinessHours.parse("Mon,Wed,Fri 09:00-17:00 Europe/London")
    assert london.expected(datetime.fromisoformat("2025-01-07T10:00:00+00:00")) == (
        "next business day (Wednesday) from 9 AM GMT"
    )
    assert london.is_open(datetime.fromisoformat("2025-01-08T16:59:00+00:00"))
    weekend = BusinessHours.parse("Sat-Sun 10:00-14:00 America/Los_Angeles")
    assert weekend.expected(datetime.fromisoformat("2025-03-07T20:00:00+00:00")) == (
        "next business day (Saturday) from 10 AM PT"
    )


@pytest.mark.parametrize(
    "spec",
    ["", "Mon-Fri 9-5", "Mon-Fri 08:30-17:30 Mars/Base", "Funday 08:30-17:30 UTC", "Mon-Fri 17:00-09:00 UTC"],
)
def test_bad_specs_name_the_setting(spec: str) -> None:
    with pytest.raises(ConfigurationError) as error:
        BusinessHours.parse(spec)
    assert error.value.setting == "FINBOT_BUSINESS_HOURS"


NYSE_HOURS = BusinessHours.parse(DEFAULT_BUSINESS_HOURS, holidays=Holidays.parse("NYSE", ["2026-12-24"]))


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # Thanksgiving morning (Thu 26 Nov 2026, 9:00 ET): not "within about an hour"
        (
            "2026-11-26T14:00:00+00:00",
            "next business day (Friday) from 8:30 AM ET (we're closed today for Thanksgiving Day)",
        ),
        ("2026-11-25T23:00:00+00:00", "next business day (Friday) from 8:30 AM ET"),  # the evening before
        ("2026-12-23T23:00:00+00:00", "next business day (Monday) from 8:30 AM ET"),  # the firm's own 24th, then 25th
        ("2026-11-27T14:00:00+00:00", "within about an hour"),
    ],
)
def test_the_promise_skips_holidays(utc: str, expected: str) -> None:
    assert NYSE_HOURS.expected(datetime.fromisoformat(utc)) == expected


def test_holiday_calendars_come_from_markets_countries_and_subdivisions() -> None:
    from datetime import date

    assert Holidays.parse("US-NY").name_of(date(2026, 11, 26)) == "Thanksgiving Day"
    assert Holidays.parse("GB").name_of(date(2026, 12, 25)) == "Christmas Day"
    assert Holidays.parse("none").name_of(date(2026, 12, 25)) is None
    with pytest.raises(ConfigurationError) as bad_calendar:
        Holidays.parse("Narnia")
    assert bad_calendar.value.setting == "FINBOT_HOLIDAY_CALENDAR"
    with pytest.raises(ConfigurationError) as bad_date:
        Holidays.parse("NYSE", ["24/12/2026"])
    assert bad_date.value.setting == "FINBOT_HOLIDAYS"
