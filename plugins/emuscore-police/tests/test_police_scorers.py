"""emuscore-police against a Decimal oracle: each formula written out independently,
as one division at 200 digits, then rounded half-up to 0.01 point."""

from __future__ import annotations

import csv
import decimal
from decimal import Decimal
from pathlib import Path

import emuscore_police
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import emuscore
from emuscore.testing import PluginSandbox

ORACLE = decimal.Context(prec=200, traps=[decimal.InvalidOperation, decimal.DivisionByZero])
CENT = Decimal("0.01")
RULESETS = Path(__file__).resolve().parents[3] / "rulesets"
fixture_ok = settings(max_examples=60, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])



@pytest.fixture(autouse=True)
def _registered(emuscore_plugins: PluginSandbox) -> None:
    """Every test here sees emuscore-police because it registers it, not because it is
    installed: under pytest emuscore loads no entry points (see `emuscore.testing`)."""
    emuscore_plugins.register(emuscore_police)


def rounded(num: Decimal, den: Decimal = Decimal(1)) -> Decimal:
    return ORACLE.divide(num, den).quantize(CENT, rounding=decimal.ROUND_HALF_UP)


def clearance_oracle(max_: Decimal, solved: int, detected: int, target: Decimal) -> Decimal:
    if detected == 0 or solved * 100 >= target * detected:
        return max_.quantize(CENT)
    return rounded(max_ * solved * 100, detected * target)


def reduction_oracle(max_: Decimal, current: int, previous: int, target: Decimal) -> Decimal:
    if previous == 0:
        return max_.quantize(CENT) if current == 0 else Decimal("0.00")
    cut = previous - current
    if cut * 100 >= target * previous:
        return max_.quantize(CENT)
    if cut <= 0:
        return Decimal("0.00")
    return rounded(max_ * cut * 100, previous * target)


cases = st.integers(0, 3000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))
years = st.tuples(st.integers(0, 500), st.integers(0, 500))
percent = st.decimals(min_value=0, max_value=100, places=1)


@fixture_ok
@given(st.lists(cases, min_size=1, max_size=12), st.decimals(min_value=1, max_value=100, places=1),
       st.sampled_from([Decimal(15), Decimal("7.5")]))
def test_case_clearance_equals_the_oracle(emuscore_plugins: PluginSandbox,
                                          units: list[tuple[int, int]], target: Decimal,
                                          max_: Decimal) -> None:
    points = emuscore_plugins.points(
        {"scorer": "case_clearance", "max": max_, "solved": "s", "detected": "d", "target": target},
        [{"unit_id": f"u{i}", "s": s, "d": d} for i, (s, d) in enumerate(units)])
    assert points == {f"u{i}": clearance_oracle(max_, s, d, target) for i, (s, d) in enumerate(units)}


@fixture_ok
@given(st.lists(years, min_size=1, max_size=12), percent)
def test_reduction_against_a_fixed_target_equals_the_oracle(
        emuscore_plugins: PluginSandbox, units: list[tuple[int, int]], target: Decimal) -> None:
    points = emuscore_plugins.points(
        {"scorer": "reduction", "max": 10, "current": "c", "previous": "p", "target": target},
        [{"unit_id": f"u{i}", "c": c, "p": p} for i, (c, p) in enumerate(units)])
    assert points == {f"u{i}": reduction_oracle(Decimal(10), c, p, target)
                      for i, (c, p) in enumerate(units)}


@fixture_ok
@given(st.lists(st.tuples(years, percent), min_size=1, max_size=12))
def test_reduction_against_each_units_own_target_equals_the_oracle(
        emuscore_plugins: PluginSandbox, units: list[tuple[tuple[int, int], Decimal]]) -> None:
    points = emuscore_plugins.points(
        {"scorer": "reduction", "max": 15, "current": "c", "previous": "p", "unit_target": "t"},
        [{"unit_id": f"u{i}", "c": c, "p": p, "t": t} for i, ((c, p), t) in enumerate(units)])
    assert points == {f"u{i}": reduction_oracle(Decimal(15), c, p, t)
                      for i, ((c, p), t) in enumerate(units)}


@fixture_ok
@given(years, years, percent)
def test_fewer_accidents_never_lower_the_score(emuscore_plugins: PluginSandbox, a: tuple[int, int],
                                               b: tuple[int, int], target: Decimal) -> None:
    previous = max(a[1], b[1])
    lower, higher = sorted((a[0], b[0]))
    points = emuscore_plugins.points(
        {"scorer": "reduction", "max": 10, "current": "c", "previous": "p", "target": target},
        f"unit_id,c,p\nlow,{lower},{previous}\nhigh,{higher},{previous}")
    assert points["low"] >= points["high"]


