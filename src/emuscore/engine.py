"""score -> classify -> rank -> award: pure functions from frozen values to frozen values."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
from attrs import frozen

from emuscore.dataset import Dataset
from emuscore.eligibility import EligibilityGate
from emuscore.exact import (
    Column,
    IntArray,
    ceil_units,
    decimals_of,
    floor_units,
    format_column,
    format_units,
    order_by,
    to_units,
)
from emuscore.model import AwardRule, Criterion, Gate, Ruleset
from emuscore.plugins import Registered, Registry, default_registry
from emuscore.problems import DataError, PluginError, Problem
from emuscore.scoring import ScoreContext, Scorer, UnitFault


@frozen(eq=False)
class Scores:
    """Points of every unit, exact integers of 10**-scale, in the dataset's unit order."""

    criteria: dict[str, IntArray]
    groups: dict[str, IntArray]
    deductions: IntArray
    bonus: IntArray
    total: IntArray


@frozen(eq=False)
class Ranks:
    rank: IntArray
    """1-based rank inside the unit's cluster; tied units share the better rank."""
    tied: IntArray
    decided_by: tuple[str | None, ...]
    """The ranking entry that separated the unit from its neighbour above (below, for the
    first of a cluster); None when tied with it or alone in the cluster."""


@frozen
class Proposal:
    award: str
    unit: str
    reason: str


@frozen
class Skip:
    award: str
    unit: str
    reason: str


@frozen(eq=False)
class Result:
    ruleset: Ruleset
    data: Dataset
    scores: Scores
    classes: tuple[str, ...]
    ranks: Ranks
    proposals: tuple[Proposal, ...]
    skips: tuple[Skip, ...]

    def awards_of(self, unit_id: str) -> list[str]:
        return [p.award for p in self.proposals if p.unit == unit_id]

    def points(self, values: IntArray, unit: int) -> str:
        return format_units(int(values[unit]), self.ruleset.scale)


def run(ruleset: Ruleset, data: Dataset, registry: Registry | None = None) -> Result:
    """The whole pipeline on one ruleset and one year's data."""
    registry = registry or default_registry()
    check_inputs(ruleset, data, registry)
    scores = score(ruleset, data, registry)
    classes = classify(ruleset, scores, registry)
    ranks = rank(ruleset, data, scores)
    proposals, skips = award(ruleset, data, scores, classes, ranks, registry)
    result = Result(ruleset, data, scores, classes, ranks, proposals, skips)
    registry.run_finished(result)
    return result


def check_inputs(ruleset: Ruleset, data: Dataset, registry: Registry) -> None:
    """Every indicator the ruleset reads exists in the data (all problems at once)."""
    problems = []
    for c in ruleset.criteria:
        for indicator in registry.scorers[c.scorer].scorer.inputs(c.params).values():
            if indicator not in data.indicators:
                problems.append(Problem(
                    f"needs indicator '{indicator}', which {data.source} does not have; add it "
                    "to measures.csv (or a column of units.csv)", where=f"criterion {c.id}"))
    for g in ruleset.gates:
        if g.indicator not in data.indicators:
            problems.append(Problem(f"needs indicator '{g.indicator}', which {data.source} does "
                                    "not have", where=f"gate {g.id}"))
    for name in plugin_gates(ruleset, registry):
        gate = registry.gates[name]
        for indicator in gate.item.indicators:
            if indicator not in data.indicators:
                problems.append(Problem(
                    f"needs indicator '{indicator}', which {data.source} does not have",
                    where=f"gate {name} (plugin {gate.plugin})"))
    for entry in ruleset.ranking.order:
        name = entry.split()[0]
        if name.startswith("indicator:") and name[10:] not in data.indicators:
            problems.append(Problem(f"ranking uses '{name}', which {data.source} does not have"))
    if problems:
        raise DataError(problems)


