"""`formula`: the council's own rule, written in the ruleset (docs/formulas.md).

    [[criteria]]
    id = "thu_ngan_sach"
    group = "chi_tieu"
    scorer = "formula"
    max = 12
    expr = "if thu >= chi_tieu then 10 + min(50 * (thu - chi_tieu) / chi_tieu, 2) else 10 * thu / chi_tieu"

A name is an indicator of the data, `criterion.ID` another criterion's points and
`group.ID` a group's capped sum (those are scored first). The value is exact and
rounded once, to the ruleset's scale with its rounding. `kind` says what the criterion
is: points inside its group (0..max), a deduction (the formula gives the points taken
off, 0 or more, at most `max`) or a bonus above the maximum (0..max). A value outside
that range is an error naming the unit, never quietly cut.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from attrs import frozen

from emuscore.exact import IntArray, format_units
from emuscore.hookspecs import hookimpl
from emuscore.model import Criterion
from emuscore.problems import DataError, Problem
from emuscore.scoring import Check, Role, ScoreContext, Scorer

if TYPE_CHECKING:
    from emuscore.formula import Env

# The language itself (emuscore.formula) is imported in the methods, on first use: a
# ruleset without formulas does not pay for it at start-up.


@frozen
class FormulaParams:
    expr: str
    kind: Literal["points", "deduction", "bonus"] = "points"


class Formula(Scorer[FormulaParams]):
    uncapped = True         # with kind = "deduction"
    threadsafe = True
    name = "formula"
    Params = FormulaParams
    description = "the council's own formula: exact, explained (docs/formulas.md)"

    def role_for(self, criterion: Criterion) -> Role:
        return self.params_of(criterion).kind

    def check(self, criterion: Criterion) -> Sequence[Check]:
        from emuscore.formula import FormulaError
        from emuscore.formula.host import SCORE_NAMES, program, shown

        try:
            p = program(self.params_of(criterion).expr)
        except FormulaError as e:
            return [(("expr",), shown(e))]
        return [(("expr",), f"'{n}' is the unit's {n}, known only after every criterion is "
                 "scored, so a criterion's formula cannot read it; read criterion.ID or "
                 "group.ID instead") for n in p.names if n in SCORE_NAMES]

    def references(self, params: FormulaParams) -> tuple[str, ...]:
        from emuscore.formula import FormulaError
        from emuscore.formula.host import program, references

        try:
            return references(program(params.expr))
        except FormulaError:        # reported by check(), with its line
            return ()

    def takes_date(self, param: str) -> bool:
        return True         # a formula may compute with dates (days between two of them)

    def inputs(self, params: FormulaParams) -> dict[str, str]:
        from emuscore.formula import FormulaError
        from emuscore.formula.host import indicators, program

        try:
            return {n: n for n in indicators(program(params.expr))}
        except FormulaError:
            return {}

    def env(self, ctx: ScoreContext[FormulaParams]) -> Env:
        from emuscore.formula import Env

        return Env(ctx.columns, ctx.cluster, ctx.unit_ids, ctx.rounding)

    def score(self, ctx: ScoreContext[FormulaParams]) -> IntArray:
        from emuscore.formula import FormulaError, NumberValue, evaluate, to_points
        from emuscore.formula.host import program

        p, c = ctx.params, ctx.criterion
        try:
            value = evaluate(program(p.expr), self.env(ctx), reduced=False)   # only rounded
        except FormulaError as e:
            raise DataError(Problem(e.message, where=f"criterion {c.id}")) from None
        assert isinstance(value, NumberValue)
        points = to_points(value, ctx.scale, ctx.rounding)
        most = None if c.max is None else ctx.units(c.max)   # None: an uncapped deduction
        what = "points taken off" if p.kind == "deduction" else "points"
        if len(points) and points.min() < 0:      # masks only when a unit is out of range
            low = points < 0
            ctx.refuse(low, f"the formula gives a negative number of {what} "
                       f"({_first(ctx, points, low)}); formula: {p.expr}")
        if len(points) and most is not None and points.max() > most:
            high = points > most
            ctx.refuse(high, f"the formula gives {_first(ctx, points, high)} {what}, more than "
                       f"the criterion's max {c.max}; cap it with min(..., {c.max})")
        return -points if p.kind == "deduction" else points

    def explain(self, ctx: ScoreContext[FormulaParams], unit: int) -> list[str]:
        from emuscore.formula import explain
        from emuscore.formula.host import program

        p = ctx.params
        steps = explain(program(p.expr), self.env(ctx), unit)[1:]    # the unit is named already
        if p.kind == "deduction":
            steps.append("a deduction: the points taken off count negative")
        return steps


def _first(ctx: ScoreContext[Any], points: IntArray, where: IntArray) -> str:
    return format_units(int(points[int(np.flatnonzero(where)[0])]), ctx.scale)


@hookimpl
def register_scorers(register: Callable[[Scorer[Any]], None]) -> None:
    register(Formula())
