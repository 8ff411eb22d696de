"""`pass_fail`: full points when the indicator equals `pass_value` (pledge signed), else 0."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
from attrs import frozen

from emuscore.exact import IntArray, to_units
from emuscore.hookspecs import hookimpl
from emuscore.i18n import _
from emuscore.scoring import ScoreContext, Scorer, param_scale
from emuscore.structure import Indicator


@frozen
class PassFailParams:
    value: Indicator
    pass_value: Decimal = Decimal(1)


class PassFail(Scorer[PassFailParams]):
    threadsafe = True
    name = "pass_fail"
    Params = PassFailParams
    description = "full points if the indicator equals pass_value, else 0"

    def passed(self, ctx: ScoreContext[PassFailParams]) -> IntArray:
        p: PassFailParams = ctx.params
        col = ctx.column("value")
        scale = max(col.scale, param_scale(p.pass_value))
        passed: IntArray = col.at_scale(scale) == to_units(p.pass_value, scale)
        return passed

    def score(self, ctx: ScoreContext[PassFailParams]) -> IntArray:
        return np.where(self.passed(ctx), ctx.units(ctx.criterion.most), 0).astype(np.int64)

    def explain(self, ctx: ScoreContext[PassFailParams], unit: int) -> list[str]:
        p: PassFailParams = ctx.params
        verdict = _("passed") if self.passed(ctx)[unit] else _("failed")
        return [_("{indicator} = {value}, pass when {pass_value}: {verdict}").format(
            indicator=p.value, value=ctx.columns[p.value].decimal(unit), pass_value=p.pass_value,
            verdict=verdict)]


@hookimpl
def register_scorers(register: Callable[[Scorer[Any]], None]) -> None:
    register(PassFail())
