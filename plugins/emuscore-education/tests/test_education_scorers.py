"""emuscore-education against a Decimal oracle: each formula written out independently,
as one division at 200 digits, then rounded half-up to 0.01 point."""

from __future__ import annotations

import csv
import decimal
from decimal import Decimal
from pathlib import Path

import emuscore_education
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
    """Every test here sees emuscore-education because it registers it, not because it is
    installed: under pytest emuscore loads no entry points (see `emuscore.testing`)."""
    emuscore_plugins.register(emuscore_education)


def rounded(num: Decimal, den: Decimal = Decimal(1)) -> Decimal:
    return ORACLE.divide(num, den).quantize(CENT, rounding=decimal.ROUND_HALF_UP)


def pass_rate_oracle(max_: Decimal, passed: int, candidates: int, target: Decimal) -> Decimal:
    if passed * 100 >= target * candidates:
        return max_.quantize(CENT)
    return rounded(ORACLE.multiply(max_, Decimal(passed * 100)), ORACLE.multiply(candidates, target))


def bands_oracle(meeting: int, teachers: int, bands: list[tuple[Decimal, Decimal]]) -> Decimal:
    for at_least, points in bands:
        if meeting * 100 >= at_least * teachers:
            return points.quantize(CENT)
    return Decimal(0).quantize(CENT)


def standard_schools_oracle(max_: Decimal, standard: int, schools: int, target: Decimal,
                            per_percent: Decimal, cap: Decimal) -> Decimal:
    if standard * 100 < target * schools:
        return rounded(max_ * standard * 100, schools * target)
    over = min(per_percent * (standard * 100 - target * schools), cap * schools)
    return rounded(max_ * schools + over, Decimal(schools))


counts = st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))
percent = st.decimals(min_value=Decimal("0.5"), max_value=100, places=1)


@fixture_ok
@given(st.lists(counts, min_size=1, max_size=12), percent,
       st.sampled_from([Decimal(10), Decimal("7.5"), Decimal(3)]))
def test_pass_rate_equals_the_oracle(emuscore_plugins: PluginSandbox, units: list[tuple[int, int]],
                                     target: Decimal, max_: Decimal) -> None:
    points = emuscore_plugins.points(
        {"scorer": "pass_rate", "max": max_, "passed": "p", "candidates": "n", "target": target},
        [{"unit_id": f"u{i}", "p": p, "n": n} for i, (p, n) in enumerate(units)])
    assert points == {f"u{i}": pass_rate_oracle(max_, p, n, target) for i, (p, n) in enumerate(units)}


def test_pass_rate_divides_once_so_a_half_cent_rounds_up(emuscore_plugins: PluginSandbox) -> None:
    # 3 x 202 x 100 / (1200 x 100) = 0.505 exactly; a rate computed first (0.168333...) gives 0.50
    points = emuscore_plugins.points('scorer = "pass_rate"\nmax = 3\npassed = "p"\n'
                                     'candidates = "n"\ntarget = 100', "unit_id,p,n\nA,202,1200")
    assert points == {"A": Decimal("0.51")}


@fixture_ok
@given(st.lists(counts, min_size=1, max_size=12))
def test_teacher_standards_equals_the_oracle(emuscore_plugins: PluginSandbox,
                                             units: list[tuple[int, int]]) -> None:
    bands = [(Decimal(95), Decimal(10)), (Decimal("90.5"), Decimal(8)), (Decimal(80), Decimal("4.5"))]
    criterion = {"scorer": "teacher_standards", "max": 10, "meeting": "m", "teachers": "t",
                 "bands": [{"at_least": a, "points": p} for a, p in bands]}
    points = emuscore_plugins.points(criterion, [{"unit_id": f"u{i}", "m": m, "t": t}
                                                 for i, (m, t) in enumerate(units)])
    assert points == {f"u{i}": bands_oracle(m, t, bands) for i, (m, t) in enumerate(units)}


@fixture_ok
@given(st.lists(st.tuples(counts, percent), min_size=1, max_size=12),
       st.sampled_from([Decimal("0.5"), Decimal("0.25"), Decimal(1)]),
       st.sampled_from([Decimal(2), Decimal("1.5")]))
