"""Vectorised evaluation of a checked `Program` over whole columns.

Each node is evaluated for the rows (units) that need it: an `if` evaluates each branch
only for the units that take it (or, when neither branch holds an aggregate, both for
all the units, keeping for each unit only its own branch's value, faults and missing
values, which is the same and cheaper), `and`/`or`/`coalesce` only where the earlier
operands leave the answer open, and an aggregate evaluates its argument for every unit
of each cluster some needing unit belongs to. So errors are raised only for units whose
value is actually needed.

Errors do not stop the evaluation where they happen: a unit whose value fails carries
a fault (as a NaN would), faults pass upward with the first in evaluation order winning,
and the evaluation raises at the end for the first unit whose result is faulty or
missing. That is exactly what evaluating unit by unit, in order, would raise."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np
from attrs import define, frozen

from emuscore.exact import Column, IntArray, Rounding
from emuscore.formula import aggregates as agg
from emuscore.formula import arith
from emuscore.formula.arith import BoolArray, Q
from emuscore.formula.checker import AGGREGATES, Program
from emuscore.formula.errors import MAX_MAGNITUDE, FormulaError
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
    children,
)


@frozen(eq=False)
class Env:
    """What a formula is evaluated against.

    `columns` holds every name the program reads (dates count as day numbers);
    `cluster` gives each unit's cluster code (0..k-1); `unit_ids` names the units in
    messages; `rounding` is the ruleset's mode, used by round(x, n)."""

    columns: Mapping[str, Column]
    cluster: IntArray
    unit_ids: tuple[str, ...]
    rounding: Rounding = "half-up"

    @property
    def size(self) -> int:
        return len(self.unit_ids)


@frozen(eq=False)
class NumberValue:
    """A number per unit: exactly num/den (den > 0, reduced). `missing` marks units with
    no value: units outside `live`, and nothing else once `evaluate` has returned."""

    num: IntArray
    den: IntArray
    missing: BoolArray
    common: int = 0
    """The denominator of every unit's value, when known to be one (see `arith.Q`)."""

    def fraction(self, unit: int) -> Fraction | None:
        if self.missing[unit]:
            return None
        return Fraction(int(self.num[unit]), int(self.den[unit]))


@frozen(eq=False)
class BooleanValue:
    """A boolean per unit; `missing` marks units outside `live`."""

    value: BoolArray
    missing: BoolArray


Value = NumberValue | BooleanValue


# -- internal values: a value for each evaluated row, and its faults


@define(eq=False)
class Fault:
    """Per row: a code into the evaluation's fault table (-1: none) and the unit (an
    index into the env) where the fault happened, which an aggregate can make another
    unit of the same cluster."""

    code: IntArray
    unit: IntArray

    @property
    def mask(self) -> BoolArray:
        return np.asarray(self.code >= 0)


@define(eq=False)
class Num:
    q: Q
    missing: BoolArray | None = None  # None: nothing missing
    why: IntArray | None = None  # per row, a code into the reason table where missing
    fault: Fault | None = None


@define(eq=False)
class Bool:
    value: BoolArray
    fault: Fault | None = None


def _faulty(fault: Fault | None) -> BoolArray | None:
    return None if fault is None else fault.mask


def _merge(*faults: Fault | None) -> Fault | None:
    """Per row, the first fault in the order given."""
    present = [f for f in faults if f is not None]
    if not present:
        return None
    code, unit = present[-1].code, present[-1].unit
    for f in reversed(present[:-1]):
        has = f.code >= 0
        code = np.where(has, f.code, code)
        unit = np.where(has, f.unit, unit)
    return Fault(code, unit)


def _only(fault: Fault | None, rows: BoolArray) -> Fault | None:
    """The faults at the given rows only."""
    if fault is None:
        return None
    return Fault(np.where(rows, fault.code, -1).astype(np.int32), fault.unit)


def _place(size: int, parts: list[tuple[IntArray | BoolArray, Fault | None]]) -> Fault | None:
    """Faults of pieces evaluated at disjoint positions, as one fault array."""
    parts = [(w, f) for w, f in parts if f is not None]
    if not parts:
        return None
    code = np.full(size, -1, np.int32)
    unit = np.full(size, -1, np.int64)
    for where, f in parts:
        assert f is not None
        code[where] = f.code
        unit[where] = f.unit
    return Fault(code, unit)


