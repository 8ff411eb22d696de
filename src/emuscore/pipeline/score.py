"""Stage 1: every criterion's points, checked against the scorer contract, then the
group sums (capped), deductions, bonus and totals. A criterion that reads others'
points ("criterion.ID", "group.ID": a formula's references) is scored after them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import partial
from typing import Any

import attrs
import numpy as np

from emuscore.dataset import Dataset
from emuscore.deadline import DaemonPool, TimedOut, limit_seconds, limited
from emuscore.exact import Column, IntArray, ceil_units, floor_units, format_units, to_units
from emuscore.i18n import _
from emuscore.io.outputs import Terminated
from emuscore.manager import Registered, Registry, misbehaved
from emuscore.model import Criterion, Ruleset
from emuscore.problems import DataError, PluginError
from emuscore.result import Scores
from emuscore.scoring import ScoreContext, Scorer, UnitFault

PARALLEL_FROM = 50_000
"""Units from which thread-safe criteria are scored on all cores (numpy lets go of the
GIL on whole columns; below this, starting threads costs more than it saves)."""


def context(ruleset: Ruleset, data: Dataset, criterion: Criterion,
            points: Mapping[str, IntArray] | None = None) -> ScoreContext[Any]:
    """What a scorer reads for one criterion: the data's indicators and, given the points
    of criteria scored already, those as "criterion.ID" and complete groups as "group.ID"."""
    columns: Mapping[str, Column] = data.indicators
    if points:
        columns = {**data.indicators, **score_columns(ruleset, points, data.size)}
    return ScoreContext(criterion, columns, data.unit_ids, data.cluster_codes,
                        ruleset.scale, ruleset.rounding)


def readonly(ctx: ScoreContext[Any]) -> ScoreContext[Any]:
    """The context with every column's arrays as read-only views (no copy): a scorer that
    writes into the data it was given fails with a message instead of changing the data
    that later criteria, ranks and the record read."""
    columns = {}
    for name, col in ctx.columns.items():
        values, missing = col.values.view(), col.missing.view()
        values.setflags(write=False)
        missing.setflags(write=False)
        columns[name] = attrs.evolve(col, values=values, missing=missing)
    cluster = ctx.cluster.view()
    cluster.setflags(write=False)
    return attrs.evolve(ctx, columns=columns, cluster=cluster)


def score_columns(ruleset: Ruleset, points: Mapping[str, IntArray], size: int) -> dict[str, Column]:
    """Scored criteria as columns a formula reads, and the capped sum of every group whose
    criteria are all scored."""
    present = np.zeros(size, bool)
    columns = {f"criterion.{cid}": Column(p, ruleset.scale, present) for cid, p in points.items()}
    for g in ruleset.groups:
        members = [c.id for c in ruleset.criteria if c.group == g.id]
        if all(m in points for m in members):
            total = sum((points[m] for m in members), np.zeros(size, np.int64))
            columns[f"group.{g.id}"] = Column(np.minimum(total, to_units(g.max, ruleset.scale)),
                                              ruleset.scale, present)
    return columns


def dependency_levels(ruleset: Ruleset, registry: Registry) -> list[list[Criterion]]:
    """The criteria in levels: each reads only criteria of earlier levels (the ruleset's
    validation has refused cycles). Without references, one level: every criterion."""
    needs = {c.id: referenced(ruleset, registry, c) for c in ruleset.criteria}
    # each criterion's level is one more than the deepest it reads, found in one pass in
    # dependency order (a chain of thousands of criteria stays linear)
    level: dict[str, int] = {}
    for cid in _dependency_order(needs):
        level[cid] = 1 + max((level[n] for n in needs[cid] if n in level), default=-1)
    levels: list[list[Criterion]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for c in ruleset.criteria:
        levels[level[c.id]].append(c)
    return levels


def _dependency_order(needs: Mapping[str, set[str]]) -> list[str]:
    """The criteria, each after every one it reads (Kahn's algorithm)."""
    from collections import deque

    waiting = {cid: len(reads & needs.keys()) for cid, reads in needs.items()}
    readers: dict[str, list[str]] = {}
    for cid, reads in needs.items():
        for n in reads & needs.keys():
            readers.setdefault(n, []).append(cid)
    ready = deque(cid for cid, count in waiting.items() if count == 0)
    order = []
    while ready:
        cid = ready.popleft()
        order.append(cid)
        for reader in readers.get(cid, ()):
            waiting[reader] -= 1
            if waiting[reader] == 0:
                ready.append(reader)
    if len(order) < len(needs):
        raise AssertionError("a cycle of criteria passed validation")
    return order


def referenced(ruleset: Ruleset, registry: Registry, criterion: Criterion) -> set[str]:
    """The criteria whose points `criterion` reads, directly ("criterion.ID") or through a
    group's sum ("group.ID")."""
    out = set()
    for name in registry.scorers[criterion.scorer].item.references(criterion.params):
        kind, _, ref = name.partition(".")
        if kind == "criterion":
            out.add(ref)
        else:
            out.update(c.id for c in ruleset.criteria if c.group == ref)
    return out


def score(ruleset: Ruleset, data: Dataset, registry: Registry) -> Scores:
    points: dict[str, IntArray] = {}
    for level in dependency_levels(ruleset, registry):
        points.update(score_level(ruleset, data, registry, level, points))
    criteria = {c.id: points[c.id] for c in ruleset.criteria}
    return sum_scores(ruleset, criteria, registry, data.size)


def score_level(ruleset: Ruleset, data: Dataset, registry: Registry, level: list[Criterion],
                scored: Mapping[str, IntArray]) -> dict[str, IntArray]:
    """The points of criteria that read only data and `scored` criteria: thread-safe ones
    on all cores at large N, results and errors in criterion order."""
    jobs = [(c, registry.scorers[c.scorer]) for c in level]
    shared = [job for job in jobs if job[1].item.threadsafe]
    if data.size < PARALLEL_FROM or len(shared) < 2:
        points = [score_criterion(ruleset, data, c, registered, scored)
                  for c, registered in jobs]
    else:
        _ = data.cluster_codes  # made once, here, before the threads read it
        # daemon threads: a plugin scorer stuck past its time limit (emuscore.deadline), or
        # a signal meanwhile, must not keep the process from exiting once it is reported
        pool = DaemonPool(min(os.cpu_count() or 1, 8))
        try:
            running = {c.id: pool.submit(partial(score_criterion, ruleset, data, c, registered,
                                                 scored))
                       for c, registered in shared}
            # the others here meanwhile, one at a time
            points = [running[c.id].result() if c.id in running else
                      score_criterion(ruleset, data, c, registered, scored)
                      for c, registered in jobs]
        finally:
            pool.stop()
    return {c.id: p for (c, _), p in zip(jobs, points, strict=True)}


def score_criterion(ruleset: Ruleset, data: Dataset, criterion: Criterion,
                    registered: Registered[Scorer[Any]],
                    scored: Mapping[str, IntArray] | None = None) -> IntArray:
    """One criterion's points, with the scorer's output checked against its contract. A
    scorer that raises, or returns anything but one exact integer per unit within its
    range, stops the run with its plugin, version, the criterion and the unit named."""
    scorer = registered.item
    who = f"plugin {registered.plugin} {registered.version}, scorer {scorer.name}, " \
          f"criterion {criterion.id}"
    ctx = readonly(context(ruleset, data, criterion, scored))
    seconds = 0.0 if registered.plugin.startswith("emuscore.") else limit_seconds()
    try:
        points = limited(partial(scorer.score, ctx), seconds)
    except (DataError, PluginError, Terminated):
        raise
    except UnitFault as e:
        raise PluginError(f"{who}, unit {e.unit}: {e.message}") from e
    except TimedOut:
        raise PluginError(_("{who}: stopped after {seconds} s (EMUSCORE_PLUGIN_TIMEOUT); the "
                            "scorer may be stuck: report it to the plugin's authors, or allow "
                            "more time").format(who=who, seconds=f"{seconds:g}")) from None
    except ValueError as e:
        if "read-only" in str(e):
            raise PluginError(_("{who}: it tried to change the data it was given ({reason}); a "
                                "scorer must return new arrays and leave its inputs as they "
                                "are").format(who=who, reason=e)) from e
        raise PluginError(f"{who}, {_failing_units(scorer, ctx)}: failed with "
                          f"{type(e).__name__}: {e}") from e
    except (SystemExit, KeyboardInterrupt) as e:
        raise PluginError(f"{who}: {misbehaved(e)}") from e
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
        raise PluginError(f"{who}, unit {first}: returned {points[0].item()!r} ({points.dtype} "
                          f"values); {exact}")
    low, high = scorer.bounds(criterion)
    hi = ceil_units(high, ruleset.scale)
    lo = None if low is None else floor_units(low, ruleset.scale)
    outside = (points > hi) if lo is None else (points < lo) | (points > hi)
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


def lo_hi(ruleset: Ruleset, lo: int | None, hi: int) -> str:
    least = "" if lo is None else format_units(lo, ruleset.scale)
    return f"{least}..{format_units(hi, ruleset.scale)}"


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
                    if registry.scorers[c.scorer].item.role_for(c) == role), zero)

    ungrouped = [criteria[c.id] for c in ruleset.criteria if c.group is None]
    total = sum(groups.values(), zero) + sum(ungrouped, zero)
    return Scores(criteria, groups, role_sum("deduction"), role_sum("bonus"), total)
