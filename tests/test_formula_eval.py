"""Evaluation: exact values, missing values, division, aggregates, limits, explanations."""

from __future__ import annotations

import time
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from fractions import Fraction

import numpy as np
import pytest

from emuscore.exact import Column
from emuscore.formula import (
    BooleanValue,
    Env,
    FormulaError,
    NumberValue,
    check,
    evaluate,
    explain,
    to_points,
)

TARGET = ("if thu_ngan_sach >= chi_tieu then 10 + min(0.5 * 100 * (thu_ngan_sach - chi_tieu) "
          "/ chi_tieu, 2) else 10 * thu_ngan_sach / chi_tieu")


def column(values: list[int], scale: int = 0, missing: list[bool] | None = None) -> Column:
    miss = np.zeros(len(values), bool) if missing is None else np.array(missing)
    return Column(np.array(values, dtype=np.int64), scale, miss)


def make_env(cluster: list[int] | None = None, rounding: str = "half-up", **columns: Column) -> Env:
    n = len(next(iter(columns.values())).values)
    codes = np.zeros(n, np.int64) if cluster is None else np.array(cluster, dtype=np.int64)
    return Env(columns, codes, tuple(f"U{i + 1}" for i in range(n)), rounding)  # type: ignore[arg-type]


def run(text: str, env: Env, want: str = "number", live: list[bool] | None = None) -> list:  # type: ignore[type-arg]
    program = check(text, set(env.columns), want)  # type: ignore[arg-type]
    value = evaluate(program, env, None if live is None else np.array(live))
    if isinstance(value, BooleanValue):
        return [None if value.missing[u] else bool(value.value[u]) for u in range(env.size)]
    return [value.fraction(u) for u in range(env.size)]


def failure(text: str, env: Env, live: list[bool] | None = None) -> FormulaError:
    with pytest.raises(FormulaError) as caught:
        run(text, env, live=live)
    return caught.value


# -- the worked example

def target_env() -> Env:
    # thu_ngan_sach at scale 2 (billions of dong), chi_tieu at scale 0
    return make_env(thu_ngan_sach=column([12000, 10100, 9000, 10000], 2),
                    chi_tieu=column([100, 100, 100, 99]))


def test_target_attainment_is_exact() -> None:
    # 120 >= 100: 10 + min(50 * 20 / 100, 2) = 12; 101: 10 + 0.5; 90 < 100: 10 * 90 / 100;
    # 100 >= 99: 10 + 50 / 99.
    assert run(TARGET, target_env()) == [Fraction(12), Fraction(21, 2), Fraction(9),
                                          Fraction(1040, 99)]


def test_common_case_stays_int64() -> None:
    value = evaluate(check(TARGET, {"thu_ngan_sach", "chi_tieu"}), target_env())
    assert isinstance(value, NumberValue)
    assert value.num.dtype == np.int64 and value.den.dtype == np.int64


_MODES = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN, "down": ROUND_DOWN,
          "up": ROUND_UP}


@pytest.mark.parametrize("mode", list(_MODES))
def test_to_points_rounds_once_like_decimal(mode: str) -> None:
    values = [2345, -2345, 2355, -2355, 1, -1, 0, 999999, 10**17]
    env = make_env(x=column(values, 3))
    value = evaluate(check("x / 3 * 3 + x * 0", {"x"}), env)
    assert isinstance(value, NumberValue)
    points = to_points(value, 2, mode)  # type: ignore[arg-type]
    expected = [int((Decimal(v) / 1000).quantize(Decimal("0.01"), rounding=_MODES[mode]) * 100)
                for v in values]
    assert [int(p) for p in points] == expected


def test_to_points_of_a_repeating_fraction() -> None:
    value = evaluate(check(TARGET, {"thu_ngan_sach", "chi_tieu"}), target_env())
    assert isinstance(value, NumberValue)
    # 1040/99 = 10.50505...
    assert to_points(value, 2, "half-up").tolist() == [1200, 1050, 900, 1051]
    assert to_points(value, 4, "down").tolist() == [120000, 105000, 90000, 105050]


