"""The per-unit scorer API: a plain function on `Decimal` values, for authors who
would rather not think in columns::

    @frozen
    class PassRateParams:
        passed: Indicator
        candidates: Indicator

    @emuscore.scorer(name="pass_rate", params=PassRateParams)
    def pass_rate(params, values, max):
        return max * values["passed"] / values["candidates"]

The engine calls the function once per unit with the criterion's parameters, the
unit's indicator values by parameter name (a `Decimal`, or None when missing) and
the criterion's `max`. It may return a `Decimal`, an `int` or a `Fraction`; never a
float. The engine rounds that value once, exactly, to the ruleset's scale with the
ruleset's rounding mode, the same rounding the batch scorers use.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

import attrs
import numpy as np

from emuscore.exact import INT64_ROOM, IntArray, format_units, max_abs
from emuscore.model import Criterion
from emuscore.problems import DataError
from emuscore.scoring import Role, ScoreContext, Scorer, UnitFault
from emuscore.structure import indicator_fields

Values = Mapping[str, Decimal | None]
UnitFunction = Callable[[Any, Values, Decimal], Decimal | int | Fraction]
ExplainFunction = Callable[[Any, Values, Decimal], list[str]]
BoundsFunction = Callable[[Any, Decimal], tuple[Decimal, Decimal]]

# Sixty digits, and a float mixed into Decimal arithmetic is an error instead of a
# silent conversion. Divide last (max * a / t, not a / t * max): one division to
# sixty digits cannot move a value across a rounding boundary of the scale.
AUTHOR_CONTEXT = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN, traps=[
    decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow, decimal.FloatOperation])


class UnitScorer(Scorer[Any]):
    """A scorer made by `@emuscore.scorer` from a per-unit function. Calling it calls the
    function, so it can be tested like one."""

    def __init__(self, function: UnitFunction, explain: ExplainFunction | None,
                 bounds: BoundsFunction | None) -> None:
        self.function = function
        self.explainer = explain
        self.bounder = bounds
        self.__wrapped__ = function

    def __call__(self, params: Any, values: Values, max: Decimal) -> Decimal | int | Fraction:
        return self.function(params, values, max)

    def __repr__(self) -> str:
        return f"<per-unit scorer {self.name!r} ({self.function.__module__}.{self.function.__qualname__})>"

    def bounds(self, criterion: Criterion) -> tuple[Decimal | None, Decimal]:
        if self.bounder is None:
            return super().bounds(criterion)
        return self.bounder(criterion.params, criterion.most)

    def unit_values(self, ctx: ScoreContext[Any],
                    units: range | None = None) -> list[dict[str, Decimal | None]]:
        """The units' indicator values by parameter name (all units, in order, by default)."""
        columns = []
        for field, indicator in self.inputs(ctx.params).items():
            col = ctx.columns[indicator]
            columns.append((field, col.values.tolist(), col.missing.tolist(), col.scale))
        return [{field: None if missing[i] else Decimal(values[i]).scaleb(-scale)
                 for field, values, missing, scale in columns} for i in units or range(ctx.size)]

    def exact(self, ctx: ScoreContext[Any], unit: int, values: Values) -> tuple[int, int]:
        """The function's value for one unit as an exact (numerator, denominator), checked.
        Call it inside `decimal.localcontext(AUTHOR_CONTEXT)`."""
        unit_id = ctx.unit_ids[unit]
        try:
            value = self.function(ctx.params, values, ctx.criterion.most)
        except DataError as e:
            raise DataError([attrs.evolve(p, message=f"unit {unit_id}: {p.message}",
                                          where=p.where or f"criterion {ctx.criterion.id}")
                             for p in e.problems]) from None
        except decimal.FloatOperation as e:
            raise UnitFault(unit_id, "a float was mixed into Decimal arithmetic "
                            f"({type(e).__name__}); use Decimal('0.5'), never 0.5") from e
        except decimal.DecimalException as e:
            raise UnitFault(unit_id, f"{type(e).__name__} in Decimal arithmetic") from e
        except Exception as e:
            raise UnitFault(unit_id, f"{type(e).__name__}: {e}") from e
        if isinstance(value, Decimal) and value.is_finite():
            return value.as_integer_ratio()
        if isinstance(value, int | Fraction) and not isinstance(value, bool):
            return value.numerator, value.denominator
        if isinstance(value, float):
            raise UnitFault(unit_id, f"returned the float {value!r}; return a Decimal, int or "
                            "Fraction, so that no binary rounding touches the score")
        raise UnitFault(unit_id, f"returned {value!r} ({type(value).__name__}); return a finite "
                        "Decimal, an int or a Fraction")

    def score(self, ctx: ScoreContext[Any]) -> IntArray:
        with decimal.localcontext(AUTHOR_CONTEXT):
            exact = [self.exact(ctx, i, values) for i, values in enumerate(self.unit_values(ctx))]
        num = np.array([n for n, _ in exact], dtype=object)
        den = np.array([d for _, d in exact], dtype=object)
        points = ctx.divide(num, den)
        if max_abs(points) < INT64_ROOM:
            return points.astype(np.int64)
        return points

    def explain(self, ctx: ScoreContext[Any], unit: int) -> list[str]:
        (values,) = self.unit_values(ctx, range(unit, unit + 1))
        with decimal.localcontext(AUTHOR_CONTEXT):
            if self.explainer is not None:
                steps = list(self.explainer(ctx.params, values, ctx.criterion.most))
            else:
                steps = [f"{self.name}({', '.join(f'{k} = {v}' for k, v in values.items())})"]
            num, den = self.exact(ctx, unit, values)
        steps.append(f"= {_shown(Fraction(num, den))} before rounding")
        return steps


def _shown(value: Fraction) -> str:
    """A Fraction as a decimal when it is a short one (0.505), the first 12 decimals and
    "..." when it is a long one (a Decimal division's 60 digits), else as n/d."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    if places > 12:
        return format_units(value.numerator * 10**12 // value.denominator, 12) + "..."
    return format_units(value.numerator * 10**places // value.denominator, places)


def scorer(*, name: str, params: type, role: Role = "points", description: str = "",
           explain: ExplainFunction | None = None,
           bounds: BoundsFunction | None = None) -> Callable[[UnitFunction], UnitScorer]:
    """Make a per-unit function into a scorer to `register` in `register_scorers`.

    `name` is what a ruleset's `scorer = "..."` names; `params` is an attrs class
    whose fields are the criterion's other keys (type `Indicator` for those naming
    data columns; they are checked, with file and line, before any unit is scored);
    `role` is "points", "deduction" or "bonus"; `explain(params, values, max)` may
    return the steps shown by `emuscore explain` (the exact value before rounding is added);
    `bounds(params, max)` gives the least and most points when they are not 0 and max
    (-max and 0 for a deduction), e.g. with a bonus over target. Raise `DataError`
    for a problem in a unit's data (a missing value, no candidates); the engine names
    the unit and the criterion."""
    if not attrs.has(params):
        raise TypeError(f"@emuscore.scorer(name={name!r}): params must be an attrs class "
                        "(decorate it with @attrs.frozen)")
    indicator_fields(params)   # fails now, not at load time, on a field type it cannot read

    def decorate(function: UnitFunction) -> UnitScorer:
        doc = (function.__doc__ or "").strip().splitlines()
        cls = type(f"UnitScorer_{name}", (UnitScorer,), {
            "name": name, "Params": params, "role": role,
            "description": description or (doc[0] if doc else "")})
        return cast(UnitScorer, cls(function, explain, bounds))

    return decorate
