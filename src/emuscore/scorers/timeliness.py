"""Timeliness of awards (the law's "timely"): three scorers.

- `award_on_time`: dossiers submitted by the deadline, `max * on_time / dossiers`, or from
  dates: a `submitted` date (or day number) against a `deadline`, full points when on
  time and `per_day_late` fewer for each day late.
- `award_processing_days`: days from achievement to decision (a `days` count, or the
  `achieved` and `decided` dates) against a `norm`: full within it, `max * norm / days`
  beyond.
- `award_grassroots_share`: share of awards going to front-line workers and grassroots
  units against a `target` share: full at or above it, `max * share / target` below.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

import numpy as np
from attrs import frozen

from emuscore.exact import Column, IntArray
from emuscore.hookspecs import hookimpl
from emuscore.model import Criterion
from emuscore.problems import DataError, Problem
from emuscore.scoring import ScoreContext, Scorer, as_int, param_scale
from emuscore.structure import Indicator


def _ratio(ctx: ScoreContext[Any], num: IntArray, den: IntArray, factor: Decimal,
           empty: str, empty_param: str) -> IntArray:
    """max * min(num / (den * factor), 1), one division; den == 0 handled by `empty`."""
    if (num < 0).any() or (den < 0).any():
        raise DataError(Problem("counts and days must not be negative",
                                where=f"criterion {ctx.criterion.id}"))
    zero = den == 0
    if empty == "error":
        ctx.refuse(zero, f"nothing to divide by; declare {empty_param} = \"full\" or \"zero\"")
    k = param_scale(ctx.criterion.most, factor)
    ms, f = as_int(ctx.criterion.most, k), as_int(factor, k)
    num, den = ctx.fit(ms * f + 1, num, den)
    safe = np.where(zero, 1, den)
    points = ctx.divide(np.minimum(ms * num * 10**k, ms * safe * f), safe * f, k)
    full = ctx.units(ctx.criterion.most) if empty == "full" else 0
    return np.where(zero, full, points)


def _shown(ctx: ScoreContext[Any], indicator: str, unit: int) -> str:
    """One unit's value for an explanation: a date as 2024-03-15, a number as written."""
    col = ctx.columns[indicator]
    if col.missing[unit]:
        return "missing"
    if col.kind == "date":
        return datetime.date.fromordinal(int(col.values[unit])).isoformat()
    return str(col.decimal(unit))


def _same_scale(a: Column, b: Column) -> tuple[IntArray, IntArray]:
    scale = max(a.scale, b.scale)
    return a.at_scale(scale), b.at_scale(scale)


@frozen
class OnTimeParams:
    dossiers: Indicator | None = None
    on_time: Indicator | None = None
    submitted: Indicator | None = None
    deadline: Indicator | None = None
    per_day_late: Decimal | None = None
    no_dossiers: Literal["error", "full", "zero"] = "error"


class AwardOnTime(Scorer[OnTimeParams]):
    threadsafe = True
    name = "award_on_time"
    Params = OnTimeParams
    description = "dossiers submitted by the deadline: a share of counts, or a date vs a deadline"
    date_inputs = ("submitted", "deadline")

    def check(self, criterion: Criterion) -> list[str]:
        p = self.params_of(criterion)
        counts = p.dossiers is not None and p.on_time is not None
        dates = p.submitted is not None and p.deadline is not None
        if counts == dates:
            return ["give either dossiers and on_time (counts) or submitted and deadline (dates)"]
        if dates and p.per_day_late is None:
            return ["with dates, per_day_late says how many points each day late costs"]
        return []

    def score(self, ctx: ScoreContext[OnTimeParams]) -> IntArray:
        p: OnTimeParams = ctx.params
        if p.dossiers is not None:
            on_time, dossiers = _same_scale(ctx.column("on_time"), ctx.column("dossiers"))
            ctx.refuse(on_time > dossiers, f"{p.on_time} exceeds {p.dossiers}")
            return _ratio(ctx, on_time, dossiers, Decimal(1), p.no_dossiers, "no_dossiers")
        submitted, deadline = ctx.column("submitted"), ctx.column("deadline")
        if submitted.kind != deadline.kind or submitted.scale or deadline.scale:
            raise DataError(Problem(f"{p.submitted} and {p.deadline} must both be dates "
                                    "(2024-03-15) or both whole day numbers",
                                    where=f"criterion {ctx.criterion.id}"))
        late = np.maximum(submitted.values - deadline.values, 0)
        per_day = p.per_day_late or Decimal(0)
        k = param_scale(per_day, ctx.criterion.most)
        (late,) = ctx.fit(as_int(per_day, k), late)
        lost = np.minimum(as_int(per_day, k) * late, as_int(ctx.criterion.most, k))
        return ctx.divide(as_int(ctx.criterion.most, k) - lost, 1, k)


    def explain(self, ctx: ScoreContext[OnTimeParams], unit: int) -> list[str]:
        p: OnTimeParams = ctx.params
        mx = ctx.criterion.most
        if p.dossiers is not None and p.on_time is not None:
            on_time, dossiers = _shown(ctx, p.on_time, unit), _shown(ctx, p.dossiers, unit)
            if ctx.columns[p.dossiers].decimal(unit) == 0:
                return [f"{p.dossiers} = 0: no dossiers, scored as no_dossiers = \"{p.no_dossiers}\""]
            return [f"{p.on_time} = {on_time} on time of {p.dossiers} = {dossiers}: "
                    f"{mx} x {on_time}/{dossiers}"]
        assert p.submitted is not None and p.deadline is not None
        submitted, deadline = ctx.columns[p.submitted], ctx.columns[p.deadline]
        late = max(int(submitted.values[unit]) - int(deadline.values[unit]), 0)
        return [f"{p.submitted} = {_shown(ctx, p.submitted, unit)}, {p.deadline} = "
                f"{_shown(ctx, p.deadline, unit)}: {late} day(s) late",
                f"{mx} - min({p.per_day_late} x {late}, {mx})"]


