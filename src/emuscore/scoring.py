"""What a scorer is: the contract between the engine and every scorer plugin.

A scorer has a `name` (what a ruleset's `scorer = "..."` names), a `Params` attrs
class (the criterion's other keys, checked before any unit is scored), a `role`
(points inside a group, a deduction, or a bonus above the maximum) and a batch
`score` over whole columns that returns exact integers of 10**-scale points.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar, Generic, Literal, TypeAlias, TypeVar, cast

import numpy as np
from attrs import frozen

from emuscore.exact import (
    Column,
    IntArray,
    Rounding,
    decimals_of,
    div_round,
    format_units,
    max_abs,
    widen,
)
from emuscore.model import Criterion
from emuscore.problems import DataError, Problem
from emuscore.structure import indicator_fields

Role: TypeAlias = Literal["points", "deduction", "bonus"]
Check: TypeAlias = str | tuple[tuple[str | int, ...], str]
P = TypeVar("P")
"""A scorer's Params class: what `ctx.params` is, so that mypy checks its use."""


@frozen(eq=False)
class ScoreContext(Generic[P]):
    """Everything a batch scorer may read for one criterion, for all units at once."""

    criterion: Criterion
    columns: Mapping[str, Column]
    unit_ids: tuple[str, ...]
    cluster: IntArray
    scale: int
    rounding: Rounding

    @property
    def params(self) -> P:
        """The criterion's parameters, an instance of the scorer's `Params`."""
        return cast(P, self.criterion.params)

    @property
    def size(self) -> int:
        return len(self.unit_ids)

    def column(self, param: str, allow_missing: bool = False) -> Column:
        """The column named by parameter `param`; missing values are an error unless allowed."""
        name = getattr(self.params, param)
        col = self.columns[name]
        if not allow_missing and col.missing.any():
            missing = np.flatnonzero(col.missing)
            shown = ", ".join(self.unit_ids[i] for i in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise DataError(Problem(
                f"indicator '{name}' has no value for unit {shown}{more}; "
                "enter the value (0 if none) or drop the unit", where=f"criterion {self.criterion.id}"))
        return col

    def refuse(self, bad: IntArray, message: str) -> None:
        """Stop the run if any unit is marked in the boolean array `bad`: a `DataError`
        naming the unit (the first five, and how many more) and this criterion, e.g.
        ``ctx.refuse(target < 0, "the target is negative; targets must be 0 or more")``."""
        if not bad.any():
            return
        units = np.flatnonzero(bad)
        shown = ", ".join(self.unit_ids[i] for i in units[:5])
        more = f" and {len(units) - 5} more" if len(units) > 5 else ""
        raise DataError(Problem(f"unit{'s' if len(units) > 1 else ''} {shown}{more}: {message}",
                                where=f"criterion {self.criterion.id}"))

    def units(self, value: Decimal) -> int:
        """A parameter in points as an integer of 10**-scale (raises if finer than the scale)."""
        scaled = value.scaleb(self.scale)
        if scaled != scaled.to_integral_value():
            raise DataError(f"criterion {self.criterion.id}: {value} has more decimals than "
                            f"the ruleset's scale {self.scale}")
        return int(scaled)

    def divide(self, num: IntArray, den: IntArray | int, decimals: int = 0) -> IntArray:
        """Points num / (den * 10**decimals), rounded once to the ruleset's scale.

        This is the one place a criterion's score is rounded. Callers widen their
        arrays first (`fit`) so that num * 10**scale cannot overflow."""
        return div_round(num * 10**self.scale, np.asarray(den) * 10**decimals, self.rounding)

    def fit(self, factor: int, *arrays: IntArray) -> list[IntArray]:
        """The arrays, as Python-int arrays if max|x| * factor * 10**scale could overflow int64."""
        bound = max((max_abs(a) for a in arrays), default=0) * factor * 10 ** (self.scale + 1)
        return widen(bound, *arrays)

    def show(self, units: int) -> str:
        return format_units(units, self.scale)


def param_scale(*values: Decimal | None) -> int:
    """Decimals needed to hold every given parameter as an exact integer."""
    return max((decimals_of(v) for v in values if v is not None), default=0)


def as_int(value: Decimal, decimals: int) -> int:
    """A parameter as an exact integer of 10**-decimals."""
    return int(value.scaleb(decimals))


class Scorer(ABC, Generic[P]):
    """Base class of batch scorers. Subclasses set `name`, `Params`, and define `score`;
    ``class Clearance(Scorer[ClearanceParams])`` makes `ctx.params` a ClearanceParams."""

    name: ClassVar[str]
    Params: ClassVar[type[Any]]
    role: ClassVar[Role] = "points"
    description: ClassVar[str] = ""
    uncapped: ClassVar[bool] = False
    """True if a deduction of this scorer may leave out `max` (nothing caps it)."""
    date_inputs: ClassVar[tuple[str, ...]] = ()
    """Parameters that may name a date indicator (`[indicators]` kind = "date"); every
    other indicator parameter reads numbers."""
    threadsafe: ClassVar[bool] = False
    """True if `score` only reads its context and keeps no state, so that at large N the
    engine may score this criterion on one core while others run on the rest."""

    def role_for(self, criterion: Criterion) -> Role:
        """This criterion's role; `role` unless the scorer lets a criterion choose (the
        formula scorer's `kind`)."""
        return self.role

    def references(self, params: P) -> tuple[str, ...]:
        """Other criteria's points ("criterion.ID") and groups' sums ("group.ID") this
        criterion reads; they are scored first, and read as columns of `ctx.columns`."""
        return ()

    def inputs(self, params: P) -> dict[str, str]:
        """Parameter name -> indicator name, for every indicator this criterion reads."""
        out = {}
        for field in indicator_fields(type(params)):
            value = getattr(params, field)
            if value is not None:
                out[field] = value
        return out

    def takes_date(self, param: str) -> bool:
        """Whether the indicator named by parameter `param` may be a date (`date_inputs`)."""
        return param in self.date_inputs

    def params_of(self, criterion: Criterion) -> P:
        """A criterion's parameters as this scorer's `Params` (for `check` and `bounds`)."""
        return cast(P, criterion.params)

    def check(self, criterion: Criterion) -> Sequence[Check]:
        """Ruleset-time problems beyond types (e.g. band points above the maximum): a
        sentence each, or (key path inside the criterion, sentence) to point at the key,
        e.g. (("thresholds", 1), "needs exactly one of at_least or at_most")."""
        return []

    def bounds(self, criterion: Criterion) -> tuple[Decimal | None, Decimal]:
        """The least and most points this criterion can give (least None: no limit, an
        uncapped deduction)."""
        if self.role_for(criterion) == "deduction":
            return (None if criterion.max is None else -criterion.max), Decimal(0)
        return Decimal(0), criterion.most

    @abstractmethod
    def score(self, ctx: ScoreContext[P]) -> IntArray:
        """Points for every unit, exact integers of 10**-ctx.scale, in unit order."""

    def explain(self, ctx: ScoreContext[P], unit: int) -> list[str]:
        """Steps that led to one unit's points, with the exact numbers (for `explain`)."""
        inputs = ", ".join(f"{ind} = {ctx.columns[ind].decimal(unit)}"
                           for ind in self.inputs(ctx.params).values())
        return [f"{self.name}({inputs})"]


class UnitFault(Exception):
    """Raised by a scorer that knows which unit broke it (the per-unit API does); the
    engine reports it with the plugin, its version and the criterion."""

    def __init__(self, unit: str, message: str) -> None:
        super().__init__(f"unit {unit}: {message}")
        self.unit = unit
        self.message = message