@pytest.mark.parametrize(("mode", "expected"), [
    ("half-up", ["0.3", "-0.3", "0.4"]), ("half-even", ["0.2", "-0.2", "0.4"]),
    ("down", ["0.2", "-0.2", "0.3"]), ("up", ["0.3", "-0.3", "0.4"])])
def test_round_uses_the_hosts_mode(mode: str, expected: list[str]) -> None:
    env = make_env(rounding=mode, x=column([25, -25, 35], 2))
    assert run("round(x, 1)", env) == [Fraction(Decimal(e)) for e in expected]


def test_floor_ceil_abs_clamp() -> None:
    env = make_env(x=column([-25, 25, 0, 700], 1))
    assert run("floor(x)", env) == [-3, 2, 0, 70]
    assert run("ceil(x)", env) == [-2, 3, 0, 70]
    assert run("abs(x)", env) == [Fraction(5, 2), Fraction(5, 2), 0, 70]
    assert run("clamp(x, -1, 10)", env) == [-1, Fraction(5, 2), 0, 10]
    assert run("max(x, 0, -x)", env) == [Fraction(5, 2), Fraction(5, 2), 0, 70]


def test_booleans() -> None:
    env = make_env(x=column([1, 2, 3], 0, [False, True, False]))
    assert run("has(x) and x >= 2", env, "boolean") == [False, False, True]
    assert run("not has(x) or x == 1", env, "boolean") == [True, True, False]
    assert run("if has(x) then x > 2 else true_value > 0", make_env(
        x=column([1, 2, 3], 0, [False, True, False]), true_value=column([1, 1, 1])),
        "boolean") == [False, True, True]


# -- int64 overflow: exact through object arrays


def test_products_of_big_values_stay_exact() -> None:
    env = make_env(a=column([10**14, -(10**14), 3]))
    assert run("a * a * a", env) == [Fraction(10**42), Fraction(-(10**42)), 27]
    assert run("a * a * a * a / (a * a * a) + 0", env) == [10**14, -(10**14), 3]
    assert run("a * a + 1 > a * a", env, "boolean") == [True, True, True]
    value = evaluate(check("a * a / a", {"a"}), env)
    assert isinstance(value, NumberValue)
    assert value.num.dtype == np.int64  # back to int64 once the values fit


def test_int64_extremes() -> None:
    top, bottom = 2**63 - 1, -(2**63)
    env = make_env(a=column([top, bottom, 0], 0), b=column([top, bottom, 1], 3))
    assert run("-a", env) == [-top, -bottom, 0]
    assert run("a + a", env) == [2 * top, 2 * bottom, 0]
    assert run("abs(a) - 1", env) == [top - 1, -bottom - 1, -1]
    assert run("a * b", env) == [Fraction(top * top, 1000), Fraction(bottom * bottom, 1000), 0]
    assert run("cluster_sum(a) + cluster_max(b)", make_env(
        [0, 0, 1], a=column([top, top, bottom]), b=column([top, bottom, 1], 3))) == [
        2 * top + Fraction(top, 1000), 2 * top + Fraction(top, 1000),
        bottom + Fraction(1, 1000)]


# -- missing values and division by zero


def test_missing_is_an_error_naming_unit_name_and_fix() -> None:
    env = make_env(a=column([1, 2, 3]), b=column([1, 0, 5], 0, [False, True, False]))
    e = failure("a + b * 2", env)
    assert e.kind == "missing" and e.unit == "U2"
    assert e.message == ("unit U2: 'b' is missing where `b * 2` (column 5) needs a value; "
                         "guard it with has(b) or coalesce(b, 0)")
    assert e.column == 5
    assert run("a + coalesce(b, 0) * 2", env) == [3, 2, 13]
    assert run("if has(b) then a + b else a", env) == [2, 2, 8]
    e = failure("b", env)
    assert "unit U2: 'b' is missing, so the formula has no value" in e.message


def test_division_by_zero_only_where_needed() -> None:
    env = make_env(n=column([10, 20, 30]), d=column([2, 0, 3]))
    e = failure("n / d + 1", env)
    assert (e.kind, e.unit) == ("division", "U2")
    assert e.message == "unit U2: division by zero in `n / d` (column 3) of `n / d + 1`"
    assert run("if d == 0 then 0 else n / d", env) == [5, 0, 10]
    assert run("n / d", env, live=[True, False, True]) == [5, None, 10]
    assert run("d != 0 and n / d > 4", env, "boolean") == [True, False, True]
    assert run("coalesce(n, n / d)", env) == [10, 20, 30]