def context(ruleset: Ruleset, data: Dataset, criterion: Criterion) -> ScoreContext:
    return ScoreContext(criterion, data.indicators, data.unit_ids, data.cluster_codes,
                        ruleset.scale, ruleset.rounding)


def score_criterion(ruleset: Ruleset, data: Dataset, criterion: Criterion,
                    registered: Registered[Scorer]) -> IntArray:
    """One criterion's points, with the scorer's output checked against its contract. A
    scorer that raises, or returns anything but one exact integer per unit within its
    range, stops the run with its plugin, version, the criterion and the unit named."""
    scorer = registered.scorer
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


def _failing_units(scorer: Scorer, ctx: ScoreContext) -> str:
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


def _fails(scorer: Scorer, ctx: ScoreContext, units: IntArray) -> bool:
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


PARALLEL_FROM = 50_000
"""Units from which thread-safe criteria are scored on all cores (numpy lets go of the
GIL on whole columns; below this, starting threads costs more than it saves)."""


def score(ruleset: Ruleset, data: Dataset, registry: Registry) -> Scores:
    jobs = [(c, registry.scorers[c.scorer]) for c in ruleset.criteria]
    shared = [job for job in jobs if job[1].scorer.threadsafe]
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
                    if registry.scorers[c.scorer].scorer.role == role), zero)

    ungrouped = [criteria[c.id] for c in ruleset.criteria if c.group is None]
    total = sum(groups.values(), zero) + sum(ungrouped, zero)
    return Scores(criteria, groups, role_sum("deduction"), role_sum("bonus"), total)


def classify(ruleset: Ruleset, scores: Scores, registry: Registry) -> tuple[str, ...]:
    """Each unit's class: the first band whose minima it meets."""
    if ruleset.classification is None:
        return ("",) * len(scores.total)
    points_criteria = [c for c in ruleset.criteria
                       if registry.scorers[c.scorer].scorer.role == "points"]
    label = np.full(len(scores.total), "", dtype=object)
    undecided = np.ones(len(scores.total), bool)
    for band in ruleset.classification.bands:
        ok = undecided.copy()
        if band.min_total is not None:
            ok &= scores.total >= ceil_units(band.min_total, ruleset.scale)
        if band.min_each is not None:
            for c in points_criteria:
                ok &= scores.criteria[c.id] >= ceil_units(band.min_each * c.max, ruleset.scale)
        label[ok] = band.label
        undecided &= ~ok
    return tuple(label.tolist())



def sort_columns(ruleset: Ruleset, data: Dataset, scores: Scores) -> list[IntArray]:
    """One ascending integer key per ranking entry (desc entries negated)."""
    keys = []
    for entry in ruleset.ranking.order:
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


def gate_failures(ruleset: Ruleset, data: Dataset, gate_ids: Sequence[str],
                  registry: Registry | None = None) -> list[list[str]]:
    """For each unit, why it fails each of the named gates (empty list = eligible): the
    ruleset's own [[gates]], then gates registered by plugins."""
    return _GateCheck(ruleset, data, gate_ids, registry).failures(range(data.size))


class _GateCheck:
    """The named gates evaluated for every unit at once; the reasons are written out only
    for the units asked about (at a million units, writing them all would dominate)."""

    def __init__(self, ruleset: Ruleset, data: Dataset, gate_ids: Sequence[str],
                 registry: Registry | None) -> None:
        self.data = data
        self.own = [(g, _gate_passes(g, data)) for g in ruleset.gates if g.id in gate_ids]
        registry = registry or default_registry()
        own = {g.id for g in ruleset.gates}
        self.plugin = [(name, _plugin_gate(registry.gates[name], data))
                       for name in gate_ids if name not in own]

    def failures(self, units: Sequence[int]) -> list[list[str]]:
        """For each of the units, why it fails the gates."""
        out: list[list[str]] = [[] for _ in units]
        for gate, passes in self.own:
            column = self.data.indicators[gate.indicator]
            for k in np.flatnonzero(~passes[np.asarray(units, np.int64)]).tolist():
                value = column.decimal(units[k])
                out[k].append(f"gate {gate.id} ({gate.title or gate.indicator}) failed: "
                              f"{gate.indicator} = {'missing' if value is None else value}")
        for name, verdict in self.plugin:
            for k, i in enumerate(units):
                if verdict[i] is not None:
                    out[k].append(f"gate {name} failed: {verdict[i]}")
        return out


