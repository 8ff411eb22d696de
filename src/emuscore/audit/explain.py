"""One unit's run explained: each criterion's inputs, formula and points, group sums and
caps, classification and why, its cluster table and the tie-break that set its rank, and
for each award it did not get, the smallest change that would have got it.

"What it would have taken" is computed, never guessed. The points needed come from the
engine's own classify -> rank -> award with the unit's points raised, found by bisection
over whole 10**-scale points. Each input change is found by bisection over the input's
value at the column's step, re-scoring the criterion with its scorer, and then checked by
re-running the whole engine with the changed input: only a change that moves the award
in that re-run is shown.
"""

from __future__ import annotations

import datetime
import functools
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
from attrs import frozen

from emuscore.audit.record import record_content, run_record, value_text
from emuscore.audit.replay import as_recorded
from emuscore.dataset import Dataset, natural_key
from emuscore.engine import run
from emuscore.exact import INT64_ROOM, Column, IntArray, format_units, to_units, units_to_decimal
from emuscore.formula import NumberValue
from emuscore.formula.nodes import fraction_text
from emuscore.i18n import N_, _, ngettext
from emuscore.manager import Registry
from emuscore.message import joined
from emuscore.model import AwardRule, Criterion, Gate
from emuscore.pipeline.awards import award
from emuscore.pipeline.classify import checked_criteria, classify
from emuscore.pipeline.eligibility import gate_failures
from emuscore.pipeline.expressions import number, scored_env, truth, values_shown
from emuscore.pipeline.rank import rank, sort_columns
from emuscore.pipeline.score import context, referenced, sum_scores
from emuscore.problems import EmuscoreError, did_you_mean
from emuscore.result import Result, Scores

DATE_RANGE = 3660
"""How many days a date input may move either way when searching for a change."""
VALUE_RANGE = 1000
"""How far a number input may move: up to this many times its size (or this many steps)."""
ROLES = {"points": N_("points"), "deduction": N_("deduction"), "bonus": N_("bonus")}
"""A criterion's role as explain names it (outside a group)."""


def explain(record: Mapping[str, Any], unit_id: str, registry: Registry) -> list[str]:
    """The explanation of one unit of a checked record, as lines of text."""
    result = run_record(record, registry)
    index = result.data.index()
    unit_id = unicodedata.normalize("NFC", unit_id.strip())    # ids are stored in NFC
    if unit_id not in index:
        first = ", ".join(sorted(index, key=natural_key)[:3])
        raise EmuscoreError(_("unit {unit} is not in this record{suggestion} (its units run "
                              "{first}, ...)").format(unit=unit_id, first=first,
                                                      suggestion=did_you_mean(unit_id, index)))
    e = Explainer(result, index[unit_id], registry)
    e.council = record.get("council") or {}
    lines = []
    again = as_recorded(record, result, record_content(result, registry, data=record["data"]))
    differs = again["digests"]["results"] != record["digests"]["results"]
    if differs:
        lines.append(_("warning: the installed plugins score this record differently from the "
                       "record (run `emuscore replay`); this explains the re-run"))
    council = record.get("council")
    if isinstance(council, dict) and isinstance(council.get("proposal"), dict):
        lines.append(_("final record: the council's decision of {decided} on proposal {digest}").format(
            decided=council.get("decided"), digest=council["proposal"].get("record")))
    return lines + e.header() + e.adjustments() + e.criteria() + e.totals() + e.classification() \
        + e.cluster() + e.awards()