def test_the_first_unit_in_order_is_reported() -> None:
    # Unit U1 fails later in the formula than U2 does; U1 is still the one reported.
    env = make_env(a=column([1, 0]), b=column([0, 1], 0, [False, False]))
    e = failure("1 / b + 1 / a", env)
    assert (e.kind, e.unit) == ("division", "U1")
    env = make_env(a=column([1, 0]), b=column([0, 1], 0, [True, False]))
    assert (failure("1 / a + b", env).kind, failure("1 / a + b", env).unit) == ("missing", "U1")


def test_clamp_with_crossed_bounds() -> None:
    env = make_env(x=column([1, 2]), lo=column([0, 5]), hi=column([3, 4]))
    e = failure("clamp(x, lo, hi)", env)
    assert (e.kind, e.unit) == ("bounds", "U2")


# -- aggregates


def test_cluster_aggregates_ignore_missing_values() -> None:
    env = make_env([0, 0, 0, 1, 1, 2], x=column([3, 7, 5, 4, 0, 9], 0,
                                                [False, False, True, False, True, True]))
    assert run("coalesce(cluster_max(x), -1)", env) == [7, 7, 7, 4, 4, -1]
    assert run("coalesce(cluster_min(x), -1)", env) == [3, 3, 3, 4, 4, -1]
    assert run("coalesce(cluster_sum(x), -1)", env) == [10, 10, 10, 4, 4, -1]
    assert run("coalesce(cluster_mean(x), -1)", env) == [5, 5, 5, 4, 4, -1]
    assert run("cluster_count(x)", env) == [2, 2, 2, 1, 1, 0]
    assert run("all_max(x) + all_min(x) + all_count(x)", env) == [7 + 3 + 3] * 6
    assert run("all_sum(x) / all_mean(x)", env) == [3] * 6
    e = failure("cluster_max(x)", env)
    assert (e.kind, e.unit) == ("missing", "U6")
    assert "`cluster_max(x)` has no value (no unit of the cluster has one)" in e.message


def test_cluster_mean_is_exact() -> None:
    env = make_env([0, 0, 0, 1], x=column([1, 1, 2, 5], 1))
    assert run("cluster_mean(x)", env) == [Fraction(4, 30)] * 3 + [Fraction(1, 2)]
    assert run("x - cluster_mean(x)", env) == [Fraction(-1, 30), Fraction(-1, 30),
                                              Fraction(2, 30), 0]


def test_aggregates_see_every_unit_whatever_branch_it_takes() -> None:
    env = make_env([0, 0, 0], a=column([1, 9, 9]), b=column([100, 1, 2]))
    # U1 takes the else branch, yet its b is the cluster's max that U2 and U3 see.
    assert run("if a > 5 then cluster_max(b) else 0", env) == [0, 100, 100]


def test_an_aggregate_fails_for_its_members_error() -> None:
    env = make_env([0, 0, 1], n=column([1, 2, 3]), d=column([1, 0, 1]))
    e = failure("cluster_max(n / d)", env)
    assert (e.kind, e.unit) == ("division", "U2")
    assert "(needed for unit U1)" in e.message
    # Another cluster's units are unaffected.
    assert run("cluster_max(n / d)", env, live=[False, False, True]) == [None, None, 3]
    assert run("cluster_max(if d == 0 then 0 else n / d)", env) == [1, 1, 3]


def test_ties_and_which_unit_supplied_the_max() -> None:
    env = make_env([0, 0, 0, 1], x=column([5, 8, 8, 1]))
    program = check("x / cluster_max(x) * 10", {"x"})
    lines = explain(program, env, 0)
    assert "cluster_max(x) = 8 (from unit U2)" in lines
    assert "exact value before rounding: 6.25" in lines[-1]
    low = explain(check("cluster_min(x) + 0", {"x"}), env, 3)
    assert "cluster_min(x) = 1 (from unit U4)" in low