def plugin_gates(ruleset: Ruleset, registry: Registry) -> list[str]:
    """The plugin gates the ruleset's awards use (a [[gates]] table of the same id wins)."""
    own = {g.id for g in ruleset.gates}
    return sorted({g for a in ruleset.awards for g in a.requires.gates if g not in own})


def _plugin_gate(registered: Registered[EligibilityGate], data: Dataset) -> list[str | None]:
    """A plugin gate's verdict on every unit, its failures and broken promises named."""
    gate = registered.item
    who = f"plugin {registered.plugin} {registered.version}, gate {gate.name}"
    try:
        verdict = list(gate.check(data))
    except (DataError, PluginError):
        raise
    except Exception as e:
        raise PluginError(f"{who} failed: {type(e).__name__}: {e}") from e
    if len(verdict) != data.size:
        raise PluginError(f"{who} returned {len(verdict)} verdicts for {data.size} units; "
                          "expected one per unit (None, or the reason it fails)")
    for i, reason in enumerate(verdict):
        if reason is not None and not isinstance(reason, str):
            raise PluginError(f"{who}, unit {data.unit_ids[i]}: returned {reason!r}; expected "
                              "None (eligible) or the reason as text")
    return verdict


def _gate_passes(gate: Gate, data: Dataset) -> IntArray:
    col = data.indicators[gate.indicator]
    bound = next(v for v in (gate.at_most, gate.at_least, gate.equals) if v is not None)
    scale = max(col.scale, decimals_of(bound))
    v, b = col.at_scale(scale), to_units(bound, scale)
    ok = v <= b if gate.at_most is not None else v >= b if gate.at_least is not None else v == b
    return np.where(col.missing, gate.missing == "pass", ok)


def award(ruleset: Ruleset, data: Dataset, scores: Scores, classes: tuple[str, ...],
          ranks: Ranks, registry: Registry | None = None
          ) -> tuple[tuple[Proposal, ...], tuple[Skip, ...]]:
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
           ranks: Ranks, registry: Registry | None
           ) -> tuple[tuple[Proposal, ...], tuple[Skip, ...]]:
    proposals: list[Proposal] = []
    skips: list[Skip] = []
    holders: dict[str, set[int]] = {}
    keys = sort_columns(ruleset, data, scores)
    labels = [b.label for b in ruleset.classification.bands] if ruleset.classification else []
    for rule in ruleset.awards:
        failures = _Ineligible(rule, ruleset, data, scores, classes, ranks, labels, holders,
                               registry)
        chosen: set[int] = set()
        if rule.per_cluster is not None:
            chosen = _pick_per_cluster(rule, rule.per_cluster, data, ranks, failures, skips)
        else:
            pool = sorted(holders[rule.from_award or ""])
            quota = int((rule.share or Decimal(0)) * len(pool))      # int() rounds down
            # unit_id only lists tied units in a stable order; ties still share a place
            order = order_by(*(k[pool] for k in keys), data.unit_order[pool])
            ranked = [pool[i] for i in order.tolist()]
            overall = _positions(keys, ranked)
            chosen = _pick(rule, ranked, quota, overall, failures, data, skips,
                           f"{len(pool)} holders of {rule.from_award}, quota {quota}")
        for i in sorted(chosen, key=lambda i: (data.cluster_codes[i], ranks.rank[i],
                                               data.unit_order[i])):
            proposals.append(Proposal(rule.id, data.unit_ids[i], _why(
                rule, i, data, scores, classes, ranks, ruleset)))
        holders[rule.id] = chosen
    return tuple(proposals), tuple(skips)