def test_standard_schools_equals_the_oracle(emuscore_plugins: PluginSandbox,
                                            units: list[tuple[tuple[int, int], Decimal]],
                                            per_percent: Decimal, cap: Decimal) -> None:
    criterion = {"scorer": "standard_schools", "max": 15, "standard": "s", "schools": "n",
                 "target": "t", "bonus": {"per_percent": per_percent, "cap": cap}}
    rows = [{"unit_id": f"u{i}", "s": s, "n": n, "t": t} for i, ((s, n), t) in enumerate(units)]
    assert emuscore_plugins.points(criterion, rows) == {
        f"u{i}": standard_schools_oracle(Decimal(15), s, n, t, per_percent, cap)
        for i, ((s, n), t) in enumerate(units)}


def test_the_sample_ruleset_equals_the_oracle_on_every_unit() -> None:
    ruleset = emuscore.load_ruleset(RULESETS / "education-2024.toml")
    result = emuscore.run(ruleset, emuscore.load_data(RULESETS / "education-2024"))
    values: dict[str, dict[str, Decimal]] = {}
    with open(RULESETS / "education-2024" / "measures.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            values.setdefault(row["unit_id"], {})[row["indicator"]] = Decimal(row["value"].replace(",", "."))
    bands = [(Decimal(95), Decimal(10)), (Decimal(90), Decimal(8)), (Decimal(85), Decimal(6)),
             (Decimal(80), Decimal(4))]
    for i, unit in enumerate(result.data.unit_ids):
        v = values[unit]
        expected = {
            "hoan_thanh_tieu_hoc": pass_rate_oracle(Decimal(10), int(v["ht_tieu_hoc"]),
                                                    int(v["hs_lop_5"]), Decimal("99.5")),
            "tot_nghiep_thcs": pass_rate_oracle(Decimal(10), int(v["tn_thcs"]), int(v["hs_lop_9"]),
                                                Decimal("98.5")),
            "chuan_nghe_nghiep": bands_oracle(int(v["gv_dat_chuan"]), int(v["gv_tong"]), bands),
            "truong_chuan_qg": standard_schools_oracle(
                Decimal(15), int(v["truong_chuan"]), int(v["truong_tong"]),
                v["chi_tieu_truong_chuan"], Decimal("0.5"), Decimal(2)),
        }
        got = {c: Decimal(result.points(result.scores.criteria[c], i)) for c in expected}
        assert got == expected, unit


def test_a_band_worth_more_than_the_criterion_is_rejected_by_the_plugin(
        emuscore_plugins: PluginSandbox) -> None:
    with pytest.raises(emuscore.RulesetError, match=r"band at_least 95 gives 12 points, more than "
                       r"its max 10 \(plugin emuscore-education 1.0.0\)"):
        emuscore_plugins.criterion_ruleset({
            "scorer": "teacher_standards", "max": 10, "meeting": "m", "teachers": "t",
            "bands": [{"at_least": 95, "points": 12}]})


def test_a_target_over_100_percent_is_a_ruleset_error_with_its_line(
        emuscore_plugins: PluginSandbox) -> None:
    text = (RULESETS / "education-2024.toml").read_text(encoding="utf-8")
    header = text.splitlines().index('id = "tot_nghiep_thcs"')     # the [[criteria]] line above it
    with pytest.raises(emuscore.RulesetError) as error:
        emuscore_plugins.ruleset(text.replace("target = 98.5", "target = 198.5"))
    assert str(error.value) == (f"<test ruleset>:{header}: criteria[1] (tot_nghiep_thcs): target is "
                                "a percentage: more than 0, at most 100")


def test_a_missing_count_names_the_unit_and_the_criterion(emuscore_plugins: PluginSandbox) -> None:
    with pytest.raises(emuscore.DataError, match=r"criterion c: unit B: no value for 'passed'"):
        emuscore_plugins.points('scorer = "pass_rate"\nmax = 10\npassed = "p"\ncandidates = "n"\n'
                                'target = 98', "unit_id,p,n\nA,1,1\nB,,4")


def test_pass_rate_explains_one_unit_with_its_numbers(emuscore_plugins: PluginSandbox) -> None:
    steps = emuscore_plugins.explain('scorer = "pass_rate"\nmax = 10\npassed = "p"\n'
                                     'candidates = "n"\ntarget = 98.5', "unit_id,p,n\nA,90,100", "A")
    assert steps == ["rate 90/100 is below the target 98.5%: 10 x 90 x 100 / (100 x 98.5)",
                     "= 9.137055837563... before rounding"]


def test_the_scorers_are_plain_functions_too() -> None:
    from emuscore_education import PassRateParams, pass_rate

    params = PassRateParams(passed="p", candidates="n", target=Decimal(98))  # type: ignore[arg-type]
    assert pass_rate(params, {"passed": Decimal(49), "candidates": Decimal(50)}, Decimal(10)) == 10
