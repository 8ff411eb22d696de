"""Working days skip weekends, Tết and the days off the Government moves (checked by hand
against the 2025 calendar: Tết holiday 25 Jan – 2 Feb 2025, 2 May 2025 a day off moved from
26 April)."""

import datetime as dt

from emuscore.workdays import add_working_days, holiday_name, is_working_day


def test_ten_working_days_from_before_tet_end_after_it():
    # Mon 20 Jan 2025: 21–24 Jan are four days, 27 Jan – 1 Feb are Tết, then 3–7 Feb and 10 Feb.
    assert add_working_days(dt.date(2025, 1, 20), 10) == dt.date(2025, 2, 10)


def test_weekends_and_moved_days_off_are_not_working_days():
    assert not is_working_day(dt.date(2025, 5, 2))  # the Friday moved from Saturday 26 April
    assert not is_working_day(dt.date(2025, 9, 2))
    assert not is_working_day(dt.date(2025, 3, 8))  # a Saturday
    assert is_working_day(dt.date(2025, 3, 10))


def test_a_declared_holiday_is_skipped_too():
    friday = dt.date(2025, 3, 14)
    assert add_working_days(dt.date(2025, 3, 13), 1) == friday
    assert add_working_days(dt.date(2025, 3, 13), 1, [friday]) == dt.date(2025, 3, 17)


def test_holidays_have_their_vietnamese_names():
    assert holiday_name(dt.date(2025, 1, 29)) == "Tết Nguyên Đán"
    assert holiday_name(dt.date(2025, 3, 10)) is None
