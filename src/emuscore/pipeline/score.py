"""Stage 1: every criterion's points, checked against the scorer contract, then the
group sums (capped), deductions, bonus and totals."""

from __future__ import annotations

import os
from typing import Any

import attrs
import numpy as np

from emuscore.dataset import Dataset
from emuscore.exact import Column, IntArray, ceil_units, floor_units, format_units, to_units
from emuscore.manager import Registered, Registry
from emuscore.model import Criterion, Ruleset
from emuscore.problems import DataError, PluginError
from emuscore.result import Scores
from emuscore.scoring import ScoreContext, Scorer, UnitFault

PARALLEL_FROM = 50_000
"""Units from which thread-safe criteria are scored on all cores (numpy lets go of the
GIL on whole columns; below this, starting threads costs more than it saves)."""


def context(ruleset: Ruleset, data: Dataset, criterion: Criterion) -> ScoreContext[Any]:
    return ScoreContext(criterion, data.indicators, data.unit_ids, data.cluster_codes,
                        ruleset.scale, ruleset.rounding)


def score(ruleset: Ruleset, data: Dataset, registry: Registry) -> Scores:
    jobs = [(c, registry.scorers[c.scorer]) for c in ruleset.criteria]
    shared = [job for job in jobs if job[1].item.threadsafe]
    if data.size < PARALLEL_FROM or len(shared) < 2:
        points = [score_criterion(ruleset, data, c, registered) for c, registered in jobs]
    else:
        from concurrent.futures import ThreadPoolExecutor

        _ = data.cluster_codes  # made once, here, before the threads read it
        with ThreadPoolExecutor(min(os.cpu_count() or 1, 8)) as pool:
            running = {c.id: pool.submit(score_criterion, ruleset, data, c, registered)
                       for c, registered in shared}
            # the others here meanwhile, one at a time; results and errors in criterion order
            points = [running[c.id].result() if c.id in running else
                      score_criterion(ruleset, data, c, registered) for c, registered in jobs]
    criteria = {c.id: p for (c, _), p in zip(jobs, points, strict=True)}
    return sum_scores(ruleset, criteria, registry, data.size)


def score_criterion(ruleset: Ruleset, data: Dataset, criterion: Criterion,
                    registered: Registered[Scorer[Any]]) -> IntArray:
    """One criterion's points, with the scorer's output checked against its contract. A
    scorer that raises, or returns anything but one exact integer per unit within its
    range, stops the run with its plugin, version, the criterion and the unit named."""
    scorer = registered.item
    who = f"plugin {registered.plugin} {registered.version}, scorer {scorer.name}, " \
          f"criterion {criterion.id}"
    ctx = context(ruleset, data, criterion)
    try:
        points = scorer.score(ctx)
    except (DataError, PluginError):
        raise
    except UnitFault as e:
        raise PluginError(f"{who}, unit {e.unit}: {e.message}") from e
    except Exception as e:
        raise PluginError(f"{who}, {_failing_units(scorer, ctx)}: failed with "
                          f"{type(e).__name__}: {e}") from e
    exact = f"scores must be exact integers of 10^-{ruleset.scale} points, never floats"
    first = data.unit_ids[0]
    if not isinstance(points, np.ndarray):
        raise PluginError(f"{who}, unit {first}: returned a {type(points).__name__}, not a numpy "
                          f"array of {data.size} integers, one per unit")
    if points.shape != (data.size,):
        n = len(points) if points.ndim == 1 else 0
        unit = data.unit_ids[n] if n < data.size else first
        raise PluginError(f"{who}, unit {unit}: returned an array of shape {points.shape} for "
                          f"{data.size} units; expected one value per unit, in unit order")
    if points.dtype == object:
        bad = [i for i, v in enumerate(points.tolist()) if type(v) is not int]
        if bad:
            raise PluginError(f"{who}, unit {data.unit_ids[bad[0]]}: returned {points[bad[0]]!r} "
                              f"({type(points[bad[0]]).__name__}); {exact}")
    elif points.dtype.kind not in "iu":
        raise PluginError(f"{who}, unit {first}: returned {points[0]!r} ({points.dtype} "
                          f"values); {exact}")
    low, high = scorer.bounds(criterion)
    lo, hi = floor_units(low, ruleset.scale), ceil_units(high, ruleset.scale)
    outside = (points < lo) | (points > hi)
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise PluginError(f"{who}, unit {data.unit_ids[i]}: gave "
                          f"{format_units(int(points[i]), ruleset.scale)} points, outside the "
                          f"criterion's range {lo_hi(ruleset, lo, hi)}")
    return points


def _failing_units(scorer: Scorer[Any], ctx: ScoreContext[Any]) -> str:
    """Where a batch scorer that raised fails: halves of the table are scored again while
    one of them still fails (only after a failure). A scorer comparing units within a
    cluster sees smaller clusters here, so this locates the failure, it proves nothing."""
    units = np.arange(ctx.size)
    while len(units) > 1:
        half = len(units) // 2
        failing = next((part for part in (units[:half], units[half:]) if _fails(scorer, ctx, part)),
                       None)
        if failing is None:
            break
        units = failing
    if len(units) == 1:
        return f"unit {ctx.unit_ids[units[0]]}"
    return (f"units {ctx.unit_ids[units[0]]} to {ctx.unit_ids[units[-1]]} "
            "(it fails on them together, on neither half alone)")


def _fails(scorer: Scorer[Any], ctx: ScoreContext[Any], units: IntArray) -> bool:
    columns = {name: Column(c.values[units], c.scale, c.missing[units], c.kind)
               for name, c in ctx.columns.items()}
    subset = attrs.evolve(ctx, columns=columns, unit_ids=tuple(ctx.unit_ids[i] for i in units),
                          cluster=ctx.cluster[units])
    try:
        scorer.score(subset)
    except Exception:
        return True
    return False


def lo_hi(ruleset: Ruleset, lo: int, hi: int) -> str:
    return f"{format_units(lo, ruleset.scale)}..{format_units(hi, ruleset.scale)}"


def sum_scores(ruleset: Ruleset, criteria: dict[str, IntArray], registry: Registry,
               size: int) -> Scores:
    """Group sums (capped), deductions, bonus and totals from every criterion's points."""
    zero: IntArray = np.zeros(size, np.int64)
    groups = {}
    for g in ruleset.groups:
        members = [criteria[c.id] for c in ruleset.criteria if c.group == g.id]
        groups[g.id] = np.minimum(sum(members, zero), to_units(g.max, ruleset.scale))

    def role_sum(role: str) -> IntArray:
        return sum((criteria[c.id] for c in ruleset.criteria
                    if registry.scorers[c.scorer].item.role == role), zero)

    ungrouped = [criteria[c.id] for c in ruleset.criteria if c.group is None]
    total = sum(groups.values(), zero) + sum(ungrouped, zero)
    return Scores(criteria, groups, role_sum("deduction"), role_sum("bonus"), total)
