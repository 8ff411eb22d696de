"""The per-unit scorer API: a function on Decimal values, rounded once by the engine,
exactly, with the ruleset's mode; parameters checked at load time like a built-in's."""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from attrs import frozen
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import emuscore
from emuscore import plugin
from emuscore.plugin import Indicator
from emuscore.testing import PluginSandbox

ORACLE = decimal.Context(prec=200, traps=[decimal.InvalidOperation, decimal.DivisionByZero])
MODES = {"half-up": decimal.ROUND_HALF_UP, "half-even": decimal.ROUND_HALF_EVEN,
         "down": decimal.ROUND_DOWN, "up": decimal.ROUND_UP}


@frozen
class RatioParams:
    actual: Indicator
    target: Indicator
    weight: Decimal = Decimal(1)


@plugin.scorer(name="ratio", params=RatioParams)
def ratio(params: RatioParams, values: Any, max: Decimal) -> Decimal:
    """max x weight x actual / target, at most max."""
    value: Decimal = min(max * params.weight * values["actual"] / values["target"], max)
    return value


@plugin.scorer(name="thirds", params=RatioParams)
def thirds(params: RatioParams, values: Any, max: Decimal) -> Fraction:
    return Fraction(values["actual"]) / 3


def ratio_criterion(max_: Decimal, weight: Decimal) -> dict[str, Any]:
    return {"scorer": "ratio", "max": max_, "actual": "a", "target": "t", "weight": weight}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.decimals(min_value=0, max_value=10**6, places=3),
                          st.decimals(min_value=Decimal("0.001"), max_value=10**6, places=3)),
                min_size=1, max_size=10),
       st.sampled_from(list(MODES)), st.integers(0, 4),
       st.sampled_from([Decimal(1), Decimal(3), Decimal(7)]))
def test_the_engine_rounds_the_functions_value_once_with_the_rulesets_mode(
        emuscore_plugins: PluginSandbox, units: list[tuple[Decimal, Decimal]], mode: str, scale: int,
        max_: Decimal) -> None:
    emuscore_plugins.register(ratio)
    points = emuscore_plugins.points(ratio_criterion(max_, Decimal("0.5")),
                                     [{"unit_id": f"u{i}", "a": a, "t": t} for i, (a, t) in enumerate(units)],
                                     scale=scale, rounding=mode)
    quantum = Decimal(1).scaleb(-scale)
    expected = {f"u{i}": min(ORACLE.divide(max_ * Decimal("0.5") * a, t), max_).quantize(
        quantum, rounding=MODES[mode]) for i, (a, t) in enumerate(units)}
    assert points == expected


def test_a_half_cent_rounds_by_the_mode(emuscore_plugins: PluginSandbox) -> None:
    emuscore_plugins.register(ratio)
    table = "unit_id,a,t\nA,1,8"          # 1 x 1 / 8 = 0.125
    got = {mode: emuscore_plugins.points(ratio_criterion(Decimal(1), Decimal(1)), table,
                                         rounding=mode)["A"] for mode in MODES}
    assert got == {"half-up": Decimal("0.13"), "half-even": Decimal("0.12"),
                   "down": Decimal("0.12"), "up": Decimal("0.13")}


def test_a_fraction_is_rounded_exactly(emuscore_plugins: PluginSandbox) -> None:
    emuscore_plugins.register(thirds)
    points = emuscore_plugins.points({"scorer": "thirds", "max": 10, "actual": "a", "target": "a"},
                                     "unit_id,a\nA,1\nB,2", rounding="half-up")
    assert points == {"A": Decimal("0.33"), "B": Decimal("0.67")}


