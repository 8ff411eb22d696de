"""Working days in Vietnam: weekends and public holidays skipped.

Decree 98/2023 Art. 46 has a proposed list published for objection for a number of
working days before the council meets; the period is declared in the ruleset, and this
module counts it. Public holidays come from the `holidays` package (Tết by the lunar
calendar, the days off the Government moves), plus any days a ruleset declares itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache


@cache
def _public(year: int) -> frozenset[dt.date]:
    import holidays  # imported on first use: scoring never needs it

    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: dt.date, extra_holidays: Iterable[dt.date] = ()) -> bool:
    """Monday to Friday, not a Vietnamese public holiday, not one of `extra_holidays`."""
    return day.weekday() < 5 and day not in _public(day.year) and day not in set(extra_holidays)


def add_working_days(start: dt.date, days: int, extra_holidays: Iterable[dt.date] = ()) -> dt.date:
    """The day on which a period of `days` working days, counted from the day after
    `start`, ends (`days` = 0 gives `start`)."""
    if days < 0:
        raise ValueError("a period of working days cannot be negative")
    extra = frozenset(extra_holidays)
    day = start
    while days:
        day += dt.timedelta(days=1)
        if is_working_day(day, extra):
            days -= 1
    return day


def holiday_name(day: dt.date, lang: str = "vi") -> str | None:
    """The holiday's name in `lang` ('vi' or 'en'), or None on an ordinary day."""
    import holidays

    names = holidays.country_holidays("VN", years=day.year, language="vi" if lang == "vi" else "en_US")
    return names.get(day)


__all__ = ["add_working_days", "holiday_name", "is_working_day"]