# The checker guarantees the types; these narrow them after each recursive call returns
# (so that recursion costs two frames a level: eval and the node's method).
def _num(v: Num | Bool) -> Num:
    assert isinstance(v, Num)
    return v


def _bool(v: Num | Bool) -> Bool:
    assert isinstance(v, Bool)
    return v


class Evaluation:
    """One run of a program over some rows of an env. `trace`, when given, records for
    the explanation of a single unit which branch each `if` took and each aggregate's
    value (only for the unit itself, not for the cluster members it aggregates over)."""

    def __init__(self, program: Program, env: Env, trace: dict[int, Any] | None = None) -> None:
        self.program = program
        self.env = env
        self.trace = trace
        self.inside = 0  # how many aggregate arguments deep the evaluation is
        self.fault_table: list[tuple[str, str, int | None]] = []  # (kind, text, column)
        self.fault_ids: dict[tuple[Any, ...], int] = {}
        self.reasons: list[tuple[str, str, int | None]] = []  # (what, fix, column)
        self.reason_ids: dict[tuple[Any, ...], int] = {}
        self.loaded: dict[str, tuple[Q, BoolArray | None]] = {}
        self.elementwise_ids: dict[int, bool] = {}
        self.constants: dict[int, Fraction | None] = {}

    # -- tables of messages

    def src(self, node: Expr) -> str:
        text = self.program.source(node)
        return text if len(text) <= 60 else text[:57] + "..."

    def fault_code(self, key: tuple[Any, ...], kind: str, text: str, column: int | None) -> int:
        code = self.fault_ids.get(key)
        if code is None:
            code = self.fault_ids[key] = len(self.fault_table)
            self.fault_table.append((kind, text, column))
        return code

    def reason(self, key: tuple[Any, ...], what: str, fix: str, column: int | None) -> int:
        code = self.reason_ids.get(key)
        if code is None:
            code = self.reason_ids[key] = len(self.reasons)
            self.reasons.append((what, fix, column))
        return code

    def guard(self, node: Expr) -> str:
        text = self.src(node)
        return f"guard it with has({text}) or coalesce({text}, 0)"

    def new_fault(self, mask: BoolArray | None, rows: IntArray, node: Expr, kind: str,
                  text: str, column: int | None) -> Fault | None:
        if mask is None or not mask.any():
            return None
        code = self.fault_code((id(node), kind), kind, text, column)
        return Fault(np.where(mask, code, -1).astype(np.int32), rows.copy())

    def missing_fault(self, v: Num, rows: IntArray, node: Expr) -> Fault | None:
        """Faults where a missing operand reaches `node`, which needs a value."""
        if v.missing is None or not v.missing.any():
            return None
        assert v.why is None or len(v.why) == len(rows)
        why = v.why if v.why is not None else np.zeros(len(rows), np.int32)
        table = np.full(len(self.reasons) + 1, -1, np.int32)
        where = f"`{self.src(node)}` (column {node.column})"
        for r in np.unique(why[v.missing]).tolist():
            what, fix, _ = self.reasons[r]
            table[r] = self.fault_code((id(node), "missing", r), "missing",
                                       f"{what} where {where} needs a value; {fix}", node.column)
        code = np.where(v.missing, table[why], -1).astype(np.int32)
        return Fault(code, rows.copy())

    def too_large(self, q: Q, rows: IntArray, node: Expr) -> tuple[Q, Fault | None]:
        big = arith.too_large(q)
        if big is None or not big.any():
            return q, None
        column = node.op_column if isinstance(node, Binary) else node.column
        fault = self.new_fault(big, rows, node, "too-large",
                               f"`{self.src(node)}` (column {column}) gives a number whose "
                               "numerator or denominator exceeds 10**120; the formula "
                               "multiplies or divides too far", column)
        return arith.fill(q, big), fault

    # -- evaluation

    def eval(self, node: Expr, rows: IntArray) -> Num | Bool:
        if isinstance(node, Number):
            return Num(arith.const(node.value, len(rows)))
        if isinstance(node, Unary | Binary):
            folded = self.constant(node)
            if folded is not None:
                return Num(arith.const(folded, len(rows)))
        if isinstance(node, Name):
            return self.name(node, rows)
        if isinstance(node, Unary):
            v = _num(self.eval(node.operand, rows))
            return Num(arith.neg(v.q), fault=_merge(v.fault, self.missing_fault(v, rows, node)))
        if isinstance(node, Binary):
            return self.binary(node, rows)
        if isinstance(node, Compare):
            a, b = _num(self.eval(node.left, rows)), _num(self.eval(node.right, rows))
            fault = _merge(a.fault, b.fault, self.missing_fault(a, rows, node),
                           self.missing_fault(b, rows, node))
            return Bool(arith.compare(a.q, b.q, node.op), fault)
        if isinstance(node, BoolOp):
            return self.bool_op(node, rows)
        if isinstance(node, Not):
            operand = _bool(self.eval(node.operand, rows))
            return Bool(~operand.value, operand.fault)
        if isinstance(node, If):
            return self.if_(node, rows)
        return self.call(node, rows)

    def name(self, node: Name, rows: IntArray) -> Num:
        full = self.loaded.get(node.text)
        if full is None:
            column = self.env.columns.get(node.text)
            if column is None:
                raise FormulaError(f"the data has no column '{node.text}', which the formula reads",
                                   node.column, text=self.program.text, kind="data")
            absent = np.asarray(column.missing, dtype=bool)
            values = column.values
            if absent.any():
                values = np.where(absent, 0, values)
            full = self.loaded[node.text] = (arith.integers(values, column.scale),
                                             absent if absent.any() else None)
        q, missing = full
        if len(rows) != self.env.size:
            q = arith.take(q, rows)
            missing = None if missing is None else missing[rows]
        if missing is None or not missing.any():
            return Num(q)
        code = self.reason(("name", node.text), f"'{node.text}' is missing",
                           self.guard(node), node.column)
        return Num(q, missing, np.where(missing, code, -1).astype(np.int32))

    def binary(self, node: Binary, rows: IntArray) -> Num:
        a, b = _num(self.eval(node.left, rows)), _num(self.eval(node.right, rows))
        faults = [a.fault, b.fault, self.missing_fault(a, rows, node),
                  self.missing_fault(b, rows, node)]
        if node.op == "+":
            q = arith.add(a.q, b.q)
        elif node.op == "-":
            q = arith.add(a.q, b.q, -1)
        elif node.op == "*":
            q = arith.mul(a.q, b.q)
        else:
            zero = np.asarray(b.q.num == 0)
            divisor = b.q
            if zero.any():
                divisor = arith.make(np.where(zero, 1, b.q.num), np.where(zero, 1, b.q.den),
                                     reduce=False)
                formula = self.src(self.program.expr)
                of = "" if formula == self.src(node) else f" of `{formula}`"
                faults.append(self.new_fault(
                    zero, rows, node, "division",
                    f"division by zero in `{self.src(node)}` (column {node.op_column}){of}",
                    node.op_column))
            q = arith.div(a.q, divisor)
        q, big = self.too_large(q, rows, node)
        return Num(q, fault=_merge(*faults, big))

    def bool_op(self, node: BoolOp, rows: IntArray) -> Bool:
        a = _bool(self.eval(node.left, rows))
        open_ = a.value if node.op == "and" else ~a.value
        bad = _faulty(a.fault)
        if bad is not None:
            open_ = open_ & ~bad
        value = a.value.copy()
        fault = a.fault
        if open_.any():
            b = _bool(self.eval(node.right, rows[open_]))
            value[open_] = b.value
            if b.fault is not None:
                fault = _merge(fault, _place(len(rows), [(open_, b.fault)]))
        return Bool(value, fault)

    def if_(self, node: If, rows: IntArray) -> Num | Bool:
        cond = _bool(self.eval(node.cond, rows))
        take_then = cond.value
        bad = _faulty(cond.fault)
        if bad is not None:
            take_then = take_then & ~bad
            take_else = ~cond.value & ~bad
        else:
            take_else = ~cond.value
        if self.trace is not None and self.inside == 0 and len(rows) == 1:
            self.trace[id(node)] = ("fault" if bad is not None and bad[0]
                                    else "then" if take_then[0] else "else")
        if self.trace is None and self.elementwise(node.then) and self.elementwise(node.orelse):
            return self.select(cond, take_then, take_else, node, rows)
        a = self.eval(node.then, rows[take_then])
        b = self.eval(node.orelse, rows[take_else])
        n = len(rows)
        fault = _merge(cond.fault, _place(n, [(take_then, a.fault), (take_else, b.fault)]))
        if isinstance(a, Bool):
            assert isinstance(b, Bool)
            value = np.zeros(n, bool)
            value[take_then] = a.value
            value[take_else] = b.value
            return Bool(value, fault)
        assert isinstance(b, Num)
        q = arith.assemble(n, [(take_then, a.q), (take_else, b.q)])
        missing, why = None, None
        if a.missing is not None or b.missing is not None:
            missing = np.zeros(n, bool)
            why = np.full(n, -1, np.int32)
            for where, v in ((take_then, a), (take_else, b)):
                if v.missing is not None:
                    missing[where] = v.missing
                    assert v.why is not None
                    why[where] = v.why
        return Num(q, missing, why, fault)

    def constant(self, node: Expr) -> Fraction | None:
        """The exact value of arithmetic on numbers alone (`0.05 * 100` is 5), worked out
        once instead of for every unit, and reduced, so the columns it multiplies stay
        small; None for anything else, a division by zero or a value past the limit
        (evaluated as usual, which reports it)."""
        if isinstance(node, Number):
            return node.value
        key = id(node)
        if key not in self.constants:
            value: Fraction | None = None
            if isinstance(node, Unary):
                inner = self.constant(node.operand)
                value = None if inner is None else -inner
            elif isinstance(node, Binary):
                a, b = self.constant(node.left), self.constant(node.right)
                if a is not None and b is not None and not (node.op == "/" and b == 0):
                    value = (a + b if node.op == "+" else a - b if node.op == "-"
                             else a * b if node.op == "*" else a / b)
            if value is not None and max(abs(value.numerator), value.denominator) > MAX_MAGNITUDE:
                value = None
            self.constants[key] = value
        return self.constants[key]

    def elementwise(self, node: Expr) -> bool:
        """Whether each row's value of `node` depends on that row alone (no aggregate in
        it), so evaluating it for more rows than need it changes nothing for the others."""
        known = self.elementwise_ids.get(id(node))
        if known is None:
            todo, known = [node], True
            while todo and known:
                n = todo.pop()
                known = not (isinstance(n, Call) and n.name in AGGREGATES)
                todo.extend(children(n))
            self.elementwise_ids[id(node)] = known
        return known

    def select(self, cond: Bool, take_then: BoolArray, take_else: BoolArray, node: If,
               rows: IntArray) -> Num | Bool:
        """`if` with element-wise branches: both evaluated for all the rows, each row
        taking its branch's value, and only its branch's faults and missing values (what
        evaluating each branch for its own rows gives, without splitting the rows and
        putting the pieces back together, which costs more than the arithmetic)."""
        a, b = self.eval(node.then, rows), self.eval(node.orelse, rows)
        fault = _merge(cond.fault, _only(a.fault, take_then), _only(b.fault, take_else))
        if isinstance(a, Bool):
            assert isinstance(b, Bool)
            return Bool(np.where(take_then, a.value, b.value), fault)
        assert isinstance(b, Num)
        q = arith.select(take_then, a.q, b.q)
        if a.missing is None and b.missing is None:
            return Num(q, fault=fault)
        n = len(rows)
        none = np.zeros(n, bool)
        a_missing = none if a.missing is None else a.missing
        b_missing = none if b.missing is None else b.missing
        missing = (take_then & a_missing) | (take_else & b_missing)
        why = np.where(take_then & a_missing, -1 if a.why is None else a.why,
                       np.where(take_else & b_missing, -1 if b.why is None else b.why, -1))
        return Num(q, missing, why.astype(np.int32), fault)

    def call(self, node: Call, rows: IntArray) -> Num | Bool:
        name = node.name
        if name in AGGREGATES:
            return self.aggregate(node, rows)
        if name == "has":
            v = _num(self.eval(node.args[0], rows))
            present = np.ones(len(rows), bool) if v.missing is None else ~v.missing
            return Bool(present, v.fault)
        if name == "coalesce":
            return self.coalesce(node, rows)
        if name == "round":
            v = _num(self.eval(node.args[0], rows))
            places = node.args[1]
            assert isinstance(places, Number)
            q = arith.round_to(v.q, int(places.value), self.env.rounding)
            q, big = self.too_large(q, rows, node)
            return Num(q, fault=_merge(v.fault, self.missing_fault(v, rows, node), big))
        args = [_num(self.eval(a, rows)) for a in node.args]
        faults = [a.fault for a in args] + [self.missing_fault(a, rows, node) for a in args]
        if name in ("min", "max"):
            q = args[0].q
            for a in args[1:]:
                q = arith.select(arith.compare(a.q, q, "<" if name == "min" else ">"), a.q, q)
            return Num(q, fault=_merge(*faults))
        if name == "abs":
            return Num(arith.absolute(args[0].q), fault=_merge(*faults))
        if name == "floor":
            return Num(arith.floor(args[0].q), fault=_merge(*faults))
        if name == "ceil":
            return Num(arith.ceil(args[0].q), fault=_merge(*faults))
        assert name == "clamp", name
        x, lo, hi = (a.q for a in args)
        crossed = arith.compare(lo, hi, ">")
        faults.append(self.new_fault(
            crossed, rows, node, "bounds",
            f"in `{self.src(node)}` (column {node.column}) lo is greater than hi", node.column))
        q = arith.select(arith.compare(x, lo, "<"), lo, x)
        q = arith.select(arith.compare(q, hi, ">"), hi, q)
        return Num(q, fault=_merge(*faults))

    def coalesce(self, node: Call, rows: IntArray) -> Num:
        n = len(rows)
        positions = np.arange(n)
        parts: list[tuple[IntArray, Num]] = []
        for i, arg in enumerate(node.args):
            v = _num(self.eval(arg, rows[positions]))
            parts.append((positions, v))
            if v.missing is None or i == len(node.args) - 1:
                break
            still = v.missing.copy()
            bad = _faulty(v.fault)
            if bad is not None:
                still &= ~bad
            positions = positions[still]
            if not len(positions):
                break
        q = arith.assemble(n, [(p, v.q) for p, v in parts])
        fault = _place(n, [(p, v.fault) for p, v in parts])
        last_positions, last = parts[-1]
        missing, why = None, None
        if last.missing is not None and len(parts) == len(node.args) and last.missing.any():
            missing = np.zeros(n, bool)
            missing[last_positions] = last.missing
            code = self.reason((id(node),), f"`{self.src(node)}` has no value (all of its "
                               "arguments are missing)", self.guard(node), node.column)
            why = np.where(missing, code, -1).astype(np.int32)
            q = arith.fill(q, missing)
        return Num(q, missing, why, fault)

    def aggregate(self, node: Call, rows: IntArray) -> Num:
        kind = node.name.split("_", 1)[1]
        n = len(rows)
        if n == 0:
            return Num(arith.zeros(0))
        env = self.env
        if node.name.startswith("cluster_"):
            needed = np.zeros(int(env.cluster.max()) + 1, bool)     # n > 0 here
            needed[env.cluster[rows]] = True
            arg_rows = np.flatnonzero(needed[env.cluster])
            codes = np.asarray(env.cluster[arg_rows], dtype=np.int64)
            row_codes = np.asarray(env.cluster[rows], dtype=np.int64)
        else:
            arg_rows = np.arange(env.size)
            codes = np.zeros(env.size, np.int64)
            row_codes = np.zeros(n, np.int64)
        self.inside += 1
        try:
            v = _num(self.eval(node.args[0], arg_rows))
        finally:
            self.inside -= 1
        groups = agg.Groups.of(codes)
        bad = _faulty(v.fault)
        present = np.ones(len(arg_rows), bool) if v.missing is None else ~v.missing
        if bad is not None:
            present &= ~bad
        if kind in ("max", "min"):
            result = agg.extreme(v.q, present, groups, kind == "max")
        elif kind in ("sum", "mean"):
            result = agg.total(v.q, present, groups, kind == "mean")
        else:
            counts = agg.count(present, groups)
            result = agg.Result(arith.integers(counts), np.ones(len(counts), bool),
                                np.full(len(counts), -1, np.int64), np.zeros(len(counts), bool))
        group = np.searchsorted(groups.keys, row_codes)
        q = arith.take(result.value, group)
        found = result.present[group]
        faults: list[Fault | None] = []
        if bad is not None and bad.any():
            # Each group fails with the fault of its first failing member.
            sorted_bad = bad[groups.order]
            first = np.minimum.reduceat(np.where(sorted_bad, np.arange(len(arg_rows)),
                                                 len(arg_rows)), groups.starts)
            failed = first < len(arg_rows)
            member = groups.order[np.where(failed, first, 0)]
            assert v.fault is not None
            code = np.where(failed, v.fault.code[member], -1)[group]
            unit = np.where(failed, v.fault.unit[member], -1)[group]
            faults.append(Fault(code.astype(np.int32), unit))
        faults.append(self.new_fault(
            result.too_large[group], rows, node, "too-large",
            f"`{self.src(node)}` (column {node.column}) gives a number whose numerator or "
            "denominator exceeds 10**120", node.column))
        missing, why = None, None
        if not found.all():
            missing = ~found
            place = "cluster" if node.name.startswith("cluster_") else "data"
            reason = self.reason((id(node),), f"`{self.src(node)}` has no value (no unit of "
                                 f"the {place} has one)", self.guard(node), node.column)
            why = np.where(missing, reason, -1).astype(np.int32)
        if self.trace is not None and self.inside == 0 and n == 1:
            which = int(result.which[group[0]])
            broke = any(f is not None and bool(f.mask[0]) for f in faults)
            self.trace[id(node)] = ("fault" if broke else q.fraction(0) if found[0] else None,
                                    int(arg_rows[which]) if which >= 0 else None)
        return Num(q, missing, why, _merge(*faults))

    # -- the whole formula

    def run(self, rows: IntArray) -> Num | Bool:
        for name in self.program.names:
            column = self.env.columns.get(name)
            if column is None:
                raise FormulaError(f"the data has no column '{name}', which the formula reads",
                                   kind="data", text=self.program.text)
            if len(column.values) != self.env.size or len(column.missing) != self.env.size:
                raise FormulaError(f"column '{name}' has {len(column.values)} values for "
                                   f"{self.env.size} units", kind="data")
        return self.eval(self.program.expr, rows)

    def first_problem(self, v: Num | Bool, rows: IntArray) -> FormulaError | None:
        """The error evaluating unit by unit would raise first, if any."""
        bad = _faulty(v.fault)
        missing = v.missing if isinstance(v, Num) else None
        problem = bad if missing is None else (missing if bad is None else bad | missing)
        if problem is None or not problem.any():
            return None
        i = int(np.flatnonzero(problem)[0])
        ids = self.env.unit_ids
        needing = int(rows[i])
        if bad is not None and bad[i]:
            assert v.fault is not None
            kind, text, column = self.fault_table[int(v.fault.code[i])]
            at = int(v.fault.unit[i])
        else:
            assert isinstance(v, Num) and v.why is not None
            what, fix, column = self.reasons[int(v.why[i])]
            kind, text, at = "missing", f"{what}, so the formula has no value; {fix}", needing
        message = f"unit {ids[at]}: {text}"
        if at != needing:
            message += f" (needed for unit {ids[needing]})"
        return FormulaError(message, column, text=self.program.text, kind=kind, unit=ids[at])


