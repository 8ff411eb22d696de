"""The ruleset's formulas outside criteria, evaluated after scoring: gates' `when`,
classification bands' `when`, ranking keys. They read the data's indicators, every
criterion's points (`criterion.ID`), groups' sums (`group.ID`), `total`, `deductions`
and `bonus`."""

from __future__ import annotations

import math

import numpy as np

from emuscore.dataset import Dataset
from emuscore.exact import Column, IntArray, max_abs, widen
from emuscore.formula import BooleanValue, Env, FormulaError, NumberValue, evaluate
from emuscore.formula.host import program
from emuscore.model import Ruleset
from emuscore.pipeline.score import score_columns
from emuscore.problems import DataError, Problem
from emuscore.result import Scores


def scored_env(ruleset: Ruleset, data: Dataset, scores: Scores) -> Env:
    present = np.zeros(data.size, bool)
    columns = {**data.indicators, **score_columns(ruleset, scores.criteria, data.size),
               **{name: Column(getattr(scores, name), ruleset.scale, present)
                  for name in ("total", "deductions", "bonus")}}
    return Env(columns, data.cluster_codes, data.unit_ids, ruleset.rounding)


def truth(env: Env, text: str, where: str) -> IntArray:
    """Where the boolean formula holds, for every unit."""
    try:
        value = evaluate(program(text, "boolean"), env)
    except FormulaError as e:
        raise DataError(Problem(e.message, where=where)) from None
    assert isinstance(value, BooleanValue)
    return value.value


def number(env: Env, text: str, where: str) -> NumberValue:
    try:
        value = evaluate(program(text), env)
    except FormulaError as e:
        raise DataError(Problem(e.message, where=where)) from None
    assert isinstance(value, NumberValue)
    return value


def ascending(value: NumberValue) -> IntArray:
    """Each unit's exact value as an int64 whose order is the values' order (equal values,
    equal keys): numerators over one common denominator, then their dense rank."""
    common_den = 1
    for d in np.unique(value.den).tolist():
        common_den = math.lcm(common_den, int(d))
    (num, den) = widen(max_abs(value.num) * common_den, value.num, value.den)
    common = num * (common_den // den)
    rank: IntArray = np.unique(common, return_inverse=True)[1].astype(np.int64).ravel()
    return rank


def values_shown(env: Env, text: str, unit: int) -> str:
    """The names a formula reads with this unit's values, e.g. "vi_pham = 2, ky_luat = 0"."""
    parts = []
    for name in program(text, "boolean").names:
        column = env.columns.get(name)
        value = None if column is None else column.decimal(unit)
        parts.append(f"{name} = {'missing' if value is None else value}")
    return ", ".join(parts)