class Explainer:
    """The sections of one unit's explanation, each as lines of text."""

    def __init__(self, result: Result, unit: int, registry: Registry) -> None:
        self.result, self.unit, self.registry = result, unit, registry
        self.ruleset, self.data, self.scores = result.ruleset, result.data, result.scores
        self.unit_id = self.data.unit_ids[unit]
        self._keys: dict[str, NumberValue] = {}
        self.council: Mapping[str, Any] = {}
        """A final record's council part (its rulings and ballots), else empty."""

    def show(self, units: int) -> str:
        return format_units(units, self.ruleset.scale)

    def header(self) -> list[str]:
        r, i = self.result, self.unit
        tied = _(" (tied)") if r.ranks.tied[i] else ""
        return [_("unit {unit}: {name}, cluster {cluster}").format(
                    unit=self.unit_id, name=self.data.names[i], cluster=self.data.clusters[i]),
                _("total {total}, class {klass}, rank {rank}{tied} in its cluster, awards: "
                  "{awards}").format(total=self.show(int(self.scores.total[i])),
                                     klass=r.classes[i] or "-", rank=r.ranks.rank[i], tied=tied,
                                     awards=", ".join(r.awards_of(self.unit_id)) or _("none")),
                ""]

    def adjustments(self) -> list[str]:
        """The council's adjustments of this unit's values (a final record), in order."""
        from emuscore.audit.diff import adjustment_line

        mine = [a for a in self.result.adjustments if a.unit == self.unit_id]
        if not mine:
            return []
        return [_("adjustments over the year's data:")] + [
            "  " + adjustment_line(attrs.asdict(a)) for a in mine] + [""]

    def decided_by_council(self, rule: AwardRule) -> bool:
        """Withheld from the award, or fallen at its ballot, in a final record."""
        withheld = any(r.get("decision") == "withhold" and r.get("unit_id") == self.unit_id
                       and r.get("award") in (rule.id, "*") for r in self.council.get("rulings", []))
        voted = any(b.get("award") == rule.id and b.get("unit_id") == self.unit_id
                    for b in self.council.get("ballots") or [])
        return withheld or voted

    def notes_for(self, rule: AwardRule) -> list[str]:
        """The award's notes for this unit's cluster and for the award as a whole."""
        cluster = self.data.clusters[self.unit]
        return [f"  ! {n.reason.shown()}" for n in self.result.notes
                if n.award == rule.id and n.scope in ("", cluster)]

    def criteria(self) -> list[str]:
        lines = [_("criteria:")]
        for c in self.ruleset.criteria:
            registered = self.registry.scorers[c.scorer]
            scorer = registered.item
            ctx = context(self.ruleset, self.data, c, self.scores.criteria)
            inputs = ", ".join([f"{ind} = {_value(self.data.indicators[ind], self.unit)}"
                                for ind in scorer.inputs(c.params).values()]
                               + [f"{ref} = {_value(ctx.columns[ref], self.unit)}"
                                  for ref in scorer.references(c.params)])
            role = scorer.role_for(c)
            where = (_("group {group}").format(group=c.group) if c.group
                     else _(ROLES[role]) if role in ROLES else role)
            lines.append("  " + _("{criterion}{title} [{where}, {scorer} from {plugin} {version}]")
                         .format(criterion=c.id, title=f" ({c.title})" if c.title else "",
                                 where=where, scorer=c.scorer, plugin=registered.plugin,
                                 version=registered.version))
            lines.append("    " + _("inputs: {inputs}").format(inputs=inputs or _("none")))
            try:
                steps = scorer.explain(ctx, self.unit)
            except Exception as e:   # a plugin's explanation must not hide the rest
                steps = [_("(plugin {plugin} {version} could not explain: {error})").format(
                    plugin=registered.plugin, version=registered.version,
                    error=f"{type(e).__name__}: {e}")]
            lines.extend(f"    {step}" for step in steps)
            lo, hi = scorer.bounds(c)
            lines.append("    = " + _("{points} points (rounded {rounding} to {scale} decimals; "
                                      "range {low}..{high})").format(
                points=self.show(int(self.scores.criteria[c.id][self.unit])),
                rounding=self.ruleset.rounding, scale=self.ruleset.scale,
                low="" if lo is None else lo, high=hi))
        return [*lines, ""]

    def totals(self) -> list[str]:
        i, lines = self.unit, [_("totals:")]
        for g in self.ruleset.groups:
            raw = sum(int(self.scores.criteria[c.id][i]) for c in self.ruleset.criteria
                      if c.group == g.id)
            capped = int(self.scores.groups[g.id][i])
            note = (_(", capped at {max}") if raw > capped else _(" (cap {max})")).format(max=g.max)
            lines.append("  " + _("group {group}: {raw}{note} -> {capped}").format(
                group=g.id, raw=self.show(raw), note=note, capped=self.show(capped)))
        ungrouped = [c.id for c in self.ruleset.criteria if c.group is None]
        if ungrouped:
            lines.append("  " + _("outside groups ({criteria}): {points} (deductions {deductions}, "
                                  "bonus {bonus})").format(
                criteria=", ".join(ungrouped),
                points=self.show(sum(int(self.scores.criteria[c][i]) for c in ungrouped)),
                deductions=self.show(int(self.scores.deductions[i])),
                bonus=self.show(int(self.scores.bonus[i]))))
        lines.append("  " + _("total {total}").format(total=self.show(int(self.scores.total[i]))))
        return [*lines, ""]

    def classification(self) -> list[str]:
        if self.ruleset.classification is None:
            return []
        i = self.unit
        total = units_to_decimal(int(self.scores.total[i]), self.ruleset.scale)
        lines = [_("classification: {klass}").format(klass=self.result.classes[i] or _("none"))]
        for band in self.ruleset.classification.bands:
            points = checked_criteria(self.ruleset, band, self.registry)
            why = []
            if band.min_total is not None:
                why.append(_("total {total} {compared} {least}").format(
                    total=total, compared=">=" if total >= band.min_total else "<",
                    least=band.min_total))
            if band.min_each is not None:
                under = [f"{c.id} {self.points_of(c)} < {band.min_each * c.most}" for c in points
                         if self.points_of(c) < band.min_each * c.most]
                why.append(_("criteria under {share} of their max: {criteria}").format(
                               share=band.min_each, criteria=", ".join(under)) if under else
                           _("every criterion at least {share} of its max").format(
                               share=band.min_each))
            if band.when is not None:
                env = scored_env(self.ruleset, self.data, self.scores)
                holds = bool(truth(env, band.when, f"classification band {band.label}")[i])
                why.append(_("when {condition}: {holds} ({values})").format(
                    condition=band.when, holds=_("true") if holds else _("false"),
                    values=values_shown(env, band.when, i)))
            met = band.label == self.result.classes[i]
            lines.append(f"  {band.label}: {'; '.join(why) or _('no conditions')} -> "
                         + (_("met (first band met)") if met else _("not met")))
            if met:
                break
        return [*lines, ""]

    def points_of(self, c: Criterion) -> Decimal:
        return units_to_decimal(int(self.scores.criteria[c.id][self.unit]), self.ruleset.scale)

    def key_text(self, entry: str, i: int) -> str:
        name = entry.split()[0]
        prefix, _sep, ref = name.partition(":")
        if name == "unit_id":
            return self.data.unit_ids[i]
        if name in ("total", "deductions", "bonus"):
            return self.show(int(getattr(self.scores, name)[i]))
        if prefix == "group":
            return self.show(int(self.scores.groups[ref][i]))
        if prefix == "criterion":
            return self.show(int(self.scores.criteria[ref][i]))
        if prefix == "key":
            value = self.key_value(ref).fraction(i)
            return _("missing") if value is None else fraction_text(value)
        return _value(self.data.indicators[ref], i)

    def key_value(self, key_id: str) -> NumberValue:
        """A ranking key's exact value for every unit (computed once per key)."""
        if key_id not in self._keys:
            key = next(k for k in self.ruleset.ranking.keys if k.id == key_id)
            self._keys[key_id] = number(scored_env(self.ruleset, self.data, self.scores),
                                        key.expr, f"ranking key {key_id}")
        return self._keys[key_id]

    def cluster(self) -> list[str]:
        i, data, ranks = self.unit, self.data, self.result.ranks
        members = [int(m) for m in np.flatnonzero(data.cluster_codes == data.cluster_codes[i])]
        keys = sort_columns(self.ruleset, data, self.scores)
        members.sort(key=lambda m: tuple(int(k[m]) for k in keys))
        order = self.ruleset.ranking.order
        shown = {e: max(8, len(e.split()[0])) for e in order if e.split()[0] != "unit_id"}
        unit_header, rank_header = _("unit"), _("rank")
        uw = max(len(unit_header), *(len(data.unit_ids[m]) for m in members))
        lines = [_("cluster {cluster} (ranking: {order}):").format(cluster=data.clusters[i],
                                                                  order=", ".join(order)),
                 f"    {rank_header:>4}  {unit_header:<{uw}}  "
                 + "  ".join(f"{e.split()[0]:>{w}}" for e, w in shown.items())
                 + "  " + _("class / awards")]
        for m in members:
            mark = ">" if m == i else " "
            rank_text = f"{ranks.rank[m]}{'=' if ranks.tied[m] else ''}"
            awards = ", ".join(self.result.awards_of(data.unit_ids[m]))
            lines.append(f"  {mark} {rank_text:>4}  {data.unit_ids[m]:<{uw}}  "
                         + "  ".join(f"{self.key_text(e, m):>{w}}" for e, w in shown.items())
                         + f"  {self.result.classes[m] or '-'}{' [' + awards + ']' if awards else ''}")
        lines.append("  " + self._tie_break(members, keys))
        return [*lines, ""]

    def _tie_break(self, members: list[int], keys: list[IntArray]) -> str:
        i, ranks, order = self.unit, self.result.ranks, self.ruleset.ranking.order
        if len(members) == 1:
            return _("alone in its cluster: rank 1")
        if ranks.tied[i]:
            level = [self.data.unit_ids[m] for m in members if m != i
                     and all(int(k[m]) == int(k[i]) for k in keys)]
            return _("rank {rank} shared with {units}: equal on every ranking key, so the "
                     "ranking does not separate them").format(rank=ranks.rank[i],
                                                              units=", ".join(level))
        pos = members.index(i)
        other = members[pos - 1] if pos > 0 else members[pos + 1]
        entry = ranks.decided_by[i] or order[-1]
        k = order.index(entry)
        same = [f"{e.split()[0]} {self.key_text(e, i)}" for e in order[:k]]
        side = _("above") if pos > 0 else _("below")
        return (_("rank {rank} set by '{entry}' against {other} ({side}): {mine} vs {theirs}")
                .format(rank=ranks.rank[i], entry=entry, other=self.data.unit_ids[other],
                        side=side, mine=self.key_text(entry, i),
                        theirs=self.key_text(entry, other))
                + (_(", after being level on {keys}").format(keys=", ".join(same)) if same else ""))

    def awards(self) -> list[str]:
        lines = []
        held: set[str] = set(self.result.awards_of(self.unit_id))
        for rule in self.ruleset.awards:
            title = _("award {award}").format(award=rule.id) + (f" ({rule.title})" if rule.title else "")
            if rule.id in held:
                reason = next(p.reason.shown() for p in self.result.proposals
                              if p.award == rule.id and p.unit == self.unit_id)
                lines.append(_("{award}: proposed ({reason})").format(award=title, reason=reason))
                lines.extend(self.notes_for(rule))
                continue
            skips = [s.reason.shown() for s in self.result.skips
                     if s.award == rule.id and s.unit == self.unit_id]
            if not skips and rule.per_cluster is not None:
                cluster, index = self.data.clusters[self.unit], self.data.index()
                taken = [p.unit for p in self.result.proposals if p.award == rule.id
                         and self.data.clusters[index[p.unit]] == cluster]
                max_rank = rule.requires.max_rank
                rank = int(self.result.ranks.rank[self.unit])
                if max_rank is not None and rank > max_rank:
                    skips = [_("only rank {max_rank} or better may receive it; rank {rank} was "
                               "not a candidate").format(max_rank=max_rank, rank=rank)]
                elif taken:
                    skips = [_("the cluster's {n} place(s) went to {units}").format(
                        n=rule.per_cluster, units=", ".join(taken))]
                else:
                    skips = [_("no unit of the cluster was eligible")]
            lines.append(_("{award}: not proposed").format(award=title)
                         + (f": {'; '.join(skips)}" if skips else ""))
            lines.extend(self.notes_for(rule))
            if self.decided_by_council(rule):
                lines.append("  " + _("the council's ruling or ballot decided this; no change of "
                                      "points would"))
                continue
            lines.extend(f"  {line}" for line in WhatItTakes(self, rule, held).lines())
        return lines


