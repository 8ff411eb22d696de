"""The one award picker against a plain loop over sorted candidates, and the multi-key
ranking (with the entry that decided each place) against plain `sorted()`."""

from __future__ import annotations

import attrs
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from conftest import ruleset
from emuscore.io.csv_data import dataset_from_rows
from emuscore.model import Ranking
from emuscore.pipeline.picker import Passed, pick, shared_places
from emuscore.pipeline.rank import rank
from emuscore.result import Scores


def reference_pick(candidates, group, place, eligible, slots, max_place):
    """Group by group, place by place: take a place's eligible units while they fit; pass
    over its ineligible ones; a tie that does not fit is passed over whole, and ends the
    group."""
    chosen, passed = [], []
    n = len(candidates)
    start = 0
    while start < n:
        end = start
        while end < n and group[end] == group[start]:
            end += 1
        taken, k = 0, start
        while k < end and taken < slots:
            if max_place is not None and place[k] > max_place:
                break
            block = [m for m in range(k, end) if place[m] == place[k]]
            fits = [m for m in block if eligible[m]]
            passed += [(int(candidates[m]), (), int(place[m]), slots - taken)
                       for m in block if not eligible[m]]
            if taken + len(fits) > slots:
                tie = tuple(int(candidates[m]) for m in fits)
                passed += [(int(candidates[m]), tie, int(place[m]), slots - taken) for m in fits]
                break
            chosen += [int(candidates[m]) for m in fits]
            taken += len(fits)
            k = block[-1] + 1
        start = end
    return chosen, passed


@st.composite
def candidate_lists(draw):
    sizes = draw(st.lists(st.integers(1, 9), min_size=1, max_size=4))
    group, place = [], []
    for g, size in enumerate(sizes):
        steps = draw(st.lists(st.integers(0, 2), min_size=size, max_size=size))
        p = 1
        for i, step in enumerate(steps):
            p += step if i else 0
            group.append(g)
            place.append(p)
    n = len(group)
    candidates = draw(st.permutations(range(n)))
    eligible = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return (np.array(candidates, np.int64), np.array(group, np.int64), np.array(place, np.int64),
            np.array(eligible, bool))


@given(candidate_lists(), st.integers(0, 5), st.none() | st.integers(1, 6))
def test_the_award_picker_is_the_plain_loop(candidates, slots, max_place):
    cands, group, place, eligible = candidates
    picked = pick(cands, group, place, eligible, slots, max_place)
    chosen, passed = reference_pick(cands, group, place, eligible, slots, max_place)
    assert picked.chosen.tolist() == chosen
    assert [(p.unit, p.tie, p.place, p.remaining) for p in picked.passed] == passed


@given(candidate_lists(), st.integers(0, 5))
def test_the_picker_never_exceeds_the_slots_of_a_group(candidates, slots):
    cands, group, place, eligible = candidates
    picked = pick(cands, group, place, eligible, slots)
    group_of = dict(zip(cands.tolist(), group.tolist(), strict=True))
    taken = [group_of[u] for u in picked.chosen.tolist()]
    assert all(taken.count(g) <= slots for g in set(taken))
    assert all(isinstance(p, Passed) and (p.tie or not eligible[cands.tolist().index(p.unit)])
               for p in picked.passed)


def test_a_tie_for_the_last_slot_takes_nobody_and_names_every_tied_unit():
    picked = pick(np.array([7, 8, 9]), np.zeros(3, np.int64), np.array([1, 2, 2]),
                  np.array([True, True, True]), 2)
    assert picked.chosen.tolist() == [7]
    assert [(p.unit, p.tie, p.remaining) for p in picked.passed] == [(8, (8, 9), 1), (9, (8, 9), 1)]


@given(st.lists(st.lists(st.integers(-3, 3), min_size=2, max_size=2), min_size=1, max_size=30))
def test_shared_places_are_competition_ranks(rows):
    rows = sorted(rows)
    keys = [np.array([r[0] for r in rows]), np.array([r[1] for r in rows])]
    want = [1 + sum(1 for other in rows if other < row) for row in rows]
    assert shared_places(keys, len(rows)).tolist() == want


# --- ranking ---------------------------------------------------------------------------

def natural(unit_id):
    return (0, int(unit_id), "") if unit_id.isdigit() else (1, 0, unit_id)


ORDERS = [("total desc", "group:g desc", "deductions desc", "unit_id asc"),
          ("total desc", "deductions asc"),
          ("group:g asc", "total desc", "unit_id desc")]


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(-2, 0),
                          st.sampled_from("ab")), min_size=1, max_size=25),
       st.sampled_from(ORDERS), st.booleans())
def test_ranks_and_deciding_entries_are_those_of_plain_sorted(units, order, text_ids):
    ids = [f"x{i}" if text_ids and i % 2 else str(i) for i in range(1, len(units) + 1)]
    data = dataset_from_rows({"unit_id": u, "name": u, "cluster_id": c}
                             for u, (_, _, _, c) in zip(ids, units, strict=True))
    total = np.array([t for t, _, _, _ in units], np.int64)
    g = np.array([x for _, x, _, _ in units], np.int64)
    ded = np.array([d for _, _, d, _ in units], np.int64)
    scores = Scores({}, {"g": g}, ded, np.zeros(len(units), np.int64), total)
    rs = attrs.evolve(ruleset('[[criteria]]\nid = "k"\ngroup = "g"\nscorer = "pass_fail"\n'
                              'max = 1\nvalue = "v"\n'), ranking=Ranking(order))
    got = rank(rs, data, scores)
    position = {u: k for k, u in enumerate(sorted(ids, key=natural))}

    def key(i):
        fields = {"total": int(total[i]), "group:g": int(g[i]), "deductions": int(ded[i])}
        out = []
        for entry in order:
            name, direction = entry.split()
            value = position[ids[i]] if name == "unit_id" else fields[name]
            out.append(-value if direction == "desc" else value)
        return tuple(out)

    for c in set(data.clusters):
        members = sorted((i for i in range(len(units)) if data.clusters[i] == c), key=key)
        for pos, i in enumerate(members):
            assert got.rank[i] == 1 + sum(1 for j in members if key(j) < key(i))
            neighbours = [j for j in members if j != i and key(j) == key(i)]
            assert bool(got.tied[i]) == bool(neighbours)
            other = members[pos - 1] if pos else (members[1] if len(members) > 1 else None)
            if neighbours or other is None:
                assert got.decided_by[i] is None
            else:
                first = next(e for e, a, b in zip(order, key(i), key(other), strict=True) if a != b)
                assert got.decided_by[i] == first