@frozen
class ProcessingParams:
    norm: Decimal
    days: Indicator | None = None
    achieved: Indicator | None = None
    decided: Indicator | None = None


class AwardProcessingDays(Scorer[ProcessingParams]):
    threadsafe = True
    name = "award_processing_days"
    Params = ProcessingParams
    description = "days from achievement to decision against a norm: max * norm / days beyond it"
    date_inputs = ("achieved", "decided")

    def check(self, criterion: Criterion) -> list[str]:
        p = self.params_of(criterion)
        if (p.days is None) == (p.achieved is None or p.decided is None):
            return ["give either days, or both achieved and decided (dates)"]
        if p.norm <= 0:
            return ["norm must be a positive number of days"]
        return []

    def days(self, ctx: ScoreContext[ProcessingParams]) -> tuple[IntArray, int]:
        p: ProcessingParams = ctx.params
        if p.days is not None:
            col = ctx.column("days")
            days, scale, what = col.values, col.scale, f"{p.days} is negative"
        else:
            achieved, decided = ctx.column("achieved"), ctx.column("decided")
            if achieved.kind != "date" or decided.kind != "date":
                raise DataError(Problem(f"{p.achieved} and {p.decided} must be dates like "
                                        "2024-03-15", where=f"criterion {ctx.criterion.id}"))
            days, scale = decided.values - achieved.values, 0
            what = f"{p.decided} is before {p.achieved}"
        # a negative duration is a typing slip, never "within the norm"
        ctx.refuse(days < 0, f"{what}; correct the data")
        return days, scale

    def score(self, ctx: ScoreContext[ProcessingParams]) -> IntArray:
        p: ProcessingParams = ctx.params
        days, scale = self.days(ctx)
        norm = np.full(len(days), as_int(p.norm, scale + param_scale(p.norm)))
        days = days * 10 ** param_scale(p.norm)
        # within the norm: full; beyond it: max * norm / days (the ratio norm/days < 1)
        return _ratio(ctx, norm, np.maximum(days, norm), Decimal(1), "full", "")


    def explain(self, ctx: ScoreContext[ProcessingParams], unit: int) -> list[str]:
        p: ProcessingParams = ctx.params
        days, scale = self.days(ctx)
        n = Decimal(int(days[unit])).scaleb(-scale)
        source = (f"{p.days} = {n}" if p.days is not None else
                  f"{p.achieved} = {_shown(ctx, p.achieved or '', unit)} to {p.decided} = "
                  f"{_shown(ctx, p.decided or '', unit)}: {n}")
        if n <= p.norm:
            return [f"{source} days, within the norm of {p.norm}: full {ctx.criterion.most}"]
        return [f"{source} days, beyond the norm of {p.norm}: {ctx.criterion.most} x {p.norm}/{n}"]


@frozen
class GrassrootsParams:
    grassroots: Indicator
    awards: Indicator
    target: Decimal
    no_awards: Literal["error", "full", "zero"] = "error"


class AwardGrassrootsShare(Scorer[GrassrootsParams]):
    threadsafe = True
    name = "award_grassroots_share"
    Params = GrassrootsParams
    description = "share of awards to front-line workers and grassroots units against a target"

    def check(self, criterion: Criterion) -> list[str]:
        if not Decimal(0) < self.params_of(criterion).target <= 1:
            return ["target is a share between 0 and 1, e.g. 0.7 for 70%"]
        return []

    def score(self, ctx: ScoreContext[GrassrootsParams]) -> IntArray:
        p: GrassrootsParams = ctx.params
        grassroots, awards = _same_scale(ctx.column("grassroots"), ctx.column("awards"))
        ctx.refuse(grassroots > awards, f"{p.grassroots} exceeds {p.awards}")
        return _ratio(ctx, grassroots, awards, p.target, p.no_awards, "no_awards")

    def explain(self, ctx: ScoreContext[GrassrootsParams], unit: int) -> list[str]:
        p: GrassrootsParams = ctx.params
        g, a = _shown(ctx, p.grassroots, unit), _shown(ctx, p.awards, unit)
        if ctx.columns[p.awards].decimal(unit) == 0:
            return [f"{p.awards} = 0: no awards, scored as no_awards = \"{p.no_awards}\""]
        return [f"{p.grassroots} = {g} of {p.awards} = {a}, target share {p.target}: "
                f"{ctx.criterion.most} x min(({g}/{a}) / {p.target}, 1)"]


@hookimpl
def register_scorers(register: Callable[[Scorer[Any]], None]) -> None:
    for scorer in (AwardOnTime(), AwardProcessingDays(), AwardGrassrootsShare()):
        register(scorer)