@frozen
class Change:
    """One input of one unit set to another value: texts as the record writes them, and
    `units`, the new value as an exact integer at the column's scale (day number for dates)."""

    indicator: str
    new: str
    old: str
    delta: str
    units: int
    points: str
    """The criterion's points with the change."""


@frozen
class Alone:
    """Raising one criterion alone by `points` (10**-scale units) would get the award."""

    criterion: str
    now: int
    points: int
    changes: tuple[Change, ...]


@frozen
class Taking:
    """What it would have taken one unit to get one award."""

    award: str
    blocked: str | None
    """Why no change of points can do it (a gate, an exclusion), or None."""
    points: int | None
    """The fewest extra points on the total alone, or None when no amount would do."""
    alone: tuple[Alone, ...]
    cannot: tuple[str, ...]
    """The criteria no change of which alone would do it."""


def what_it_takes(result: Result, unit_id: str, award_id: str,
                  registry: Registry) -> Taking:
    """The smallest changes that would have got `unit_id` the award `award_id`."""
    e = Explainer(result, result.data.index()[unit_id], registry)
    rule = next(r for r in e.ruleset.awards if r.id == award_id)
    return WhatItTakes(e, rule, set(result.awards_of(unit_id))).compute()


class WhatItTakes:
    """The smallest changes that would have got one unit one award it did not get."""

    def __init__(self, e: Explainer, rule: AwardRule, held: set[str]) -> None:
        self.e, self.rule, self.held = e, rule, held
        data, i = e.data, e.unit
        # an award given per cluster, excluding only awards given per cluster, depends on
        # the cluster alone: decide it on the cluster's units
        if _cluster_local(e.ruleset.awards, rule.id):
            members = [int(m) for m in np.flatnonzero(data.cluster_codes == data.cluster_codes[i])]
        else:
            members = list(range(data.size))
        self.members = np.array(members)
        self.scope = _subset(data, members)
        self.at = members.index(i)
        self.criteria = {c: v[self.members] for c, v in e.scores.criteria.items()}

    def gets(self, scores: Scores) -> bool:
        """Would the unit be proposed for the award with these scores (scope units only)?"""
        ruleset, data = self.e.ruleset, self.scope
        classes = classify(ruleset, data, scores, self.e.registry)
        proposals, _skips = award(ruleset, data, scores, classes, rank(ruleset, data, scores),
                             self.e.registry)
        unit = self.e.unit_id
        return any(p.award == self.rule.id and p.unit == unit for p in proposals)

    def gets_with(self, criterion: str | None, extra: int) -> bool:
        return self.gets(self.with_points(criterion, extra))

    def with_points(self, criterion: str | None, extra: int) -> Scores:
        """Scope scores with `extra` points on one criterion (re-totalled), or on the total."""
        criteria = dict(self.criteria)
        if criterion is None:
            scores = sum_scores(self.e.ruleset, criteria, self.e.registry, self.scope.size)
            total = scores.total.copy()
            total[self.at] += extra
            return attrs.evolve(scores, total=total)
        values = criteria[criterion].copy()
        values[self.at] += extra
        criteria[criterion] = values
        return sum_scores(self.e.ruleset, criteria, self.e.registry, self.scope.size)

    def compute(self) -> Taking:
        e = self.e
        blocked = self.blocked()
        if blocked:
            return Taking(self.rule.id, blocked, None, (), ())
        room = {c.id: self.room(c) for c in e.ruleset.criteria}
        needed = least(functools.partial(self.gets_with, None), sum(room.values()))
        alone, cannot = [], []
        for c in e.ruleset.criteria:
            q = least(functools.partial(self.gets_with, c.id), room[c.id])
            if q is None:
                cannot.append(c.id)
            else:
                alone.append(Alone(c.id, int(e.scores.criteria[c.id][e.unit]), q,
                                   tuple(self.input_changes(c, q))))
        return Taking(self.rule.id, None, needed, tuple(alone), tuple(cannot))

    def lines(self) -> list[str]:
        e, taking = self.e, self.compute()
        if taking.blocked:
            return [taking.blocked]
        out = [_("needs +{points} points on the total (all else equal)").format(
                   points=e.show(taking.points))
               if taking.points else _("more points on the total alone would not do it")]
        if taking.alone:
            out.append(_("one criterion alone ({n} of {m} could do it):").format(
                n=len(taking.alone), m=len(e.ruleset.criteria)))
        for a in taking.alone:
            changes = [_("{indicator} {new} instead of {old} ({delta} -> {points})").format(
                           indicator=ch.indicator, new=ch.new, old=ch.old, delta=ch.delta,
                           points=ch.points)
                       for ch in a.changes]
            out.append("  " + _("{criterion} (now {now}): +{points} points: ").format(
                           criterion=a.criterion, now=e.show(a.now), points=e.show(a.points))
                       + (_(" or ").join(changes) if changes else
                          _("no change of one of its inputs alone reaches them")))
        if taking.cannot:
            out.append(_("no change in one criterion alone suffices for {criteria} (capped, at "
                         "their best, or not enough)").format(criteria=", ".join(taking.cannot)))
        return out + self.class_shortfall()

    def class_shortfall(self) -> list[str]:
        """What the class the award requires still lacks, criterion by criterion."""
        e, label = self.e, self.rule.requires.classification
        if label is None or e.ruleset.classification is None or e.result.classes[e.unit] == label:
            return []
        band = next(b for b in e.ruleset.classification.bands if b.label == label)
        total = units_to_decimal(int(e.scores.total[e.unit]), e.ruleset.scale)
        short = []
        if band.min_total is not None and total < band.min_total:
            short.append(_("total {total} {compared} {least}").format(
                total=total, compared="<", least=band.min_total))
        if band.min_each is not None:
            short += [f"{c.id} {e.points_of(c)} < {band.min_each * c.most}"
                      for c in checked_criteria(e.ruleset, band, e.registry)
                      if e.points_of(c) < band.min_each * c.most]
        return [_("class '{label}' still needs: {shortfall}").format(
            label=label, shortfall=", ".join(short))] if short else []

    def blocked(self) -> str | None:
        """Why no change of points can get the award, if that is so."""
        e, rule = self.e, self.rule
        excluded = [a for a in rule.exclude if a in self.held]
        if excluded:
            return _("not open to this unit: it is proposed for {awards}, which excludes "
                     "it").format(awards=", ".join(excluded))
        if rule.from_award and rule.from_award not in self.held:
            return _("only holders of {award} are considered; see that award above").format(
                award=rule.from_award)
        failures = gate_failures(e.ruleset, e.data, e.scores, rule.requires.gates, e.registry)[e.unit]
        if failures:
            failed = {f.arg("gate") for f in failures}
            needs = [_condition(g) for g in e.ruleset.gates if g.id in rule.requires.gates
                     and g.id in failed]
            return (_("blocked whatever the points: {failures}").format(
                        failures=joined(failures).shown())
                    + (_(" (eligible only with {conditions})").format(
                        conditions=_(" and ").join(needs)) if needs else ""))
        return None

    def read_by_others(self, c: Criterion) -> bool:
        """Whether another criterion reads c's points (criterion.ID, or its group's sum)."""
        ruleset, registry = self.e.ruleset, self.e.registry
        return any(c.id in referenced(ruleset, registry, other) for other in ruleset.criteria)

    def room(self, c: Criterion) -> int:
        """How many points criterion c can still add for this unit."""
        hi = self.e.registry.scorers[c.scorer].item.bounds(c)[1]
        return max(0, to_units(hi, self.e.ruleset.scale) - int(self.e.scores.criteria[c.id][self.e.unit]))

    def input_changes(self, c: Criterion, points: int) -> list[Change]:
        """Each single input change that gives c at least `points` more and, re-run through
        the whole engine, gets the unit the award."""
        e, i = self.e, self.e.unit
        scorer = e.registry.scorers[c.scorer].item
        goal = int(e.scores.criteria[c.id][i]) + points
        out = []
        for indicator in dict.fromkeys(scorer.inputs(c.params).values()):
            col = e.data.indicators[indicator]
            if col.missing[i]:
                continue
            found = []
            for sign in (1, -1):
                change = self.least_input(c, indicator, sign, goal)
                if change is not None:
                    found.append(change)
            if found:
                best = min(found, key=abs)
                new = int(col.values[i]) + best
                then = scorer.score(context(e.ruleset, _with_value(e.data, i, indicator, new), c,
                                            e.scores.criteria))
                out.append(Change(indicator, _text(col, new), _value(col, i),
                                  f"{'+' if best > 0 else '-'}{_amount(col, abs(best))}", new,
                                  e.show(int(then[i]))))
        return out

    def least_input(self, c: Criterion, indicator: str, sign: int, goal: int) -> int | None:
        """The smallest move of the input in one direction that scores c at least `goal` and
        wins the award in a full re-run; None when there is none in range."""
        e, i = self.e, self.e.unit
        col = e.data.indicators[indicator]
        step, v0 = _step(col), int(col.values[i])
        if col.kind == "date":
            limit = DATE_RANGE
        elif sign < 0 and v0 >= 0:
            limit = v0 // step          # counts, shares and amounts stop at zero
        else:
            limit = max(abs(v0) // step, 1) * VALUE_RANGE
        scorer = e.registry.scorers[c.scorer].item

        def scores_enough(k: int) -> bool | None:
            # the scope's units suffice to search; `wins` then checks on the whole dataset
            data = _with_value(self.scope, self.at, indicator, v0 + sign * k * step)
            try:
                if self.read_by_others(c):      # what reads c moves with it: the whole engine
                    result = run(e.ruleset, data, e.registry)
                    return any(p.award == self.rule.id and p.unit == e.unit_id
                               for p in result.proposals)
                return int(scorer.score(context(e.ruleset, data, c, self.criteria))[self.at]) >= goal
            except (EmuscoreError, ArithmeticError, ValueError):
                return None

        def wins(k: int) -> bool:
            data = _with_value(e.data, i, indicator, v0 + sign * k * step)
            try:
                result = run(e.ruleset, data, e.registry)
            except (EmuscoreError, ArithmeticError, ValueError):
                return False
            return any(p.award == self.rule.id and p.unit == e.unit_id for p in result.proposals)

        k = least(scores_enough, limit)
        if k is None and sign < 0 and v0 >= 0:
            k = least(scores_enough, limit - 1)     # zero itself may be refused (a zero target)
        if k is None:
            return None
        if not wins(k):   # the input feeds more than this criterion (a gate, a cluster best)
            more = least(lambda j: wins(k + j), limit - k)
            if more is None:
                return None
            k += more
        return sign * k * step


def _cluster_local(rules: tuple[AwardRule, ...], award_id: str) -> bool:
    rule = next(r for r in rules if r.id == award_id)
    return rule.per_cluster is not None and all(_cluster_local(rules, x) for x in rule.exclude)


def _condition(gate: Gate) -> str:
    if gate.at_most is not None:
        return f"{gate.indicator} <= {gate.at_most}"
    if gate.at_least is not None:
        return f"{gate.indicator} >= {gate.at_least}"
    return f"{gate.indicator} = {gate.equals}"


def least(ok: Callable[[int], bool | None], limit: int) -> int | None:
    """The smallest k in 1..limit with ok(k) true, for an ok that is false, then true as k
    grows, and may be None (no valid answer: an input beyond what its criterion accepts)
    further on; None when there is no such k. Doubling, then bisection: O(log limit) calls,
    and the invalid far end is never required to hold (a formula with no cap of its own
    refuses large inputs instead of scoring them)."""
    if limit < 1:
        return None
    lo, hi = 0, 1
    while (found := ok(hi)) is False:
        if hi == limit:
            return None
        lo, hi = hi, min(2 * hi, limit)
    while hi - lo > 1:          # ok(lo) is false (or lo = 0); ok(hi) true or invalid
        mid = (lo + hi) // 2
        outcome = ok(mid)
        if outcome is False:
            lo = mid
        else:
            hi, found = mid, outcome
    return hi if found else None


def _subset(data: Dataset, members: list[int]) -> Dataset:
    if len(members) == data.size:
        return data
    idx = np.array(members)
    columns = {n: Column(c.values[idx], c.scale, c.missing[idx], c.kind)
               for n, c in data.indicators.items()}
    return Dataset(tuple(data.unit_ids[m] for m in members), tuple(data.names[m] for m in members),
                   tuple(data.clusters[m] for m in members), columns, data.source)


def _with_value(data: Dataset, unit: int, indicator: str, value: int) -> Dataset:
    """The dataset with one unit's value of one indicator replaced (exact integer units)."""
    col = data.indicators[indicator]
    values = col.values.astype(object) if abs(value) >= INT64_ROOM else col.values.copy()
    values[unit] = value
    missing = col.missing.copy()
    missing[unit] = False
    columns = {**data.indicators, indicator: Column(values, col.scale, missing, col.kind)}
    return attrs.evolve(data, indicators=columns)


def _step(col: Column) -> int:
    """The finest step the column's values use: whole numbers for a column of whole
    numbers (counts), else 10**-scale; one day for dates."""
    present = [int(v) for v in col.values[~col.missing].tolist()]
    step = 1
    while step < 10**col.scale and all(v % (step * 10) == 0 for v in present):
        step *= 10
    return step


def _value(col: Column, unit: int) -> str:
    return value_text(col, unit) or _("missing")


def _text(col: Column, value: int) -> str:
    if col.kind == "date":
        return datetime.date.fromordinal(value).isoformat()
    return format_units(value, col.scale)


def _amount(col: Column, units: int) -> str:
    if col.kind == "date":
        return ngettext("{n} day", "{n} days", units).format(n=units)
    return format_units(units, col.scale)

