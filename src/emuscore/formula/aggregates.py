"""Grouped aggregates (max, min, sum, mean, count) over exact rationals, ignoring
missing values, without a Python loop per unit.

Max and min are a segmented pairwise reduction (log2 of the largest group rounds, each
one vectorised) with exact cross-multiplied comparisons, remembering which element
supplied the result (the first of equal ones). Sums bring every group to a common
denominator: one for all groups when the lcm of all denominators is small, else each
group's own, found by the same pairwise reduction with a capped lcm."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from attrs import frozen

from emuscore.exact import INT64_ROOM, IntArray, max_abs, widen
from emuscore.formula import arith
from emuscore.formula.arith import BoolArray, Q
from emuscore.formula.errors import MAX_MAGNITUDE


@frozen(eq=False)
class Groups:
    """Elements sorted by group: `order` sorts them, `starts` begins each group's run."""

    order: IntArray
    starts: IntArray
    lengths: IntArray
    keys: IntArray  # the group code of each run

    @classmethod
    def of(cls, codes: IntArray) -> Groups:
        order = np.argsort(codes, kind="stable")
        ranked = codes[order]
        if len(ranked) == 0:
            empty = np.zeros(0, np.int64)
            return cls(order, empty, empty, empty)
        edge = np.flatnonzero(np.diff(ranked)) + 1
        starts = np.concatenate(([0], edge)).astype(np.int64)
        lengths = np.diff(np.concatenate((starts, [len(ranked)]))).astype(np.int64)
        return cls(order, starts, lengths, ranked[starts])


@frozen(eq=False)
class Result:
    """One value per group: the value (0/1 where absent), whether any value was present,
    which sorted-away element supplied it (max/min; -1 otherwise), and where the
    group's result is too large."""

    value: Q
    present: BoolArray
    which: IntArray
    too_large: BoolArray


def _pairwise(groups: Groups, size: int, combine: Callable[[IntArray, IntArray], None]) -> None:
    """Call combine(left, right) on positions (in sorted order) so that after all rounds
    each group's start holds the reduction of the group, left to right."""
    if size == 0:
        return
    longest = int(groups.lengths.max())
    offset = np.arange(size) - np.repeat(groups.starts, groups.lengths)
    length = np.repeat(groups.lengths, groups.lengths)
    step = 1
    while step < longest:
        left = np.flatnonzero((offset % (2 * step) == 0) & (offset + step < length))
        combine(left, left + step)
        step *= 2


def extreme(values: Q, present: BoolArray, groups: Groups, largest: bool) -> Result:
    """The max (or min) of the present values of each group, and which element gave it."""
    order = groups.order
    bound = values.nb * values.db
    num, den = widen(bound, values.num[order], values.den[order])
    num, den = num.copy(), den.copy()
    here = present[order].copy()
    which = order.astype(np.int64).copy()

    def combine(left: IntArray, right: IntArray) -> None:
        nl, dl, nr, dr = num[left], den[left], num[right], den[right]
        better = (nr * dl > nl * dr) if largest else (nr * dl < nl * dr)
        take = here[right] & (~here[left] | better)
        pick = left[take]
        src = right[take]
        num[pick] = num[src]
        den[pick] = den[src]
        which[pick] = which[src]
        here[pick] = True

    _pairwise(groups, len(order), combine)
    s = groups.starts
    found = here[s]
    value = arith.make(np.where(found, num[s], 0), np.where(found, den[s], 1), reduce=False)
    return Result(value, found, np.where(found, which[s], -1), np.zeros(len(s), bool))


def count(present: BoolArray, groups: Groups) -> IntArray:
    if len(groups.starts) == 0:
        return np.zeros(0, np.int64)
    counted: IntArray = np.add.reduceat(present[groups.order].astype(np.int64), groups.starts)
    return counted


def _global_lcm(dens: IntArray) -> int:
    """lcm of all the denominators, or 0 when it exceeds MAX_MAGNITUDE."""
    common = 1
    for d in np.unique(dens).tolist():
        common = math.lcm(common, int(d))
        if common > MAX_MAGNITUDE:
            return 0
    return common


def _group_lcm(dens: IntArray, groups: Groups) -> IntArray:
    """Each group's lcm of `dens` (given in sorted order), 0 where it exceeds
    MAX_MAGNITUDE, by pairwise reduction."""
    acc = dens.astype(object)
    lcm = np.frompyfunc(arith.capped_lcm, 2, 1)

    def combine(left: IntArray, right: IntArray) -> None:
        acc[left] = lcm(acc[left], acc[right])

    _pairwise(groups, len(acc), combine)
    return acc[groups.starts]


def total(values: Q, present: BoolArray, groups: Groups, mean: bool) -> Result:
    """The sum (or mean) of the present values of each group, exactly.

    A group whose values' common denominator (their lcm) exceeds MAX_MAGNITUDE, or whose
    result does, is marked too large."""
    n_groups = len(groups.starts)
    order = groups.order
    here = present[order]
    num = np.where(here, values.num[order], 0)
    den = np.where(here, values.den[order], 1)
    common = _global_lcm(den[here]) if here.any() else 1
    bad = np.zeros(n_groups, bool)
    if common:
        group_den: IntArray = np.full(n_groups, common,
                                      dtype=object if common >= INT64_ROOM else np.int64)
        factor: IntArray | int = common
        factor_bound = common
    else:
        per_group = _group_lcm(den, groups)
        bad = np.asarray(per_group == 0, dtype=bool)
        group_den = np.where(bad, 1, per_group)
        factor = np.repeat(group_den, groups.lengths)
        factor_bound = max_abs(group_den)
    longest = int(groups.lengths.max()) if n_groups else 1
    bound = values.nb * factor_bound * longest
    num, den = widen(bound, num, den)
    if isinstance(factor, int):
        scaled = num * (factor // den)
    else:
        (factor,) = widen(bound, factor)
        scaled = num * (factor // den)
    sums: IntArray = (np.add.reduceat(scaled, groups.starts) if n_groups
                      else np.zeros(0, np.int64))
    counts = count(present, groups)
    found = counts > 0
    void = bad | ~found
    sums = np.where(void, 0, sums)
    group_den = np.where(void, 1, group_den)
    if mean:
        (group_den,) = widen(max_abs(group_den) * longest, group_den)
        group_den = group_den * np.where(found, counts, 1)
    value = arith.make(sums, group_den)
    big = arith.too_large(value)
    if big is not None:
        bad = bad | big
        value = arith.fill(value, bad)
    return Result(value, found, np.full(n_groups, -1, np.int64), bad & found)
