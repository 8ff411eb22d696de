"""Exact rational arithmetic on whole arrays: a value per unit as numerator/denominator.

Every `Q` has a positive denominator; it is reduced (gcd 1) only when its terms grow
large (`REDUCE_FROM`) or a caller forces it, and always equals what `fractions.Fraction`
would hold. Arrays are int64 while every element is below
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
    common: int = 0
    """The denominator every element has, when that is known (a column of the data at its
    scale, a constant, sums and products of those): 0 when not known or not all the same.
    With it, sums, comparisons and the final rounding work on numerators alone."""

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


def make(num: IntArray, den: IntArray, reduce: bool = True, force: bool = False,
         common: int = 0) -> Q:
    """A Q from arrays (den > 0), reduced unless the caller knows it already is, or it is
    small enough to stay unreduced (`force`: reduce whatever its size). `common`: the
    denominator all elements share, if the caller knows one (lost if reduced)."""
    nb = max_abs(num)
    db = common or max_abs(den)
    if db == 1:             # every denominator is 1 (they are positive)
        common = 1
    if (reduce or force) and db != 1 and (force or max(nb, db) >= REDUCE_FROM):
        g = np.gcd(num, den)
        num, den = num // g, den // g
        nb, db, common = max_abs(num), max_abs(den), 0
    return Q(_narrow(num, nb), _narrow(den, db), nb, db, common)


def _times(a: IntArray, k: int) -> IntArray:
    """a * k, staying a view of one value when `a` is one (a constant)."""
    if k == 1:
        return a
    if a.ndim == 1 and len(a) and a.strides[0] == 0:
        return _full(len(a), int(a[0]) * k)
    return a * k


def _full(size: int, value: int) -> IntArray:
    """`size` copies of one value, as a read-only view of it (nothing is written into a
    Q's arrays; every operation makes new ones)."""
    one = np.array(value, dtype=object if abs(value) >= INT64_ROOM else np.int64)
    return np.broadcast_to(one, (size,))


def integers(values: IntArray, scale: int = 0) -> Q:
    """Integers counted in 10**-scale units (a Column's values) as exact rationals."""
    if values.dtype != object:
        values = values.astype(np.int64, copy=False)
        if max_abs(values) >= INT64_ROOM:
            values = values.astype(object)
    unit = 10**scale
    return make(values, _full(len(values), unit), reduce=scale > 0, common=unit)


def const(value: Fraction, size: int) -> Q:
    num, den = value.numerator, value.denominator
    return Q(_full(size, num), _full(size, den), abs(num), den, den)


def zeros(size: int) -> Q:
    return Q(np.zeros(size, np.int64), np.ones(size, np.int64), 0, 1)


def add(a: Q, b: Q, sign: int = 1) -> Q:
    if a.common and b.common:       # over the least common denominator, numerators alone
        den = math.lcm(a.common, b.common)
        fa, fb = den // a.common, den // b.common
        n1, n2 = widen(max(a.nb * fa + b.nb * fb, fa, fb), a.num, b.num)
        n1, n2 = _times(n1, fa), _times(n2, fb)
        dens = a.den if fa == 1 else b.den if fb == 1 else _full(len(a), den)
        return make(n1 + n2 if sign > 0 else n1 - n2, dens, common=den)
    bound = max(a.nb * b.db + b.nb * a.db, a.db * b.db)
    n1, d1, n2, d2 = widen(bound, a.num, a.den, b.num, b.den)
    return make(n1 * d2 + n2 * d1 if sign > 0 else n1 * d2 - n2 * d1, d1 * d2)


def mul(a: Q, b: Q) -> Q:
    bound = max(a.nb * b.nb, a.db * b.db)
    if a.common and b.common:
        n1, n2 = widen(bound, a.num, b.num)
        common = a.common * b.common
        dens = a.den if b.common == 1 else b.den if a.common == 1 else _full(len(a), common)
        return make(n1 * n2, dens, reduce=common != 1, common=common)
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
    return Q(-a.num, a.den, a.nb, a.db, a.common)


def absolute(a: Q) -> Q:
    return Q(np.abs(a.num), a.den, a.nb, a.db, a.common)


def compare(a: Q, b: Q, op: str) -> BoolArray:
    fn = _COMPARE[op]
    if a.common and a.common == b.common:
        return np.asarray(fn(a.num, b.num), dtype=bool)
    if a.common and b.common:
        common = math.lcm(a.common, b.common)
        fa, fb = common // a.common, common // b.common
        n1, n2 = widen(max(a.nb * fa, b.nb * fb, fa, fb), a.num, b.num)
        return np.asarray(fn(_times(n1, fa), _times(n2, fb)), dtype=bool)
    bound = max(a.nb * b.db, b.nb * a.db)
    n1, d1, n2, d2 = widen(bound, a.num, a.den, b.num, b.den)
    return np.asarray(fn(n1 * d2, n2 * d1), dtype=bool)


def select(mask: BoolArray, a: Q, b: Q) -> Q:
    """a where mask, else b."""
    if a.common and b.common:       # over the least common denominator: numerators alone
        common = math.lcm(a.common, b.common)
        fa, fb = common // a.common, common // b.common
        n1, n2 = widen(max(a.nb * fa, b.nb * fb, fa, fb), a.num, b.num)
        num = np.where(mask, _times(n1, fa), _times(n2, fb))
        den = a.den if fa == 1 else b.den if fb == 1 else _full(len(a), common)
        nb = max(a.nb * fa, b.nb * fb)
        return Q(_narrow(num, nb), den, nb, common, common)
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
    return make(q, _full(len(q), factor), common=factor)


def take(a: Q, index: IntArray) -> Q:
    return make(a.num[index], a.den[index], reduce=False, common=a.common)


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
    if a.common:
        return make(np.where(mask, 0, a.num), a.den, reduce=False, common=a.common)
    return make(np.where(mask, 0, a.num), np.where(mask, 1, a.den), reduce=False)


def too_large(a: Q) -> BoolArray | None:
    """Where |num| or den exceeds MAX_MAGNITUDE (None when nowhere)."""
    if a.nb <= MAX_MAGNITUDE and a.db <= MAX_MAGNITUDE:
        return None
    return np.asarray((np.abs(a.num) > MAX_MAGNITUDE) | (a.den > MAX_MAGNITUDE), dtype=bool)


def to_points(a: Q, scale: int, mode: Rounding) -> IntArray:
    """num * 10**scale / den rounded once with `mode` (`exact.div_round`)."""
    factor = 10**scale
    if a.common and factor % a.common == 0:     # exact already: no division, no rounding
        k = factor // a.common
        (num,) = widen(a.nb * k, a.num)
        return _narrow(num * k, a.nb * k)
    (num,) = widen(a.nb * factor * 2, a.num)
    points: IntArray = div_round(num * factor, a.common or a.den, mode)
    return _narrow(points, max_abs(points))


def capped_lcm(a: int, b: int) -> int:
    """lcm(a, b), or 0 when it (or either argument) is 0 or over MAX_MAGNITUDE."""
    if a == 0 or b == 0:
        return 0
    m = math.lcm(a, b)
    return m if m <= MAX_MAGNITUDE else 0
