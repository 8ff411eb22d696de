"""Stage 5: recipients proposed for each award in declared order, with a reason for each
proposal and for each unit passed over; every award takes its recipients by the one
rule of `emuscore.pipeline.picker`."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import numpy as np

from emuscore.dataset import Dataset
from emuscore.exact import format_units, order_by
from emuscore.manager import Registry
from emuscore.model import AwardRule, Ruleset
from emuscore.pipeline.eligibility import Ineligible
from emuscore.pipeline.picker import pick, shared_places
from emuscore.pipeline.rank import sort_columns
from emuscore.result import Proposal, Ranks, Scores, Skip


def award(ruleset: Ruleset, data: Dataset, scores: Scores, classes: tuple[str, ...],
          ranks: Ranks, registry: Registry) -> tuple[tuple[Proposal, ...], tuple[Skip, ...]]:
    """Propose recipients for each award in declared order, with a reason for each
    proposal and for each unit passed over."""
    with _collector_paused():
        return _award(ruleset, data, scores, classes, ranks, registry)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Cyclic garbage collection paused while up to a million skips and reasons are made:
    none of them form cycles, and at 1M units the collector's passes over them cost a
    third of the award stage (measured, bench/RESULTS.md)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _award(ruleset: Ruleset, data: Dataset, scores: Scores, classes: tuple[str, ...],
           ranks: Ranks, registry: Registry) -> tuple[tuple[Proposal, ...], tuple[Skip, ...]]:
    proposals: list[Proposal] = []
    skips: list[Skip] = []
    holders: dict[str, set[int]] = {}
    ranking_keys = sort_columns(ruleset, data, scores)
    labels = [b.label for b in ruleset.classification.bands] if ruleset.classification else []
    for rule in ruleset.awards:
        failures = Ineligible(rule, ruleset, data, scores, classes, ranks, labels, holders,
                              registry)
        eligible = np.array(failures.eligible, bool)
        pool_scope = None       # what a tie is for: a cluster's slots, or the pool's quota
        keys = ranking_keys if rule.order is None else sort_columns(ruleset, data, scores,
                                                                    rule.order)
        if rule.per_cluster is not None and rule.order is None:
            slots = rule.per_cluster
            candidates = order_by(data.cluster_codes, ranks.rank, data.unit_order)
            group, place = data.cluster_codes[candidates], ranks.rank[candidates]
            max_place = rule.requires.max_rank      # ranks below it are never candidates
        elif rule.per_cluster is not None:          # the cluster by the award's own order
            slots = rule.per_cluster
            candidates = order_by(data.cluster_codes, *keys, data.unit_order)
            group = data.cluster_codes[candidates]
            place = shared_places([k[candidates] for k in keys], len(candidates), group)
            max_place = None
        else:
            pool = np.array(sorted(holders[rule.from_award or ""]), np.int64)
            slots = int((rule.share or Decimal(0)) * len(pool))      # int() rounds down
            # unit_id only lists tied units in a stable order; ties still share a place
            candidates = pool[order_by(*(k[pool] for k in keys), data.unit_order[pool])]
            group = np.zeros(len(pool), np.int64)
            place = shared_places([k[candidates] for k in keys], len(pool))
            pool_scope = f"{len(pool)} holders of {rule.from_award}, quota {slots}"
            max_place = None    # a pool's order is not the cluster rank max_rank speaks of
        picked = pick(candidates, group, place, eligible[candidates], slots, max_place)
        reasons = iter(failures.reasons([p.unit for p in picked.passed if not p.tie]))
        ids = data.unit_ids
        for p in picked.passed:
            scope = pool_scope or f"cluster {data.clusters[p.unit]}"
            skips.append(Skip(rule.id, ids[p.unit], _tied(
                p.place, scope, [ids[j] for j in p.tie], p.remaining) if p.tie else next(reasons)))
        chosen = set(picked.chosen.tolist())
        for i in sorted(chosen, key=lambda i: (data.cluster_codes[i], ranks.rank[i],
                                               data.unit_order[i])):
            proposals.append(Proposal(rule.id, ids[i], _why(
                rule, i, data, scores, classes, ranks, ruleset)))
        holders[rule.id] = chosen
    return tuple(proposals), tuple(skips)


def _tied(place: int, scope: str, names: list[str], remaining: int) -> str:
    """Why units tied for the last slots all go to the council."""
    return (f"tied at place {place} ({scope}) with {', '.join(names)} for {remaining} remaining "
            "slot(s); the ranking order does not separate them, so the council decides")


def _why(rule: AwardRule, i: int, data: Dataset, scores: Scores, classes: tuple[str, ...],
         ranks: Ranks, ruleset: Ruleset) -> str:
    parts = [f"rank {ranks.rank[i]} in cluster {data.clusters[i]}",
             f"total {format_units(int(scores.total[i]), ruleset.scale)}"]
    if classes[i]:
        parts.append(classes[i])
    if rule.from_award:
        parts.append(f"among the best {rule.share} of {rule.from_award} holders")
    if rule.requires.gates:
        parts.append("passes " + ", ".join(rule.requires.gates))
    return ", ".join(parts)
