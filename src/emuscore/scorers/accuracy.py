"""`award_accuracy` (the law's "accurate"): start from max and deduct for each dossier
returned for errors, award revoked and complaint upheld, as the ruleset says; never below 0."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from attrs import frozen

from emuscore.exact import IntArray
from emuscore.hookspecs import hookimpl
from emuscore.model import Criterion
from emuscore.problems import DataError, Problem
from emuscore.scoring import ScoreContext, Scorer, as_int, param_scale
from emuscore.structure import Indicator


@frozen
class Penalty:
    count: Indicator
    points: Decimal


@frozen
class AccuracyParams:
    penalties: tuple[Penalty, ...]


class AwardAccuracy(Scorer):
    threadsafe = True
    name = "award_accuracy"
    Params = AccuracyParams
    description = "max minus points for each returned dossier, revoked award, upheld complaint"

    def inputs(self, params: AccuracyParams) -> dict[str, str]:
        return {f"penalties[{i}].count": p.count for i, p in enumerate(params.penalties)}

    def check(self, criterion: Criterion) -> list[str]:
        p: AccuracyParams = criterion.params
        if not p.penalties:
            return ["penalties must list at least one {count = ..., points = ...}"]
        return [f"penalties[{i}].points must be positive" for i, pen in enumerate(p.penalties)
                if pen.points <= 0]

    def score(self, ctx: ScoreContext) -> IntArray:
        p: AccuracyParams = ctx.params
        columns = [ctx.columns[pen.count] for pen in p.penalties]
        for pen, col in zip(p.penalties, columns, strict=True):
            bad = col.missing | (col.values < 0)
            if bad.any():
                unit = ctx.unit_ids[int(np.flatnonzero(bad)[0])]
                raise DataError(Problem(f"unit {unit}: {pen.count} must be a count of 0 or more",
                                        where=f"criterion {ctx.criterion.id}"))
        scale = max(c.scale for c in columns)
        k = param_scale(ctx.criterion.max, *(pen.points for pen in p.penalties))
        lost: IntArray = np.zeros(ctx.size, np.int64)
        for pen, col in zip(p.penalties, columns, strict=True):
            (count,) = ctx.fit(as_int(pen.points, k) * len(columns) * 10**k, col.at_scale(scale))
            lost = lost + as_int(pen.points, k) * count
        full = as_int(ctx.criterion.max, k) * 10**scale
        return ctx.divide(np.maximum(full - lost, 0), 1, k + scale)

    def explain(self, ctx: ScoreContext, unit: int) -> list[str]:
        p: AccuracyParams = ctx.params
        terms = " - ".join(f"{pen.points} x {pen.count} {ctx.columns[pen.count].decimal(unit)}"
                           for pen in p.penalties)
        return [f"max(0, {ctx.criterion.max} - {terms})"]


@hookimpl
def register_scorers(register):  # type: ignore[no-untyped-def]
    register(AwardAccuracy())
