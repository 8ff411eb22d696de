"""Exact, vectorised formulas for scoring sheets (Excel-like, no floats).

    program = check("if a >= t then 10 else 10 * a / t", names={"a", "t"})
    value = evaluate(program, Env(columns, cluster, unit_ids, "half-up"))
    points = to_points(value, scale=2, rounding="half-up")

See docs/formulas.md for the language."""

from __future__ import annotations

from emuscore.formula.checker import AGGREGATES, FUNCTIONS, Program, Type, check
from emuscore.formula.errors import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_LENGTH,
    MAX_MAGNITUDE,
    MAX_NESTING,
    MAX_ROUND_DIGITS,
    FormulaError,
)
from emuscore.formula.evaluator import BooleanValue, Env, NumberValue, Value, evaluate, to_points
from emuscore.formula.explain import explain
from emuscore.formula.nodes import (
    Binary,
    BoolOp,
    Call,
    Compare,
    Expr,
    If,
    Name,
    Not,
    Number,
    Unary,
    fraction_text,
    to_text,
)
from emuscore.formula.parser import parse

__all__ = [
    "AGGREGATES",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_LENGTH",
    "MAX_MAGNITUDE",
    "MAX_NESTING",
    "MAX_ROUND_DIGITS",
    "Binary",
    "BoolOp",
    "BooleanValue",
    "Call",
    "Compare",
    "Env",
    "Expr",
    "FormulaError",
    "If",
    "Name",
    "Not",
    "Number",
    "NumberValue",
    "Program",
    "Type",
    "Unary",
    "Value",
    "check",
    "evaluate",
    "explain",
    "fraction_text",
    "parse",
    "to_points",
    "to_text",
]