def _positions(keys: list[IntArray], members: list[int]) -> IntArray:
    """Shared 1-based positions of members (already sorted) under the keys: ties share."""
    out = np.zeros(max(members, default=-1) + 1, np.int64)
    previous: tuple[Any, ...] | None = None
    for pos, i in enumerate(members, 1):
        current = tuple(int(k[i]) for k in keys)
        if current != previous:
            place = pos
        out[i] = place
        previous = current
    return out


class _Ineligible:
    """Why each unit may not receive one award (empty = eligible). Every condition is
    checked for all units at once; the reasons are written out only for the units `_pick`
    asks about."""

    def __init__(self, rule: AwardRule, ruleset: Ruleset, data: Dataset, scores: Scores,
                 classes: tuple[str, ...], ranks: Ranks, labels: list[str],
                 holders: dict[str, set[int]], registry: Registry | None) -> None:
        self.rule, self.scale, self.data = rule, ruleset.scale, data
        self.scores, self.classes, self.ranks = scores, classes, ranks
        self.holders = holders
        self.gates = _GateCheck(ruleset, data, rule.requires.gates, registry)
        req = rule.requires
        fails = np.zeros(data.size, bool)
        for other in rule.exclude:
            fails[list(holders[other])] = True
        for _, passes in self.gates.own:
            fails |= ~passes
        for _, verdict in self.gates.plugin:
            fails |= np.array([v is not None for v in verdict], bool)
        if req.max_rank is not None:
            fails |= ranks.rank > req.max_rank
        self.min_total = None if req.min_total is None else ceil_units(req.min_total, self.scale)
        if self.min_total is not None:
            fails |= scores.total < self.min_total
        self.good_enough: set[str] = set()
        if req.classification is not None:
            self.good_enough = set(labels[:labels.index(req.classification) + 1])
            fails |= np.array([c not in self.good_enough for c in classes], bool)
        self.eligible: list[bool] = (~fails).tolist()

    def __getitem__(self, i: int) -> list[str]:
        return [] if self.eligible[i] else self.reasons([i])

    def reasons(self, units: list[int]) -> list[str]:
        """Why each of the (ineligible) units fails, "; "-joined, worked out one condition
        at a time over all of them."""
        req = self.rule.requires
        at = np.asarray(units, np.int64)
        parts: list[list[str]] = []         # per condition, a text per unit ("" = met)
        for other in reversed(self.rule.exclude):
            held = self.holders[other]
            parts.append([f"already proposed for {other}" if i in held else "" for i in units])
        parts.append(["; ".join(g) for g in self.gates.failures(units)])
        if req.max_rank is not None:
            rank = self.ranks.rank[at]
            low = np.flatnonzero(rank > req.max_rank)
            parts.append(_spread(len(units), low, [
                f"rank {r} is below the rank {req.max_rank} required" for r in rank[low].tolist()]))
        if self.min_total is not None:
            low = np.flatnonzero(self.scores.total[at] < self.min_total)
            parts.append(_spread(len(units), low, [
                f"total {t} is under the {req.min_total} required"
                for t in format_column(self.scores.total[at[low]], self.scale)]))
        if req.classification is not None:
            parts.append([f"classified '{self.classes[i]}', not '{req.classification}' or better"
                          if self.classes[i] not in self.good_enough else "" for i in units])
        return ["; ".join([p for p in texts if p]) for texts in zip(*parts, strict=True)]


def _spread(n: int, where: IntArray, texts: list[str]) -> list[str]:
    """n texts: `texts` at the positions `where`, "" elsewhere."""
    out = [""] * n
    for k, text in zip(where.tolist(), texts, strict=True):
        out[k] = text
    return out


