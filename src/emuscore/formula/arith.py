"""Exact rational arithmetic on whole arrays: a value per unit as numerator/denominator.

Every `Q` is reduced (gcd 1) with a positive denominator, so it equals what
`fractions.Fraction` would hold. Arrays are int64 while every element is below
`INT64_ROOM` in magnitude and each product is checked against the bounds before it is
formed (as `exact.widen` does); otherwise they are Python-int object arrays."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from attrs import frozen

from emuscore.exact import INT64_ROOM, IntArray, Rounding, div_round, max_abs, widen
from emuscore.formula.errors import MAX_MAGNITUDE

BoolArray = np.ndarray[Any, np.dtype[np.bool_]]

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


@frozen(eq=False)
class Q:
    """Exact rationals num/den, one per element; `nb`/`db` bound |num| and den."""

    num: IntArray
    den: IntArray
    nb: int
    db: int

    def __len__(self) -> int:
        return len(self.num)

    def fraction(self, i: int) -> Fraction:
        return Fraction(int(self.num[i]), int(self.den[i]))


def _narrow(a: IntArray, bound: int) -> IntArray:
    if a.dtype == object and bound < INT64_ROOM:
        return a.astype(np.int64)
    return a


REDUCE_FROM = 2**31
"""Intermediates are reduced (a gcd per unit, the costliest step of a formula) only once
a numerator or denominator reaches this; small ones stay exact unreduced, and the final
value is always reduced (`evaluate`)."""


def make(num: IntArray, den: IntArray, reduce: bool = True, force: bool = False) -> Q:
    """A Q from arrays (den > 0), reduced unless the caller knows it already is, or it is
    small enough to stay unreduced (`force`: reduce whatever its size)."""
    nb, db = max_abs(num), max_abs(den)
    if (reduce or force) and db != 1 and (force or max(nb, db) >= REDUCE_FROM):
        g = np.gcd(num, den)
        num, den = num // g, den // g
        nb, db = max_abs(num), max_abs(den)
    return Q(_narrow(num, nb), _narrow(den, db), nb, db)


def integers(values: IntArray, scale: int = 0) -> Q:
    """Integers counted in 10**-scale units (a Column's values) as exact rationals."""
    if values.dtype != object:
        values = values.astype(np.int64, copy=False)
        if max_abs(values) >= INT64_ROOM:
            values = values.astype(object)
    unit = 10**scale
    den = np.full(len(values), unit, dtype=object if unit >= INT64_ROOM else np.int64)
    return make(values, den, reduce=scale > 0)


def const(value: Fraction, size: int) -> Q:
    num, den = value.numerator, value.denominator
    big = max(abs(num), den) >= INT64_ROOM
    dtype: Any = object if big else np.int64
    return Q(np.full(size, num, dtype=dtype), np.full(size, den, dtype=dtype), abs(num), den)


def zeros(size: int) -> Q:
    return Q(np.zeros(size, np.int64), np.ones(size, np.int64), 0, 1)


def add(a: Q, b: Q, sign: int = 1) -> Q:
    if a.db == 1 and b.db == 1:
        n1, n2 = widen(a.nb + b.nb, a.num, b.num)
        return make(n1 + n2 if sign > 0 else n1 - n2, a.den, reduce=False)
    bound = max(a.nb * b.db + b.nb * a.db, a.db * b.db)
    n1, d1, n2, d2 = widen(bound, a.num, a.den, b.num, b.den)
    return make(n1 * d2 + n2 * d1 if sign > 0 else n1 * d2 - n2 * d1, d1 * d2)


def mul(a: Q, b: Q) -> Q:
    bound = max(a.nb * b.nb, a.db * b.db)
    n1, d1, n2, d2 = widen(bound, a.num, a.den, b.num, b.den)
    return make(n1 * n2, d1 * d2, reduce=not (a.db == 1 and b.db == 1))


def div(a: Q, b: Q) -> Q:
    """a / b where no element of b is zero (the caller substitutes 1 where it is)."""
    bound = max(a.nb * b.db, a.db * b.nb)
    n1, d1, n2, d2 = widen(bound, a.num, a.den, b.num, b.den)
    negative = n2 < 0
    num = n1 * d2
    return make(np.where(negative, -num, num), d1 * np.abs(n2))


def neg(a: Q) -> Q:
    return Q(-a.num, a.den, a.nb, a.db)


def absolute(a: Q) -> Q:
    return Q(np.abs(a.num), a.den, a.nb, a.db)


def compare(a: Q, b: Q, op: str) -> BoolArray:
    fn = _COMPARE[op]
    if a.db == 1 and b.db == 1:
        return np.asarray(fn(a.num, b.num), dtype=bool)
    bound = max(a.nb * b.db, b.nb * a.db)
    n1, d1, n2, d2 = widen(bound, a.num, a.den, b.num, b.den)
    return np.asarray(fn(n1 * d2, n2 * d1), dtype=bool)


def select(mask: BoolArray, a: Q, b: Q) -> Q:
    """a where mask, else b."""
    num = np.where(mask, a.num, b.num)
    den = np.where(mask, a.den, b.den)
    return Q(num, den, max(a.nb, b.nb), max(a.db, b.db))


def floor(a: Q) -> Q:
    if a.db == 1:
        return a
    return make(a.num // a.den, np.ones_like(a.den), reduce=False)


def ceil(a: Q) -> Q:
    if a.db == 1:
        return a
    return make(-((-a.num) // a.den), np.ones_like(a.den), reduce=False)


def round_to(a: Q, places: int, mode: Rounding) -> Q:
    """a rounded to `places` decimals with the given mode (as `exact.div_round`)."""
    factor = 10**places
    (num,) = widen(a.nb * factor * 2, a.num)
    q = div_round(num * factor, a.den, mode)
    den = np.full(len(q), factor, dtype=object if factor >= INT64_ROOM else np.int64)
    return make(q, den)


def take(a: Q, index: IntArray) -> Q:
    return make(a.num[index], a.den[index], reduce=False)


def assemble(size: int, parts: Sequence[tuple[IntArray | BoolArray, Q]]) -> Q:
    """One Q of `size` elements from pieces placed at the given positions (0 elsewhere)."""
    wide = any(q.num.dtype == object or q.den.dtype == object for _, q in parts)
    dtype: Any = object if wide else np.int64
    num = np.zeros(size, dtype=dtype)
    den = np.ones(size, dtype=dtype)
    for where, q in parts:
        num[where] = q.num
        den[where] = q.den
    return Q(num, den, max((q.nb for _, q in parts), default=0),
             max((q.db for _, q in parts), default=1))


def fill(a: Q, mask: BoolArray) -> Q:
    """a with 0 (as 0/1) at the masked elements."""
    return make(np.where(mask, 0, a.num), np.where(mask, 1, a.den), reduce=False)


def too_large(a: Q) -> BoolArray | None:
    """Where |num| or den exceeds MAX_MAGNITUDE (None when nowhere)."""
    if a.nb <= MAX_MAGNITUDE and a.db <= MAX_MAGNITUDE:
        return None
    return np.asarray((np.abs(a.num) > MAX_MAGNITUDE) | (a.den > MAX_MAGNITUDE), dtype=bool)


def to_points(a: Q, scale: int, mode: Rounding) -> IntArray:
    """num * 10**scale / den rounded once with `mode` (`exact.div_round`)."""
    factor = 10**scale
    (num,) = widen(a.nb * factor * 2, a.num)
    points: IntArray = div_round(num * factor, a.den, mode)
    return _narrow(points, max_abs(points))


def capped_lcm(a: int, b: int) -> int:
    """lcm(a, b), or 0 when it (or either argument) is 0 or over MAX_MAGNITUDE."""
    if a == 0 or b == 0:
        return 0
    m = math.lcm(a, b)
    return m if m <= MAX_MAGNITUDE else 0