def test_aggregate_of_fractions_with_many_denominators() -> None:
    primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47]
    env = make_env([0] * 10 + [1] * 5, p=column(primes))
    got = run("cluster_sum(1 / p)", env)
    first = sum(Fraction(1, p) for p in primes[:10])
    second = sum(Fraction(1, p) for p in primes[10:])
    assert got == [first] * 10 + [second] * 5
    assert run("cluster_max(1 / p) - cluster_min(1 / p)", env) == (
        [Fraction(1, 2) - Fraction(1, 29)] * 10 + [Fraction(1, 31) - Fraction(1, 47)] * 5)


# -- hostile values: a clear error, quickly


def test_a_chain_of_multiplications_that_would_blow_up() -> None:
    env = make_env(a=column([1, 10**14]))
    start = time.perf_counter()
    e = failure(" * ".join(["a"] * 60), env)
    assert time.perf_counter() - start < 2
    assert (e.kind, e.unit) == ("too-large", "U2")
    assert "exceeds 10**120" in e.message
    assert run(" * ".join(["a"] * 8), env) == [1, 10**112]


def test_a_sum_whose_common_denominator_would_blow_up() -> None:
    primes = [p for p in range(2, 3000) if all(p % q for q in range(2, int(p**0.5) + 1))]
    env = make_env(p=column(primes))
    start = time.perf_counter()
    e = failure("cluster_sum(1 / p)", env)
    assert time.perf_counter() - start < 2
    assert (e.kind, e.unit) == ("too-large", "U1")


def test_repeated_division_is_stopped() -> None:
    env = make_env(a=column([3]))
    e = failure("a" + " / 7" * 150, env)  # 7**150 > 10**120
    assert e.kind == "too-large"


# -- live, env and explain


def test_live_units_only() -> None:
    env = make_env(a=column([1, 2, 3]), b=column([0, 0, 0], 0, [True, False, True]))
    assert run("a + b", env, live=[False, True, False]) == [None, 2, None]
    value = evaluate(check("a > 1", {"a"}, "boolean"), env, np.array([True, False, True]))
    assert isinstance(value, BooleanValue)
    assert value.missing.tolist() == [False, True, False]
    assert value.value[[0, 2]].tolist() == [False, True]


def test_a_column_the_data_lacks() -> None:
    program = check("a + zz", {"a", "zz"})
    with pytest.raises(FormulaError) as caught:
        evaluate(program, make_env(a=column([1])))
    assert caught.value.kind == "data" and "zz" in caught.value.message


def test_explain_the_target_criterion() -> None:
    program = check(TARGET, {"thu_ngan_sach", "chi_tieu"})
    lines = explain(program, target_env(), 3)
    assert lines == [
        f"unit U4: {TARGET}",
        "with its values: if 100 >= 99 then 10 + min(0.5 * 100 * (100 - 99) / 99, 2) "
        "else 10 * 100 / 99",
        "if thu_ngan_sach >= chi_tieu (column 1): true, so 'then'",
        "exact value before rounding: 1040/99",
    ]
    assert explain(program, target_env(), 2)[2] == (
        "if thu_ngan_sach >= chi_tieu (column 1): false, so 'else'")
    assert explain(program, target_env(), 1)[-1] == "exact value before rounding: 10.5"


def test_explain_shows_the_error_a_unit_meets() -> None:
    env = make_env(n=column([1, 2]), d=column([1, 0], 0, [False, True]))
    lines = explain(check("n / d", {"n", "d"}), env, 1)
    assert lines[1] == "with its values: 2 / missing"
    assert lines[-1].startswith("error: unit U2: 'd' is missing")
    assert explain(check("n / d", {"n", "d"}), env, 0)[-1] == "exact value before rounding: 1"


def test_the_deepest_formula_allowed_evaluates() -> None:
    # 199 operators in a chain and nested calls: as deep as the limits allow, no RecursionError.
    env = make_env([0, 1], a=column([1, 2]))
    chain = "a" + " - a * 1" * 99 + " + abs(" * 1 + "a)"
    assert run(chain, env) == [-97, -194]
    nested = "min(" * 60 + "a" + ", a)" * 60 + " / cluster_max(a)" * 1
    assert run(nested, env) == [1, 1]
    program = check(chain, {"a"})
    assert explain(program, env, 1)[-1] == "exact value before rounding: -194"