def _pick(rule: AwardRule, members: list[int], slots: int, place: IntArray,
          failures: _Ineligible, data: Dataset, skips: list[Skip], scope: str) -> set[int]:
    """Take eligible members best first, place by place, until the slots are filled.

    Ineligible units met on the way are skipped with their reasons (units below the last
    recipient were not passed over, so they get no skip). Units sharing a place that
    would overflow the remaining slots are all reported, never settled by input order."""
    chosen: set[int] = set()
    at = 0
    while at < len(members) and len(chosen) < slots:
        end = at
        while end < len(members) and place[members[end]] == place[members[at]]:
            end += 1
        block = members[at:end]
        reasons = [failures[i] for i in block]
        for i, why in zip(block, reasons, strict=True):
            if why:
                skips.append(Skip(rule.id, data.unit_ids[i], "; ".join(why)))
        tie = [i for i, why in zip(block, reasons, strict=True) if not why]
        if len(chosen) + len(tie) > slots:
            names = [data.unit_ids[i] for i in tie]
            for i in tie:
                skips.append(Skip(rule.id, data.unit_ids[i],
                                  _tied(int(place[i]), scope, names, slots - len(chosen))))
            break
        chosen.update(tie)
        at = end
    return chosen


def _pick_per_cluster(rule: AwardRule, slots: int, data: Dataset, ranks: Ranks,
                      failures: _Ineligible, skips: list[Skip]) -> set[int]:
    """`_pick` in every cluster at once: the same recipients and the same skips in the
    same order, with whole-column arithmetic instead of a Python loop per cluster.

    Members run in (cluster, rank, unit_id) order; a block is the members sharing a place.
    A block is reached while fewer than `slots` eligible units came before it in its
    cluster (and its rank is within `max_rank`, if the award has one); it overflows when
    its eligible units do not all fit."""
    by = order_by(data.cluster_codes, ranks.rank, data.unit_order)
    cluster, place = data.cluster_codes[by], ranks.rank[by]
    eligible = np.array(failures.eligible, bool)[by]
    n = len(by)
    if n == 0:
        return set()
    new_cluster = np.r_[True, cluster[1:] != cluster[:-1]]
    new_block = new_cluster | np.r_[True, place[1:] != place[:-1]]
    block = np.cumsum(new_block) - 1
    starts = np.r_[np.flatnonzero(new_block), n]                        # of each block
    fits = np.bincount(block, weights=eligible).astype(np.int64)     # eligible per block
    before = np.cumsum(fits) - fits                                     # ... in earlier blocks
    before -= before[block[new_cluster]][cluster[starts[:-1]]]         # ... of the same cluster
    reached = (before < slots)[block]
    if rule.requires.max_rank is not None:     # ranks below it are never candidates
        reached &= place <= rule.requires.max_rank
    overflow = ((before < slots) & (before + fits > slots))[block]
    chosen = by[eligible & reached & ~overflow]
    passed = reached & (~eligible | overflow)
    # in each block, the ineligible units' skips come before the tie's
    skipped = np.flatnonzero(passed)[np.lexsort((eligible[passed], block[passed]))]
    ineligible = by[skipped[~eligible[skipped]]].tolist()
    reasons = iter(failures.reasons(ineligible))
    ids = data.unit_ids
    for pos, i, ok in zip(skipped.tolist(), by[skipped].tolist(), eligible[skipped].tolist(),
                          strict=True):
        if not ok:
            skips.append(Skip(rule.id, ids[i], next(reasons)))
            continue
        at = slice(starts[block[pos]], starts[block[pos] + 1])
        tie = by[at][eligible[at]].tolist()
        names = [data.unit_ids[j] for j in tie]
        skips.append(Skip(rule.id, data.unit_ids[i], _tied(
            int(place[pos]), f"cluster {data.clusters[i]}", names, int(slots - before[block[pos]]))))
    return set(chosen.tolist())


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
