"""The one rule by which every award takes its recipients, per cluster or from a pool.

Candidates come in order: by group (a cluster, or one pool), then by place (their
shared position under the ranking; equal places are a tie), then in a stable order
that only lists tied units. In each group, blocks of one place are taken best first
while recipients are fewer than the slots. A block is *reached* while fewer than
`slots` eligible units came before it in its group; its ineligible units are passed
over (each with its reason); its eligible units are all taken if they fit, and if they
do not, none of them is: the tie goes to the council, and no lower block is reached.
Units below the last block reached were never passed over, so nothing is said of them.

The rule is written once, with whole-column arithmetic (a Python loop per cluster is
slow at a million units); `tests/test_picker.py` holds it to a plain loop.
"""

from __future__ import annotations

import numpy as np
from attrs import frozen

from emuscore.exact import IntArray


@frozen(eq=False)
class Passed:
    """A unit that was reached but not taken."""

    unit: int
    tie: tuple[int, ...]
    """The eligible units of its block when it is one of a tie that overflows the slots
    (it included); () when it was ineligible."""
    place: int
    remaining: int
    """Slots left in its group when its block was reached."""


@frozen(eq=False)
class Picked:
    chosen: IntArray
    """The recipients (unit indices), in candidate order."""
    passed: tuple[Passed, ...]
    """In candidate order, the ineligible units of a block before its tie."""


def pick(candidates: IntArray, group: IntArray, place: IntArray, eligible: IntArray,
         slots: int, max_place: int | None = None) -> Picked:
    """`candidates`: unit indices in (group, place, stable) order; `group`, `place` and
    `eligible` (bool) are aligned with it. Places after `max_place` (an award's
    `max_rank`) are never reached: those units were never candidates, so get no reason."""
    n = len(candidates)
    if n == 0:
        return Picked(np.zeros(0, np.int64), ())
    eligible = np.asarray(eligible, bool)
    new_group = np.r_[True, group[1:] != group[:-1]]
    new_block = new_group | np.r_[True, place[1:] != place[:-1]]
    block = np.cumsum(new_block) - 1
    starts = np.r_[np.flatnonzero(new_block), n]                       # of each block
    fits = np.bincount(block, weights=eligible).astype(np.int64)    # eligible per block
    before = np.cumsum(fits) - fits                                    # ... in earlier blocks
    before -= before[block[new_group]][np.cumsum(new_group[starts[:-1]]) - 1]  # ... of its group
    reached = (before < slots)[block]
    if max_place is not None:
        reached &= place <= max_place
    overflow = ((before < slots) & (before + fits > slots))[block]
    chosen = candidates[eligible & reached & ~overflow]
    at = np.flatnonzero(reached & (~eligible | overflow))
    at = at[np.lexsort((eligible[at], block[at]))]     # in a block, the ineligible first
    passed = []
    for pos in at.tolist():
        b = block[pos]
        tie: tuple[int, ...] = ()
        if eligible[pos]:
            members = slice(starts[b], starts[b + 1])
            tie = tuple(candidates[members][eligible[members]].tolist())
        passed.append(Passed(int(candidates[pos]), tie, int(place[pos]), int(slots - before[b])))
    return Picked(chosen, tuple(passed))


def shared_places(keys: list[IntArray], n: int, group: IntArray | None = None) -> IntArray:
    """1-based positions of n rows already sorted by (group and) `keys`, counted within
    each group, equal rows sharing the first one's position (competition ranking: 1, 2,
    2, 4)."""
    if n == 0:
        return np.zeros(0, np.int64)
    new_group = np.zeros(n, bool)
    new_group[0] = True
    if group is not None:
        new_group[1:] = group[1:] != group[:-1]
    new = new_group.copy()
    for key in keys:
        new[1:] |= key[1:] != key[:-1]
    position = np.arange(n)
    start = np.maximum.accumulate(np.where(new_group, position, 0))
    first = np.maximum.accumulate(np.where(new, position, 0))
    places: IntArray = first - start + 1
    return places
