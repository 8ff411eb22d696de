"""`bands`: a value against thresholds, first match wins (>=95% -> 2, >=90% -> 1.5 ...)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
from attrs import frozen

from emuscore.exact import IntArray, to_units
from emuscore.hookspecs import hookimpl
from emuscore.i18n import _
from emuscore.model import Criterion
from emuscore.scoring import Check, ScoreContext, Scorer, param_scale
from emuscore.structure import Indicator


@frozen
class Threshold:
    points: Decimal
    at_least: Decimal | None = None
    at_most: Decimal | None = None


@frozen
class BandsParams:
    value: Indicator
    thresholds: tuple[Threshold, ...]
    otherwise: Decimal = Decimal(0)


class Bands(Scorer[BandsParams]):
    threadsafe = True
    name = "bands"
    Params = BandsParams
    description = "thresholds on one value; the first threshold met gives its points"

    def check(self, criterion: Criterion) -> list[Check]:
        p = self.params_of(criterion)
        problems: list[Check] = []
        if not p.thresholds:
            problems.append((("thresholds",), "list at least one threshold"))
        for i, th in enumerate(p.thresholds):
            if (th.at_least is None) == (th.at_most is None):
                problems.append((("thresholds", i), "needs exactly one of at_least or at_most"))
            if not Decimal(0) <= th.points <= criterion.most:
                problems.append((("thresholds", i, "points"),
                                 f"{th.points} points is outside 0..max {criterion.most}"))
        if not Decimal(0) <= p.otherwise <= criterion.most:
            problems.append((("otherwise",), f"{p.otherwise} points is outside 0..max {criterion.most}"))
        problems.extend(_unreachable(p.thresholds))
        return problems

    def score(self, ctx: ScoreContext[BandsParams]) -> IntArray:
        p: BandsParams = ctx.params
        col = ctx.column("value")
        scale = max(col.scale, param_scale(*(th.at_least for th in p.thresholds),
                                           *(th.at_most for th in p.thresholds)))
        v = col.at_scale(scale)
        conditions = [v >= to_units(th.at_least, scale) if th.at_least is not None
                      else v <= to_units(th.at_most or Decimal(0), scale) for th in p.thresholds]
        choices = [ctx.units(th.points) for th in p.thresholds]
        return np.select(conditions, choices, ctx.units(p.otherwise)).astype(np.int64)

    def explain(self, ctx: ScoreContext[BandsParams], unit: int) -> list[str]:
        p: BandsParams = ctx.params
        v = ctx.columns[p.value].decimal(unit)
        assert v is not None
        for th in p.thresholds:
            if (th.at_least is not None and v >= th.at_least) or (
                    th.at_most is not None and v <= th.at_most):
                bound = f">= {th.at_least}" if th.at_least is not None else f"<= {th.at_most}"
                return [_("{name} = {value} {bound}: {points} points").format(
                    name=p.value, value=v, bound=bound, points=th.points)]
        return [_("{name} = {value} meets no threshold: {points} points").format(
            name=p.value, value=v, points=p.otherwise)]


def _unreachable(thresholds: tuple[Threshold, ...]) -> list[Check]:
    """Thresholds that an earlier one always takes first (the first met wins): an at_least
    not above every earlier at_least, an at_most not below every earlier at_most."""
    problems: list[Check] = []
    least: Decimal | None = None      # the lowest at_least so far: every value >= it is taken
    most: Decimal | None = None       # the highest at_most so far
    for i, th in enumerate(thresholds):
        if th.at_least is not None and th.at_most is None:
            if least is not None and th.at_least >= least:
                message = (_("at_least {value} repeats at_least {earlier}") if th.at_least == least
                           else _("at_least {value} comes after the lower at_least {earlier}"))
                problems.append((("thresholds", i, "at_least"), message.format(
                    value=th.at_least, earlier=least) + _(", which takes every such value first: "
                                                          "list at_least thresholds from the "
                                                          "highest down, each once")))
            least = th.at_least if least is None else min(least, th.at_least)
        elif th.at_most is not None and th.at_least is None:
            if most is not None and th.at_most <= most:
                message = (_("at_most {value} repeats at_most {earlier}") if th.at_most == most
                           else _("at_most {value} comes after the higher at_most {earlier}"))
                problems.append((("thresholds", i, "at_most"), message.format(
                    value=th.at_most, earlier=most) + _(", which takes every such value first: "
                                                        "list at_most thresholds from the lowest "
                                                        "up, each once")))
            most = th.at_most if most is None else max(most, th.at_most)
    return problems


@hookimpl
def register_scorers(register: Callable[[Scorer[Any]], None]) -> None:
    register(Bands())
