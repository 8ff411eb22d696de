"""`award_accuracy` (the law's "accurate"): start from max and deduct for each dossier
returned for errors, award revoked and complaint upheld, as the ruleset says; never below 0."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
from attrs import frozen

from emuscore.exact import IntArray
from emuscore.hookspecs import hookimpl
from emuscore.i18n import _
from emuscore.model import Criterion
from emuscore.scoring import ScoreContext, Scorer, as_int, param_scale
from emuscore.structure import Indicator


@frozen
class Penalty:
    count: Indicator
    points: Decimal


@frozen
class AccuracyParams:
    penalties: tuple[Penalty, ...]


class AwardAccuracy(Scorer[AccuracyParams]):
    threadsafe = True
    name = "award_accuracy"
    Params = AccuracyParams
    description = "max minus points for each returned dossier, revoked award, upheld complaint"

    def inputs(self, params: AccuracyParams) -> dict[str, str]:
        return {f"penalties[{i}].count": p.count for i, p in enumerate(params.penalties)}

    def check(self, criterion: Criterion) -> list[str]:
        p = self.params_of(criterion)
        if not p.penalties:
            return [_("penalties must list at least one {{count = ..., points = ...}}").format()]
        return [_("penalties[{i}].points must be positive").format(i=i)
                for i, pen in enumerate(p.penalties) if pen.points <= 0]

    def score(self, ctx: ScoreContext[AccuracyParams]) -> IntArray:
        p: AccuracyParams = ctx.params
        columns = [ctx.columns[pen.count] for pen in p.penalties]
        for pen, col in zip(p.penalties, columns, strict=True):
            ctx.refuse(col.missing | (col.values < 0),
                       _("{indicator} must be a count of 0 or more").format(indicator=pen.count))
        scale = max(c.scale for c in columns)
        k = param_scale(ctx.criterion.most, *(pen.points for pen in p.penalties))
        lost: IntArray = np.zeros(ctx.size, np.int64)
        for pen, col in zip(p.penalties, columns, strict=True):
            (count,) = ctx.fit(as_int(pen.points, k) * len(columns) * 10**k, col.at_scale(scale))
            lost = lost + as_int(pen.points, k) * count
        full = as_int(ctx.criterion.most, k) * 10**scale
        return ctx.divide(np.maximum(full - lost, 0), 1, k + scale)

    def explain(self, ctx: ScoreContext[AccuracyParams], unit: int) -> list[str]:
        p: AccuracyParams = ctx.params
        terms = " - ".join(f"{pen.points} x {pen.count} {ctx.columns[pen.count].decimal(unit)}"
                           for pen in p.penalties)
        return [f"max(0, {ctx.criterion.most} - {terms})"]


@hookimpl
def register_scorers(register: Callable[[Scorer[Any]], None]) -> None:
    register(AwardAccuracy())