def test_parameters_are_checked_at_load_time_with_file_and_line(emuscore_plugins: PluginSandbox) -> None:
    emuscore_plugins.register(ratio)
    text = ('[ruleset]\nid = "t"\ntitle = "t"\nversion = "1"\n\n[[groups]]\nid = "g"\nmax = 10\n\n'
            '[[criteria]]\nid = "r"\ngroup = "g"\nscorer = "ratio"\nmax = 5\nactual = "a"\n'
            'target = "t"\nweigth = 2\n\n[ranking]\norder = ["total desc"]\n')
    with pytest.raises(emuscore.RulesetError) as error:
        emuscore_plugins.ruleset(text)
    assert [str(p) for p in error.value.problems] == [
        "<test ruleset>:17: criteria[0] (r).weigth: unknown key 'weigth'; did you mean 'weight'? "
        "(allowed: actual, group, id, max, scorer, target, title, weight)"]


def test_an_unknown_criterion_key_suggests_the_common_keys_too(emuscore_plugins: PluginSandbox) -> None:
    emuscore_plugins.register(ratio)
    text = ('[ruleset]\nid = "t"\ntitle = "t"\nversion = "1"\n\n[[groups]]\nid = "g"\nmax = 10\n\n'
            '[[criteria]]\nid = "r"\ngroup = "g"\nscorer = "ratio"\nmax = 5\nactual = "a"\n'
            'target = "t"\ntitel = "Tỷ lệ"\n\n[ranking]\norder = ["total desc"]\n')
    with pytest.raises(emuscore.RulesetError) as error:
        emuscore_plugins.ruleset(text)
    assert [str(p) for p in error.value.problems] == [
        "<test ruleset>:17: criteria[0] (r).titel: unknown key 'titel'; did you mean 'title'? "
        "(allowed: actual, group, id, max, scorer, target, title, weight)"]


def test_an_indicator_missing_from_the_data_is_reported_before_scoring(
        emuscore_plugins: PluginSandbox) -> None:
    emuscore_plugins.register(ratio)
    with pytest.raises(emuscore.DataError, match="criterion c: needs indicator 't'"):
        emuscore_plugins.points(ratio_criterion(Decimal(1), Decimal(1)), "unit_id,a\nA,1")


def test_params_must_be_an_attrs_class() -> None:
    class Plain:
        actual: str

    with pytest.raises(TypeError, match="params must be an attrs class"):
        plugin.scorer(name="plain", params=Plain)


def test_the_default_explanation_shows_the_inputs_and_the_exact_value(
        emuscore_plugins: PluginSandbox) -> None:
    emuscore_plugins.register(thirds)
    assert emuscore_plugins.explain({"scorer": "thirds", "max": 10, "actual": "a", "target": "a"},
                                    "unit_id,a\nA,1.5", "A") == [
        "thirds(actual = 1.5, target = 1.5)", "= 0.5 before rounding"]


def test_a_deduction_and_custom_bounds(emuscore_plugins: PluginSandbox) -> None:
    @plugin.scorer(name="late", params=RatioParams, role="deduction")
    def late(params: RatioParams, values: Any, max: Decimal) -> Decimal:
        return -min(values["actual"] * Decimal("0.5"), max)

    @plugin.scorer(name="boosted", params=RatioParams,
                     bounds=lambda params, max: (Decimal(0), max + 1))
    def boosted(params: RatioParams, values: Any, max: Decimal) -> Decimal:
        return max + 1

    emuscore_plugins.register(late, boosted)
    table = "unit_id,a\nA,3\nB,20"
    assert emuscore_plugins.points({"scorer": "late", "max": 3, "actual": "a", "target": "a"},
                                   table) == {"A": Decimal("-1.50"), "B": Decimal("-3.00")}
    assert emuscore_plugins.points({"scorer": "boosted", "max": 3, "actual": "a", "target": "a"},
                                   table) == {"A": Decimal("4.00"), "B": Decimal("4.00")}


def test_the_decorated_function_can_still_be_called() -> None:
    params = RatioParams(actual="a", target="t")  # type: ignore[arg-type]
    assert ratio(params, {"actual": Decimal(1), "target": Decimal(4)}, Decimal(2)) == Decimal("0.5")
    assert ratio.description == "max x weight x actual / target, at most max."
