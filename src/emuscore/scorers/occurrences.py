"""Points per occurrence, capped at the criterion's max: `per_occurrence` (model examples,
initiatives), `deduction` (late reports: negative) and `bonus` (above the sheet's maximum,
e.g. +15 for a Government flag received in the year)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

import numpy as np
from attrs import frozen

from emuscore.exact import IntArray
from emuscore.hookspecs import hookimpl
from emuscore.i18n import _
from emuscore.model import Criterion
from emuscore.scoring import Role, ScoreContext, Scorer, as_int, param_scale
from emuscore.structure import Indicator


@frozen
class OccurrenceParams:
    count: Indicator
    points: Decimal


class PerOccurrence(Scorer[OccurrenceParams]):
    threadsafe = True
    name = "per_occurrence"
    Params = OccurrenceParams
    description = "points x count, capped at max"
    sign = 1

    def check(self, criterion: Criterion) -> list[str]:
        if self.params_of(criterion).points <= 0:
            return [_("points must be positive (the points for each occurrence)")]
        return []

    def score(self, ctx: ScoreContext[OccurrenceParams]) -> IntArray:
        p: OccurrenceParams = ctx.params
        col = ctx.column("count")
        ctx.refuse(col.values < 0, _("{indicator} is negative; a count must be 0 or more").format(
            indicator=p.count))
        most = ctx.criterion.max             # None: an uncapped deduction
        k = param_scale(p.points, most)
        points = as_int(p.points, k)
        (count,) = ctx.fit(points * 10**k, col.values)
        raw = points * count
        if most is not None:
            raw = np.minimum(raw, as_int(most, k) * 10**col.scale)
        return self.sign * ctx.divide(raw, 1, k + col.scale)

    def explain(self, ctx: ScoreContext[OccurrenceParams], unit: int) -> list[str]:
        p: OccurrenceParams = ctx.params
        sign = "-" if self.sign < 0 else ""
        product = f"{p.points} x {p.count} {ctx.columns[p.count].decimal(unit)}"
        if ctx.criterion.max is None:
            return [f"{sign}{product}" + _(" (no cap)")]
        return [f"{sign}min({product}, {ctx.criterion.max})"]


class Deduction(PerOccurrence):
    uncapped = True
    name = "deduction"
    role: ClassVar[Role] = "deduction"
    description = "minus points x count, at most max deducted"
    sign = -1


class Bonus(PerOccurrence):
    name = "bonus"
    role: ClassVar[Role] = "bonus"
    description = "points x count above the sheet's maximum, capped at max"


@hookimpl
def register_scorers(register: Callable[[Scorer[Any]], None]) -> None:
    for scorer in (PerOccurrence(), Deduction(), Bonus()):
        register(scorer)