def _check_env(env: Env) -> None:
    n = env.size
    if len(env.cluster) != n:
        raise FormulaError(f"{len(env.cluster)} cluster codes for {n} units", kind="data")
    if n and int(np.min(env.cluster)) < 0:
        raise FormulaError("cluster codes must be 0 or more", kind="data")


def evaluate(program: Program, env: Env, live: BoolArray | None = None,
             reduced: bool = True) -> Value:
    """The program's value for every unit in `live` (default: all), exactly.

    Raises FormulaError for the first unit (in order) whose value needs a missing value,
    divides by zero, or grows too large; units outside `live` are returned as missing."""
    _check_env(env)
    if live is None:
        rows = np.arange(env.size)
    else:
        live = np.asarray(live, dtype=bool)
        if len(live) != env.size:
            raise FormulaError(f"live mask has {len(live)} entries for {env.size} units",
                               kind="data")
        rows = np.flatnonzero(live)
    run = Evaluation(program, env)
    v = run.run(rows)
    problem = run.first_problem(v, rows)
    if problem is not None:
        raise problem
    n = env.size
    if live is None:
        missing = np.zeros(n, bool)
    else:
        missing = np.ones(n, bool)
        missing[rows] = False
    if isinstance(v, Bool):
        value = np.zeros(n, bool)
        value[rows] = v.value
        return BooleanValue(value, missing)
    q = v.q if len(rows) == n else arith.assemble(n, [(rows, v.q)])
    if reduced:        # the caller may only round it, which needs no gcd per unit
        q = arith.make(q.num, q.den, force=True, common=q.common)
    return NumberValue(q.num, q.den, missing, q.common)


def to_points(value: NumberValue, scale: int, rounding: Rounding) -> IntArray:
    """Each unit's value as an integer of 10**-scale points, rounded once with `rounding`
    (num * 10**scale / den through `exact.div_round`); 0 where the value is missing."""
    num, den = value.num, value.den
    if value.missing.any():
        num = np.where(value.missing, 0, num)
        den = np.where(value.missing, value.common or 1, den)
    return arith.to_points(arith.make(num, den, reduce=False, common=value.common), scale, rounding)
