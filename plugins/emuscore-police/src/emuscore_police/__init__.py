"""emuscore scorers for the police (khối công an), written with emuscore's batch API:
each scorer works on whole columns of exact fixed-point integers.

- `case_clearance`: criminal cases solved against cases detected (tỷ lệ điều tra,
  khám phá án), against a target rate;
- `reduction`: lower is better, against last year: traffic accidents, deaths and
  injuries (kiềm chế, kéo giảm tai nạn giao thông), crimes against public order,
  each against a target reduction in percent (fixed, or each unit's own);
- the eligibility gate `no_serious_misconduct`: no officer criminally prosecuted and
  the unit not disciplined as a collective this year.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Literal

import numpy as np
from attrs import field, frozen

from emuscore.plugin import (
    Criterion,
    Dataset,
    EligibilityGate,
    Indicator,
    IntArray,
    ScoreContext,
    Scorer,
    as_int,
    decimals_of,
    hookimpl,
    param_scale,
)

__version__ = "1.0.0"


def _percent(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and not Decimal(0) <= value <= 100:
        raise ValueError(f"{attribute.name} is a percentage, from 0 to 100")


def _counts(ctx: ScoreContext[Any], *params: str) -> list[IntArray]:
    """The named count columns at one scale; a negative count is a data error."""
    columns = [ctx.column(p) for p in params]
    scale = max(c.scale for c in columns)
    values = [c.at_scale(scale) for c in columns]
    for param, v in zip(params, values, strict=True):
        ctx.refuse(v < 0, f"'{getattr(ctx.params, param)}' is negative; a count cannot be")
    return values


# --- case_clearance --------------------------------------------------------------------

@frozen
class ClearanceParams:
    solved: Indicator
    detected: Indicator
    target: Decimal = field(validator=_percent)
    """The target clearance rate in percent, e.g. 75 (90 for very serious cases)."""
    no_cases: Literal["full", "zero"] = "full"
    """Points for a unit with no case detected: full (nothing left unsolved) or zero."""


class CaseClearance(Scorer[ClearanceParams]):
    name = "case_clearance"
    Params = ClearanceParams
    description = "cases solved / cases detected against a target rate, in proportion below it"

    def counts(self, ctx: ScoreContext[ClearanceParams]) -> tuple[IntArray, IntArray]:
        solved, detected = _counts(ctx, "solved", "detected")
        ctx.refuse(solved > detected, "more cases solved than detected; check "
                   f"'{ctx.params.solved}' and '{ctx.params.detected}'")
        return solved, detected

    def score(self, ctx: ScoreContext[ClearanceParams]) -> IntArray:
        p: ClearanceParams = ctx.params
        k = param_scale(ctx.criterion.most, p.target)
        ms, t = as_int(ctx.criterion.most, k), as_int(p.target, k)
        solved, detected = ctx.fit(ms * 100 * max(t, 1) * 10**k, *self.counts(ctx))
        full = ctx.units(ctx.criterion.most)
        # rate >= target  <=>  solved * 100 >= target * detected, with no division
        met = solved * 100 * 10**k >= detected * t
        # below: max * (solved * 100 / detected) / target, as one fraction
        below = ctx.divide(ms * 100 * solved, np.where(detected == 0, 1, detected) * t)
        none = full if p.no_cases == "full" else 0
        points: IntArray = np.where(detected == 0, none, np.where(met, full, below))
        return points

    def explain(self, ctx: ScoreContext[ClearanceParams], unit: int) -> list[str]:
        p: ClearanceParams = ctx.params
        solved, detected = (ctx.columns[getattr(p, f)].decimal(unit) for f in ("solved", "detected"))
        if not detected:
            return [f"no case detected: {'full points' if p.no_cases == 'full' else 'no points'}"]
        if solved is not None and solved * 100 >= p.target * detected:
            return [f"{solved} of {detected} cases solved, at or above the target {p.target}%: "
                    f"{ctx.criterion.most}"]
        return [f"{solved} of {detected} cases solved, below the target {p.target}%: "
                f"{ctx.criterion.most} x {solved} x 100 / ({detected} x {p.target})"]


# --- reduction -------------------------------------------------------------------------

@frozen
class ReductionParams:
    current: Indicator
    """This year's count (accidents, deaths, injuries, crimes)."""
    previous: Indicator
    """Last year's count."""
    target: Decimal | None = field(default=None, validator=_percent)
    """The reduction wanted, in percent of last year (0: no increase)."""
    unit_target: Indicator | None = None
    """Or: an indicator holding each unit's own target reduction, in percent."""


