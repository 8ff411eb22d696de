"""Criteria that read each other: the validator finds every criterion on a cycle in linear
time (a chain of thousands of formula criteria is a real national sheet) and names the
shortest cycle through each. Judged against a naive oracle on generated graphs."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from emuscore.ruleset import _reading_path, on_cycles

NODES = [f"c{i}" for i in range(7)]
GRAPHS = st.fixed_dictionaries({n: st.sets(st.sampled_from(NODES), max_size=3) for n in NODES})


def reaches(reads: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), list(reads[start])
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(reads[node])
    return False


def shortest_cycle_length(reads: dict[str, set[str]], start: str) -> int | None:
    """By brute force: the least k such that a walk of k steps returns to start."""
    frontier = {start}
    for steps in range(1, len(reads) + 1):
        frontier = {n for node in frontier for n in reads[node]}
        if start in frontier:
            return steps
    return None


@given(GRAPHS)
def test_the_nodes_on_cycles_are_those_that_reach_themselves(reads):
    assert on_cycles(reads) == {n for n in reads if reaches(reads, n, n)}


@given(GRAPHS)
def test_the_cycle_named_is_a_real_and_shortest_one(reads):
    cyclic = on_cycles(reads)
    for node in reads:
        path = _reading_path(reads, node, cyclic) if node in cyclic else None
        expected = shortest_cycle_length(reads, node)
        if expected is None:
            assert path is None
            continue
        assert path is not None and path[0] == path[-1] == node
        assert all(b in reads[a] for a, b in itertools.pairwise(path))
        assert len(path) - 1 == expected


def test_a_chain_of_ten_thousand_has_no_cycle_and_does_not_exhaust_the_stack():
    reads = {f"c{i}": ({f"c{i - 1}"} if i else set()) for i in range(10_000)}
    assert on_cycles(reads) == set()
    reads["c0"] = {"c9999"}
    assert len(on_cycles(reads)) == 10_000
    assert len(_reading_path(reads, "c0", on_cycles(reads)) or []) == 10_001