def test_the_sample_ruleset_equals_the_oracle_on_every_unit() -> None:
    ruleset = emuscore.load_ruleset(RULESETS / "police-2024.toml")
    result = emuscore.run(ruleset, emuscore.load_data(RULESETS / "police-2024"))
    values: dict[str, dict[str, Decimal]] = {}
    with open(RULESETS / "police-2024" / "measures.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            values.setdefault(row["unit_id"], {})[row["indicator"]] = Decimal(row["value"].replace(",", "."))
    for i, unit in enumerate(result.data.unit_ids):
        v = values[unit]
        expected = {
            "kham_pha_an": clearance_oracle(Decimal(15), int(v["an_kham_pha"]), int(v["an_phat_hien"]),
                                            Decimal(75)),
            "kham_pha_an_nghiem_trong": clearance_oracle(
                Decimal(10), int(v["an_nt_kham_pha"]), int(v["an_nt_phat_hien"]), Decimal(90)),
            "giam_toi_pham": reduction_oracle(Decimal(15), int(v["toi_pham_2024"]),
                                              int(v["toi_pham_2023"]), v["chi_tieu_giam_toi_pham"]),
            **{f"tngt_so_{name}": reduction_oracle(Decimal(10), int(v[f"tngt_{kind}_2024"]),
                                                   int(v[f"tngt_{kind}_2023"]), Decimal(5))
               for name, kind in (("vu", "vu"), ("nguoi_chet", "chet"), ("nguoi_bi_thuong", "thuong"))},
        }
        got = {c: Decimal(result.points(result.scores.criteria[c], i)) for c in expected}
        assert got == expected, unit


def test_the_misconduct_gate_bars_a_unit_from_the_award_with_the_reason() -> None:
    ruleset = emuscore.load_ruleset(RULESETS / "police-2024.toml")
    result = emuscore.run(ruleset, emuscore.load_data(RULESETS / "police-2024"))
    prosecuted = [s for s in result.skips if "officers_prosecuted = 1" in str(s.reason)]
    assert prosecuted, "the sample data has units with an officer prosecuted"
    for skip in prosecuted:
        assert str(skip.reason).startswith("gate no_serious_misconduct failed: officers_prosecuted = 1")
        assert skip.unit not in {p.unit for p in result.proposals}


def test_the_gate_refuses_data_without_its_indicators(emuscore_plugins: PluginSandbox) -> None:
    text = (RULESETS / "police-2024.toml").read_text(encoding="utf-8")
    data = emuscore.load_data(RULESETS / "police-2024")
    bare = emuscore.Dataset(data.unit_ids, data.names, data.clusters,
                            {k: v for k, v in data.indicators.items() if k != "officers_prosecuted"},
                            "police-2024")
    with pytest.raises(emuscore.DataError, match=r"gate no_serious_misconduct \(plugin "
                       r"emuscore-police\): needs indicator 'officers_prosecuted'"):
        emuscore.run(emuscore_plugins.ruleset(text), bare)


def test_more_cases_solved_than_detected_is_a_data_error_naming_the_unit(
        emuscore_plugins: PluginSandbox) -> None:
    with pytest.raises(emuscore.DataError, match="criterion c: unit B: more cases solved than detected"):
        emuscore_plugins.points('scorer = "case_clearance"\nmax = 15\nsolved = "s"\ndetected = "d"\n'
                                'target = 75', "unit_id,s,d\nA,3,4\nB,5,4")


def test_a_reduction_needs_exactly_one_kind_of_target(emuscore_plugins: PluginSandbox) -> None:
    with pytest.raises(emuscore.RulesetError, match="give either target"):
        emuscore_plugins.criterion_ruleset('scorer = "reduction"\nmax = 10\ncurrent = "c"\n'
                                           'previous = "p"')


def test_the_scorers_explain_one_unit(emuscore_plugins: PluginSandbox) -> None:
    table = "unit_id,c,p\nA,57,60"
    assert emuscore_plugins.explain('scorer = "reduction"\nmax = 10\ncurrent = "c"\nprevious = "p"\n'
                                    'target = 10', table, "A") == [
        "c = 57 against p = 60, target reduction 10%",
        "below target: 10 x (60 - 57) x 100 / (60 x 10)"]
    assert emuscore_plugins.explain('scorer = "case_clearance"\nmax = 15\nsolved = "c"\n'
                                    'detected = "p"\ntarget = 75', table, "A") == [
        "57 of 60 cases solved, at or above the target 75%: 15"]
