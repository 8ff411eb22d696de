"""An independent evaluator for formula trees: plain `fractions.Fraction`, one unit at a
time, each aggregate computed by walking the unit's whole cluster.

It reads only the tree's node classes (the parser's output); it shares no code with the
vectorised evaluator, so the property tests compare two implementations of the rules in
docs/formulas.md:

- a missing value reaching arithmetic, a comparison, a function other than has/coalesce,
  or the result, is an error ("missing") at the unit being computed;
- division by zero is an error ("division"); clamp with lo > hi is an error ("bounds");
- an operation whose exact result has a numerator or denominator over 10**120 is an
  error ("too-large"), as is a sum or mean whose values' common denominator is;
- operands are evaluated left to right, all of them before the operation looks at
  them; `and`, `or`, `if` and `coalesce` evaluate only what they need;
- an aggregate evaluates its argument at every unit of the group, in order, and
  ignores missing values; an error there is reported at the member unit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

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
)

LIMIT = 10**120

Scalar = Fraction | bool | None


class OracleError(Exception):
    def __init__(self, kind: str, unit: int) -> None:
        super().__init__(f"{kind} at unit {unit}")
        self.kind = kind
        self.unit = unit


def round_half(x: Fraction, mode: str) -> int:
    """x to an integer: half-up/up away from zero, down toward zero, half-even to even."""
    sign = -1 if x < 0 else 1
    m = abs(x)
    whole = m.numerator // m.denominator
    rest = m - whole
    half = Fraction(1, 2)
    if mode == "up":
        whole += rest > 0
    elif mode == "half-up":
        whole += rest >= half
    elif mode == "half-even":
        whole += rest > half or (rest == half and whole % 2 == 1)
    else:
        assert mode == "down"
    return sign * whole


class Oracle:
    def __init__(self, columns: Mapping[str, Sequence[Fraction | None]], cluster: Sequence[int],
                 rounding: str = "half-up") -> None:
        self.columns = columns
        self.cluster = list(cluster)
        self.rounding = rounding
        self.cache: dict[tuple[int, int], Scalar] = {}

    def run(self, expr: Expr, units: Sequence[int]) -> dict[int, Fraction | bool]:
        """Every listed unit's value, in order; raises OracleError at the first failure."""
        out: dict[int, Fraction | bool] = {}
        for u in units:
            value = self.eval(expr, u)
            if value is None:
                raise OracleError("missing", u)
            out[u] = value
        return out

    def limit(self, x: Fraction, u: int) -> Fraction:
        if abs(x.numerator) > LIMIT or x.denominator > LIMIT:
            raise OracleError("too-large", u)
        return x

    @staticmethod
    def need(x: Scalar, u: int) -> Fraction:
        if x is None:
            raise OracleError("missing", u)
        assert isinstance(x, Fraction)
        return x

    def eval(self, node: Expr, u: int) -> Scalar:
        if isinstance(node, Number):
            return node.value
        if isinstance(node, Name):
            return self.columns[node.text][u]
        if isinstance(node, Unary):
            return -self.need(self.eval(node.operand, u), u)
        if isinstance(node, Binary):
            left, right = self.eval(node.left, u), self.eval(node.right, u)
            a, b = self.need(left, u), self.need(right, u)
            if node.op == "+":
                r = a + b
            elif node.op == "-":
                r = a - b
            elif node.op == "*":
                r = a * b
            else:
                if b == 0:
                    raise OracleError("division", u)
                r = a / b
            return self.limit(r, u)
        if isinstance(node, Compare):
            left, right = self.eval(node.left, u), self.eval(node.right, u)
            a, b = self.need(left, u), self.need(right, u)
            return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b,
                    ">=": a >= b}[node.op]
        if isinstance(node, BoolOp):
            first = self.eval(node.left, u)
            if node.op == "and":
                return self.eval(node.right, u) if first else False
            return True if first else self.eval(node.right, u)
        if isinstance(node, Not):
            return not self.eval(node.operand, u)
        if isinstance(node, If):
            return self.eval(node.then if self.eval(node.cond, u) else node.orelse, u)
        assert isinstance(node, Call)
        return self.call(node, u)

    def call(self, node: Call, u: int) -> Scalar:
        name = node.name
        if name == "has":
            return self.eval(node.args[0], u) is not None
        if name == "coalesce":
            for arg in node.args:
                x = self.eval(arg, u)
                if x is not None:
                    return x
            return None
        if name.startswith(("cluster_", "all_")):
            return self.aggregate(node, u)
        if name == "round":
            x = self.need(self.eval(node.args[0], u), u)
            places = node.args[1]
            assert isinstance(places, Number)
            factor = 10 ** int(places.value)
            return self.limit(Fraction(round_half(x * factor, self.rounding), factor), u)
        values = [self.eval(a, u) for a in node.args]
        xs = [self.need(v, u) for v in values]
        if name == "min":
            return min(xs)
        if name == "max":
            return max(xs)
        if name == "abs":
            return abs(xs[0])
        if name == "floor":
            return Fraction(math.floor(xs[0]))
        if name == "ceil":
            return Fraction(math.ceil(xs[0]))
        assert name == "clamp"
        x, lo, hi = xs
        if lo > hi:
            raise OracleError("bounds", u)
        return min(max(x, lo), hi)

    def members(self, node: Call, u: int) -> list[int]:
        if node.name.startswith("cluster_"):
            return [v for v, c in enumerate(self.cluster) if c == self.cluster[u]]
        return list(range(len(self.cluster)))

    def aggregate(self, node: Call, u: int) -> Scalar:
        group = self.cluster[u] if node.name.startswith("cluster_") else -1
        key = (id(node), group)
        if key in self.cache:
            return self.cache[key]
        present: list[tuple[Fraction, int]] = []
        for v in self.members(node, u):
            x = self.eval(node.args[0], v)
            if x is not None:
                assert isinstance(x, Fraction)
                present.append((x, v))
        kind = node.name.split("_", 1)[1]
        result: Scalar
        if kind == "count":
            result = Fraction(len(present))
        elif not present:
            result = None
        elif kind == "max":
            result = max(x for x, _ in present)
        elif kind == "min":
            result = min(x for x, _ in present)
        else:
            common = 1
            for x, _ in present:
                common = math.lcm(common, x.denominator)
            if common > LIMIT:
                raise OracleError("too-large", u)
            total = sum((x for x, _ in present), Fraction(0))
            result = self.limit(total if kind == "sum" else total / len(present), u)
        self.cache[key] = result
        return result

    def supplier(self, node: Call, u: int) -> int | None:
        """For cluster_max/min (and all_max/min): the first unit holding the extreme."""
        values = [(self.eval(node.args[0], v), v) for v in self.members(node, u)]
        present = [(x, v) for x, v in values if x is not None]
        if not present:
            return None
        best = max(x for x, _ in present) if node.name.endswith("max") else min(
            x for x, _ in present)
        return next(v for x, v in present if x == best)