class Reduction(Scorer[ReductionParams]):
    name = "reduction"
    Params = ReductionParams
    description = ("lower is better, against last year: full points for the target reduction, "
                   "in proportion for less, none for an increase")

    def check(self, criterion: Criterion) -> list[str]:
        p = self.params_of(criterion)
        if (p.target is None) == (p.unit_target is None):
            return ["give either target (a reduction in percent for every unit) or unit_target "
                    "(an indicator with each unit's own)"]
        return []

    def targets(self, ctx: ScoreContext[ReductionParams]) -> tuple[IntArray, int]:
        """Each unit's target reduction as integers of 10**-tk percent, and tk."""
        p: ReductionParams = ctx.params
        if p.target is not None:
            tk = decimals_of(p.target)
            return np.full(ctx.size, as_int(p.target, tk), np.int64), tk
        column = ctx.column("unit_target")
        ctx.refuse((column.values < 0) | (column.values > 100 * 10**column.scale),
                   f"target reduction '{p.unit_target}' must be a percentage from 0 to 100")
        return column.values, column.scale

    def score(self, ctx: ScoreContext[ReductionParams]) -> IntArray:
        k = param_scale(ctx.criterion.most)
        ms = as_int(ctx.criterion.most, k)
        target, tk = self.targets(ctx)
        current, previous = _counts(ctx, "current", "previous")
        current, previous, target = ctx.fit(ms * 100 * 10**tk * max(int(target.max()), 1),
                                            current, previous, target)
        full = ctx.units(ctx.criterion.most)
        cut = previous - current
        # cut / previous * 100 >= target  <=>  cut * 100 * 10**tk >= target * previous
        met = cut * 100 * 10**tk >= target * previous
        den = previous * target
        # below target: max * (cut * 100 / previous) / target, as one fraction
        below = ctx.divide(ms * 100 * 10**tk * cut, np.where(den == 0, 1, den), k)
        points: IntArray = np.where(
            previous == 0, np.where(current == 0, full, 0),
            np.where(met, full, np.where(cut <= 0, 0, below)))
        return points

    def explain(self, ctx: ScoreContext[ReductionParams], unit: int) -> list[str]:
        p: ReductionParams = ctx.params
        current = ctx.columns[p.current].decimal(unit)
        previous = ctx.columns[p.previous].decimal(unit)
        target = p.target if p.target is not None else ctx.columns[p.unit_target or ""].decimal(unit)
        steps = [f"{p.current} = {current} against {p.previous} = {previous}, "
                 f"target reduction {target}%"]
        if not previous:
            steps.append("none last year: full points if none this year, else none")
        elif current is not None and current >= previous:
            steps.append("no reduction: no points")
        elif current is not None and target is not None and \
                (previous - current) * 100 >= target * previous:
            steps.append(f"target reached: {ctx.criterion.most}")
        else:
            steps.append(f"below target: {ctx.criterion.most} x ({previous} - {current}) x 100 / "
                         f"({previous} x {target})")
        return steps


# --- the gate --------------------------------------------------------------------------

MISCONDUCT = ("officers_prosecuted", "collective_disciplined")


def no_serious_misconduct(data: Dataset) -> Sequence[str | None]:
    """Fails a unit with an officer criminally prosecuted or a collective discipline this year."""
    verdicts: list[str | None] = []
    for i in range(data.size):
        reasons = []
        for indicator in MISCONDUCT:
            value = data.indicators[indicator].decimal(i)
            if value is None:
                reasons.append(f"{indicator} is missing (enter 0 if none)")
            elif value > 0:
                reasons.append(f"{indicator} = {value}")
        verdicts.append("; ".join(reasons) or None)
    return verdicts


@hookimpl
def register_scorers(register: Callable[[Scorer[Any]], None]) -> None:
    register(CaseClearance())
    register(Reduction())


@hookimpl
def register_gates(register: Callable[[EligibilityGate], None]) -> None:
    register(EligibilityGate(
        "no_serious_misconduct", no_serious_misconduct, MISCONDUCT,
        "no officer criminally prosecuted and no collective discipline this year"))
