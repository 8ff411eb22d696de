"""Stage 3: each cluster ranked by the ruleset's declared order; units equal on every
entry share a rank and are marked tied, never separated by row order."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from emuscore.dataset import Dataset
from emuscore.exact import IntArray, order_by
from emuscore.model import Ruleset
from emuscore.problems import DataError, Problem
from emuscore.result import Ranks, Scores


def sort_columns(ruleset: Ruleset, data: Dataset, scores: Scores,
                 order: Sequence[str] | None = None) -> list[IntArray]:
    """One ascending integer key per entry of `order` (the ranking's by default; desc
    entries negated)."""
    keys = []
    for entry in ruleset.ranking.order if order is None else order:
        name, direction = entry.split()
        prefix, _, ref = name.partition(":")
        values: IntArray
        if name == "unit_id":
            values = data.unit_order
        elif name in ("total", "deductions", "bonus"):
            values = getattr(scores, name)
        elif prefix == "group":
            values = scores.groups[ref]
        elif prefix == "criterion":
            values = scores.criteria[ref]
        elif prefix == "key":
            from emuscore.pipeline.expressions import ascending, number, scored_env

            key = next(k for k in ruleset.ranking.keys if k.id == ref)
            values = ascending(number(scored_env(ruleset, data, scores), key.expr,
                                      f"ranking key {ref}"))
        else:
            col = data.indicators[ref]
            if col.missing.any():
                unit = data.unit_ids[int(np.flatnonzero(col.missing)[0])]
                raise DataError(Problem(f"unit {unit} has no '{ref}', which the ranking uses"))
            values = col.values
        if values.dtype == object:       # exact big integers: sort by dense rank instead
            values = np.unique(values, return_inverse=True)[1].astype(np.int64)
        keys.append(-values if direction == "desc" else values)
    return keys


def rank(ruleset: Ruleset, data: Dataset, scores: Scores) -> Ranks:
    """Rank inside each cluster by the declared order; equal on every key = a shared rank."""
    keys = sort_columns(ruleset, data, scores)
    cluster = data.cluster_codes
    order = order_by(cluster, *keys)
    n = len(order)
    matrix = np.stack([k[order] for k in keys], axis=1) if keys else np.zeros((n, 0), np.int64)
    same_cluster = cluster[order][1:] == cluster[order][:-1]
    differs = matrix[1:] != matrix[:-1]
    first_diff = np.where(differs.any(axis=1), differs.argmax(axis=1), -1)
    new_group = np.r_[True, ~same_cluster | (first_diff >= 0)]
    cluster_start = np.maximum.accumulate(np.where(np.r_[True, ~same_cluster], np.arange(n), 0))
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    sorted_rank = group_start - cluster_start + 1
    group_size = np.diff(np.r_[np.flatnonzero(new_group), n])
    tied_sorted = np.repeat(group_size > 1, group_size)
    # the key that separated each unit from the one above it (from the one below, if first)
    above = np.r_[-1, np.where(same_cluster, first_diff, -1)]
    below = np.r_[np.where(same_cluster, first_diff, -1), -1]
    deciding = np.where(np.r_[True, ~same_cluster], below, above)
    rank_, tied = np.empty(n, np.int64), np.empty(n, bool)
    rank_[order], tied[order] = sorted_rank, tied_sorted
    entries = np.array([*ruleset.ranking.order, None], dtype=object)    # index -1: None
    decided = np.empty(n, dtype=object)
    decided[order] = entries[np.where(tied_sorted, -1, deciding)]
    return Ranks(rank_, tied, tuple(decided.tolist()))
