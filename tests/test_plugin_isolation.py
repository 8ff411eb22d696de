"""A scorer that fails or breaks its contract stops the run with one message naming the
plugin, its version, the criterion and the unit, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from attrs import frozen
from click.testing import CliRunner

import emuscore
from emuscore import plugin
from emuscore.cli import main
from emuscore.plugin import Indicator, ScoreContext, Scorer
from emuscore.testing import PluginSandbox

CRITERION = 'scorer = "bad"\nmax = 10\nvalue = "v"'
TABLE = "unit_id,v\nu1,1\nu2,2\nu3,0\nu4,4"
WHO = "plugin test:bad unversioned, scorer bad, criterion c"


@frozen
class Params:
    value: Indicator


def batch(score: Callable[[ScoreContext], Any]) -> Scorer:
    """A batch scorer named "bad" whose score is the given function."""
    cls = type("Bad", (Scorer,), {"name": "bad", "Params": Params, "score": lambda self, ctx: score(ctx)})
    scorer: Scorer = cls()
    return scorer


def failure(sandbox: PluginSandbox, scorer: Scorer) -> str:
    sandbox.register(scorer)
    with pytest.raises(emuscore.PluginError) as error:
        sandbox.points(CRITERION, TABLE)
    return str(error.value)


def test_an_exception_names_the_unit_it_fails_on(emuscore_plugins: PluginSandbox) -> None:
    def divide(ctx: ScoreContext) -> Any:
        values = ctx.column("value").values.tolist()
        return np.array([100 // v for v in values])

    assert failure(emuscore_plugins, batch(divide)) == \
        f"{WHO}, unit u3: failed with ZeroDivisionError: integer division or modulo by zero"


def test_an_exception_on_no_single_unit_names_the_units_together(emuscore_plugins: PluginSandbox) -> None:
    def needs_company(ctx: ScoreContext) -> Any:
        if ctx.size == 4:
            raise RuntimeError("the cluster is too big")
        return np.zeros(ctx.size, np.int64)

    assert failure(emuscore_plugins, batch(needs_company)) == (
        f"{WHO}, units u1 to u4 (it fails on them together, on neither half alone): failed with "
        "RuntimeError: the cluster is too big")


def test_a_list_instead_of_an_array_is_caught(emuscore_plugins: PluginSandbox) -> None:
    assert failure(emuscore_plugins, batch(lambda ctx: [0] * ctx.size)) == \
        f"{WHO}, unit u1: returned a list, not a numpy array of 4 integers, one per unit"


def test_floats_are_caught(emuscore_plugins: PluginSandbox) -> None:
    assert failure(emuscore_plugins, batch(lambda ctx: np.full(ctx.size, 0.5))) == (
        f"{WHO}, unit u1: returned 0.5 (float64 values); scores must be exact "
        "integers of 10^-2 points, never floats")


def test_a_decimal_inside_an_exact_array_is_caught(emuscore_plugins: PluginSandbox) -> None:
    def mixed(ctx: ScoreContext) -> Any:
        return np.array([1, 2, Decimal("0.5"), 4], dtype=object)

    assert failure(emuscore_plugins, batch(mixed)) == (
        f"{WHO}, unit u3: returned Decimal('0.5') (Decimal); scores must be exact integers of "
        "10^-2 points, never floats")


def test_too_few_values_are_caught(emuscore_plugins: PluginSandbox) -> None:
    assert failure(emuscore_plugins, batch(lambda ctx: np.zeros(3, np.int64))) == (
        f"{WHO}, unit u4: returned an array of shape (3,) for 4 units; expected one value per "
        "unit, in unit order")


def test_too_many_values_are_caught(emuscore_plugins: PluginSandbox) -> None:
    assert failure(emuscore_plugins, batch(lambda ctx: np.zeros(5, np.int64))) == (
        f"{WHO}, unit u1: returned an array of shape (5,) for 4 units; expected one value per "
        "unit, in unit order")


def test_a_value_out_of_range_is_caught(emuscore_plugins: PluginSandbox) -> None:
    def too_much(ctx: ScoreContext) -> Any:
        return ctx.column("value").values * 300

    assert failure(emuscore_plugins, batch(too_much)) == \
        f"{WHO}, unit u4: gave 12.00 points, outside the criterion's range 0.00..10.00"


@plugin.scorer(name="bad", params=Params)
def raises(params: Params, values: Any, max: Decimal) -> Decimal:
    return max / values["value"]


def test_a_per_unit_exception_names_its_unit(emuscore_plugins: PluginSandbox) -> None:
    assert failure(emuscore_plugins, raises) == f"{WHO}, unit u3: DivisionByZero in Decimal arithmetic"


def test_a_per_unit_float_is_caught(emuscore_plugins: PluginSandbox) -> None:
    @plugin.scorer(name="bad", params=Params)
    def floating(params: Params, values: Any, max: Decimal) -> Any:
        return float(values["value"]) / 3

    assert failure(emuscore_plugins, floating) == (
        f"{WHO}, unit u1: returned the float 0.3333333333333333; return a Decimal, int or "
        "Fraction, so that no binary rounding touches the score")


def test_a_float_mixed_into_decimal_arithmetic_is_caught(emuscore_plugins: PluginSandbox) -> None:
    @plugin.scorer(name="bad", params=Params)
    def mixing(params: Params, values: Any, max: Decimal) -> Any:
        return Decimal(0.1) * values["value"]  # noqa: RUF032  (the mistake under test)

    assert failure(emuscore_plugins, mixing) == (
        f"{WHO}, unit u1: a float was mixed into Decimal arithmetic (FloatOperation); use "
        "Decimal('0.5'), never 0.5")


def test_a_per_unit_value_out_of_range_is_caught(emuscore_plugins: PluginSandbox) -> None:
    @plugin.scorer(name="bad", params=Params)
    def too_much(params: Params, values: Any, max: Decimal) -> Any:
        return values["value"] * 3

    assert failure(emuscore_plugins, too_much) == \
        f"{WHO}, unit u4: gave 12.00 points, outside the criterion's range 0.00..10.00"


def test_a_failing_plugin_leaves_no_output_file(emuscore_plugins: PluginSandbox, tmp_path: Path) -> None:
    emuscore_plugins.register(raises)
    (tmp_path / "rs.toml").write_text(
        '[ruleset]\nid = "t"\ntitle = "t"\nversion = "1"\n[[groups]]\nid = "g"\nmax = 10\n'
        f'[[criteria]]\nid = "c"\ngroup = "g"\n{CRITERION}\n[ranking]\norder = ["unit_id asc"]\n',
        encoding="utf-8")
    (tmp_path / "data.csv").write_text("unit_id,name,cluster_id,v\nu1,a,1,1\nu3,b,1,0\n",
                                       encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(tmp_path / "rs.toml"), str(tmp_path / "data.csv"),
                                       "--out", str(tmp_path / "out.csv")])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {WHO}, unit u3: DivisionByZero")
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "rs.toml"]
