"""Typing slips in commendation-timeliness data are errors naming the unit, never points:
a decision dated before the achievement is not "within the norm", and more grassroots
awards than awards is not "above the target share"."""

from __future__ import annotations

import pytest

from conftest import rows, ruleset
from emuscore import run
from emuscore.problems import DataError

PROCESSING_FROM_DATES = '''[[criteria]]
id = "days"
group = "g"
scorer = "award_processing_days"
max = 5
achieved = "achieved"
decided = "decided"
norm = 30
'''

PROCESSING_FROM_DAYS = '''[[criteria]]
id = "days"
group = "g"
scorer = "award_processing_days"
max = 5
days = "days_taken"
norm = 30
'''

GRASSROOTS = '''[[criteria]]
id = "share"
group = "g"
scorer = "award_grassroots_share"
max = 5
grassroots = "grassroots"
awards = "awards"
target = 0.7
'''


def test_a_decision_dated_before_the_achievement_is_an_error_naming_the_unit():
    data = rows([{"achieved": "2024-03-01", "decided": "2024-03-20"},
                 {"achieved": "2024-03-15", "decided": "2024-03-01"}])
    with pytest.raises(DataError, match=r"unit u2: decided is before achieved") as caught:
        run(ruleset(PROCESSING_FROM_DATES), data)
    assert "criterion days" in str(caught.value)


def test_a_negative_day_count_is_an_error_naming_the_unit():
    with pytest.raises(DataError, match=r"unit u1: days_taken is negative"):
        run(ruleset(PROCESSING_FROM_DAYS), rows([{"days_taken": "-3"}, {"days_taken": "40"}]))


def test_a_decision_on_the_day_of_the_achievement_gets_full_points():
    result = run(ruleset(PROCESSING_FROM_DATES),
                 rows([{"achieved": "2024-03-15", "decided": "2024-03-15"}]))
    assert result.scores.criteria["days"].tolist() == [500]


def test_more_grassroots_awards_than_awards_is_an_error_naming_the_unit():
    data = rows([{"grassroots": "7", "awards": "10"}, {"grassroots": "12", "awards": "10"}])
    with pytest.raises(DataError, match=r"unit u2: grassroots exceeds awards"):
        run(ruleset(GRASSROOTS), data)


def test_all_awards_to_the_grassroots_gets_full_points():
    result = run(ruleset(GRASSROOTS), rows([{"grassroots": "10", "awards": "10"}]))
    assert result.scores.criteria["share"].tolist() == [500]
