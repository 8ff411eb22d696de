"""A deduction may be uncapped: `max` left out of a `deduction` or a formula deduction
takes off every point its count gives; elsewhere `max` stays required."""

from __future__ import annotations

from decimal import Decimal

import pytest

import emuscore
from conftest import rows, sheet
from emuscore.exact import format_units

UNCAPPED = '''
[[criteria]]
id = "c"
group = "g"
scorer = "pass_fail"
max = 5
value = "v"

[[criteria]]
id = "d"
scorer = "deduction"
count = "late"
points = 0.5

[[criteria]]
id = "f"
scorer = "formula"
kind = "deduction"
expr = "2 * late"
'''


@pytest.mark.parametrize("late", [0, 1, 7, 1000])
def test_an_uncapped_deduction_takes_off_every_point(late):
    result = emuscore.run(emuscore.parse_ruleset(sheet(UNCAPPED)), rows([{"v": "1", "late": str(late)}]))
    assert format_units(int(result.scores.criteria["d"][0]), 2) == f"{-Decimal(late) / 2:.2f}"
    assert format_units(int(result.scores.criteria["f"][0]), 2) == f"{-Decimal(2 * late):.2f}"
    assert format_units(int(result.scores.total[0]), 2) == f"{5 - Decimal(late) * Decimal('2.5'):.2f}"


def test_a_points_criterion_without_max_is_refused_at_its_line():
    text = sheet(UNCAPPED.replace("max = 5\n", ""))
    with pytest.raises(emuscore.RulesetError) as caught:
        emuscore.parse_ruleset(text, "sheet.toml")
    line = text.splitlines().index('id = "c"')      # the criterion's table starts a line above
    assert str(caught.value).startswith(f"sheet.toml:{line}: criteria[0] (c): missing required "
                                        "key 'max'")


def test_a_capped_deduction_still_stops_at_its_max():
    text = sheet(UNCAPPED.replace('points = 0.5\n', 'points = 0.5\nmax = 2\n'))
    result = emuscore.run(emuscore.parse_ruleset(text), rows([{"v": "1", "late": "9"}]))
    assert format_units(int(result.scores.criteria["d"][0]), 2) == "-2.00"
