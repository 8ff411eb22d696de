"""Every built-in scorer against the Decimal oracle, in every rounding mode."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import oracle
from conftest import rows, ruleset
from emuscore import DataError, run
from emuscore.exact import ROUNDING_MODES, format_units

modes = st.sampled_from(ROUNDING_MODES)
scales = st.integers(0, 4)


def amounts(low: int = 0, high: int = 10**6, places: int = 3) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=low, max_value=high, places=places, allow_nan=False,
                       allow_infinity=False)


def points_of(result, criterion: str = "x") -> list[Decimal]:
    scale = result.ruleset.scale
    return [Decimal(format_units(int(v), scale)) for v in result.scores.criteria[criterion]]


def score_one(criterion_toml: str, values: list[dict], scale: int = 2, mode: str = "half-up",
              clusters: list[str] | None = None) -> list[Decimal]:
    rs = ruleset(criterion_toml, scale=scale, rounding=mode)
    return points_of(run(rs, rows(values, clusters)))


@given(st.lists(st.tuples(amounts(-100, 10**6), amounts(Decimal("0.001"), 10**6)), min_size=1,
                max_size=8),
       st.sampled_from(["higher", "lower"]), st.decimals("0.5", 10, places=2),
       st.decimals(0, 1, places=2), amounts(0, 1, 3), amounts(0, 5, 2), scales, modes)
def test_attainment_matches_the_oracle(pairs, direction, ms, below, per_percent, cap, scale, mode):
    assume(ms.scaleb(scale) == ms.scaleb(scale).to_integral_value())
    toml = (f'[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "attainment"\nmax = {ms}\n'
            f'actual = "a"\ntarget = "t"\ndirection = "{direction}"\nbelow = {below}\n'
            f'bonus = {{ per_percent = {per_percent}, cap = {cap} }}\n')
    got = score_one(toml, [{"a": a, "t": t} for a, t in pairs], scale, mode)
    want = [oracle.rounded(oracle.attainment(a, t, ms, direction=direction, below=below,
                                             per_percent=per_percent, cap=cap), scale, mode)
            for a, t in pairs]
    assert got == want


def test_attainment_divides_once_so_half_cents_round_up():
    # 3 * 2.02/12 is exactly 0.505: ratio-first arithmetic gives 0.50499.. and rounds to 0.50
    toml = '[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "attainment"\nmax = 3\nactual = "a"\n' \
           'target = "t"\n'
    assert score_one(toml, [{"a": "2.02", "t": "12"}]) == [Decimal("0.51")]


@given(st.lists(amounts(0, 1000, 2), min_size=2, max_size=6), amounts(1, 1000, 2),
       st.integers(0, 5))
def test_more_attainment_never_lowers_the_score(actuals, target, who):
    who = who % len(actuals)
    toml = ('[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "attainment"\nmax = 3\nactual = "a"\n'
            'target = "t"\nbonus = { per_percent = 0.05, cap = 0.5 }\n')
    before = score_one(toml, [{"a": a, "t": target} for a in actuals])
    raised = [a + (Decimal("0.37") if i == who else 0) for i, a in enumerate(actuals)]
    after = score_one(toml, [{"a": a, "t": target} for a in raised])
    assert after[who] >= before[who]


@given(st.lists(st.tuples(amounts(1, 100, 2), amounts(1, 100, 2)), min_size=1, max_size=8))
def test_relative_bonus_gives_the_cap_to_the_cluster_best_and_scales_the_rest(pairs):
    toml = ('[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "attainment"\nmax = 2\nactual = "a"\n'
            'target = "t"\nbonus = { cap = 1, relative_to_best = true }\n')
    got = score_one(toml, [{"a": a, "t": t} for a, t in pairs])
    excess = [max((oracle.F(a) - oracle.F(t)) / oracle.F(t), 0) for a, t in pairs]
    best = max(excess)
    want = [oracle.rounded(2 + (e / best if best else 0)) if a >= t
            else oracle.rounded(oracle.attainment(a, t, 2)) for (a, t), e in zip(pairs, excess, strict=True)]
    assert got == want


def test_units_without_a_target_are_scored_against_the_best_actual_of_their_cluster():
    toml = ('[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "attainment"\nmax = 4\nactual = "a"\n'
            'target = "t"\nno_target = "cluster_best"\n')
    values = [{"a": "8", "t": "10"}, {"a": "12"}, {"a": "6"}, {"a": "5"}, {"a": "4"}]
    got = score_one(toml, values, clusters=["c1", "c1", "c1", "c2", "c2"])
    assert got == [Decimal("3.20"), Decimal("4.00"), Decimal("2.00"), Decimal("4.00"),
                   Decimal("3.20")]


def test_a_zero_target_is_an_error_naming_unit_and_criterion_unless_declared():
    toml = '[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "attainment"\nmax = 3\n' \
           'actual = "a"\ntarget = "t"\n'
    with pytest.raises(DataError, match=r"criterion x: unit u2: target is 0.*zero_target"):
        score_one(toml, [{"a": "1", "t": "2"}, {"a": "1", "t": "0"}])
    declared = toml + 'zero_target = "pass_fail"\ndirection = "lower"\n'
    assert score_one(declared, [{"a": "0", "t": "0"}, {"a": "1", "t": "0"}]) == [
        Decimal("3.00"), Decimal("0.00")]


@given(st.lists(amounts(0, 100, 2), min_size=1, max_size=10), modes)
def test_bands_match_the_oracle(values, mode):
    toml = ('[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "bands"\nmax = 2\nvalue = "v"\n'
            'thresholds = [{ at_least = 95, points = 2 }, { at_least = 90, points = 1.5 },'
            ' { at_least = 80.5, points = 1 }]\n')
    got = score_one(toml, [{"v": v} for v in values], 1, mode)
    want = [oracle.rounded(oracle.bands(v, [(95, 2), (90, "1.5"), ("80.5", 1)]), 1, mode)
            for v in values]
    assert got == want


def test_pass_fail_gives_full_points_only_on_the_pass_value():
    toml = '[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "pass_fail"\nmax = 10\nvalue = "v"\n'
    assert score_one(toml, [{"v": "1"}, {"v": "0"}, {"v": "1.00"}, {"v": "2"}]) == [
        Decimal(10), 0, Decimal(10), 0]


@pytest.mark.parametrize("scorer,sign", [("per_occurrence", 1), ("deduction", -1), ("bonus", 1)])
@given(counts=st.lists(amounts(0, 50, 1), min_size=1, max_size=8), points=amounts(Decimal("0.001"), 3, 3),
       mode=modes)
def test_points_per_occurrence_are_capped_at_max(scorer, sign, counts, points, mode):
    assume(points > 0)
    group = 'group = "g"\n' if scorer == "per_occurrence" else ""
    toml = (f'[[criteria]]\nid = "x"\n{group}scorer = "{scorer}"\nmax = 2\ncount = "n"\n'
            f'points = {points}\n')
    got = score_one(toml, [{"n": n} for n in counts], 2, mode)
    want = [sign * oracle.rounded(oracle.per_occurrence(n, points, 2), 2, mode) for n in counts]
    assert got == want


def test_a_negative_count_is_an_error():
    toml = '[[criteria]]\nid = "late"\nscorer = "deduction"\nmax = 2\ncount = "n"\npoints = 0.5\n'
    with pytest.raises(DataError, match="criterion late: unit u1: n is negative"):
        score_one(toml, [{"n": "-1"}])


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 40)), min_size=1, max_size=8), modes)
def test_award_on_time_share_matches_the_oracle(pairs, mode):
    pairs = [(min(a, b), b) for a, b in pairs]
    toml = ('[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "award_on_time"\nmax = 5\n'
            'dossiers = "d"\non_time = "o"\n')
    got = score_one(toml, [{"o": o, "d": d} for o, d in pairs], 2, mode)
    assert got == [oracle.rounded(oracle.on_time(o, d, 5), 2, mode) for o, d in pairs]


def test_award_on_time_from_dates_costs_points_per_day_late():
    toml = ('[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "award_on_time"\nmax = 3\n'
            'submitted = "sent"\ndeadline = "due"\nper_day_late = 0.25\n')
    values = [{"sent": "2024-11-30", "due": "2024-12-01"}, {"sent": "2024-12-03", "due": "2024-12-01"},
              {"sent": "2025-01-30", "due": "2024-12-01"}]
    assert score_one(toml, values) == [Decimal(3), Decimal("2.5"), Decimal(0)]


def test_award_on_time_with_no_dossiers_needs_a_declared_rule():
    toml = ('[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "award_on_time"\nmax = 5\n'
            'dossiers = "d"\non_time = "o"\n')
    with pytest.raises(DataError, match="no_dossiers"):
        score_one(toml, [{"o": 0, "d": 0}])
    assert score_one(toml + 'no_dossiers = "full"\n', [{"o": 0, "d": 0}]) == [Decimal(5)]


@given(st.lists(st.integers(0, 400), min_size=1, max_size=8), st.integers(1, 90), modes)
def test_award_processing_days_match_the_oracle_from_dates(days, norm, mode):
    start = datetime.date(2024, 1, 1)
    values = [{"won": start.isoformat(), "decided": (start + datetime.timedelta(d)).isoformat()}
              for d in days]
    toml = ('[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "award_processing_days"\nmax = 4\n'
            f'achieved = "won"\ndecided = "decided"\nnorm = {norm}\n')
    assert score_one(toml, values, 2, mode) == [
        oracle.rounded(oracle.processing(d, norm, 4), 2, mode) for d in days]


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 50)), min_size=1, max_size=8),
       st.decimals("0.05", 1, places=2), modes)
def test_award_grassroots_share_matches_the_oracle(pairs, target, mode):
    pairs = [(min(a, b), b) for a, b in pairs]
    toml = ('[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "award_grassroots_share"\nmax = 3\n'
            f'grassroots = "g"\nawards = "n"\ntarget = {target}\n')
    got = score_one(toml, [{"g": g, "n": n} for g, n in pairs], 2, mode)
    assert got == [oracle.rounded(oracle.share(g, n, target, 3), 2, mode) for g, n in pairs]


@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), st.integers(0, 9)), min_size=1,
                max_size=8))
def test_award_accuracy_deducts_each_kind_of_error_and_stops_at_zero(counts):
    toml = ('[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "award_accuracy"\nmax = 5\n'
            'penalties = [{ count = "returned", points = 0.25 }, { count = "revoked", points = 1 },'
            ' { count = "complaints", points = 0.5 }]\n')
    values = [{"returned": r, "revoked": v, "complaints": c} for r, v, c in counts]
    want = [oracle.rounded(oracle.accuracy([(r, "0.25"), (v, 1), (c, "0.5")], 5))
            for r, v, c in counts]
    assert score_one(toml, values) == want


def test_values_beyond_int64_are_scored_exactly():
    # VND amounts reach 10**13; with decimals and the bonus factors int64 would overflow
    toml = ('[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "attainment"\nmax = 3\nactual = "a"\n'
            'target = "t"\nbonus = { per_percent = 0.05, cap = 0.5 }\n')
    values = [{"a": "98765432109876.123456", "t": "90000000000000.5"},
              {"a": "1234567890123.4567", "t": "9999999999999.99"}]
    want = [oracle.rounded(oracle.attainment(v["a"], v["t"], 3, per_percent="0.05", cap="0.5"))
            for v in values]
    assert score_one(toml, values) == want
