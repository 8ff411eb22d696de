"""`attainment`: an actual result against its planned target.

Higher is better (default): below target `max * below * A/T`; at target `max`; above
target `max` plus a bonus of `per_percent` points per percent over, capped at `cap`
points, or (`relative_to_best = true`) a share of `cap` relative to the cluster's best:
`cap * e/e_best` where e = (A-T)/T is the unit's relative excess and e_best the largest
in its cluster (`best = "relative_excess"`, the default), or `cap * (A-T)/(A_best-T)`
with A_best the best actual in the cluster and T the unit's own target
(`best = "actual"`). Lower is better (poverty rate, accidents): `max * below * T/A`
above target, the bonus measured by the excess T-A under it (and A_best the lowest
actual). Every branch is one exact fraction divided once. A negative actual counts as 0.
A unit without a target is an error, or (`no_target = "cluster_best"`) is scored
against the best actual in its cluster. A zero target is an error, or
(`zero_target = "pass_fail"`) full points when met and nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from attrs import frozen

from emuscore.exact import IntArray
from emuscore.hookspecs import hookimpl
from emuscore.i18n import N_, _
from emuscore.model import Criterion
from emuscore.scoring import Check, ScoreContext, Scorer, as_int, param_scale
from emuscore.structure import Indicator


@frozen
class Bonus:
    cap: Decimal
    per_percent: Decimal | None = None
    relative_to_best: bool = False
    best: Literal["relative_excess", "actual"] | None = None
    """With relative_to_best: what the cluster's best is. "relative_excess" (what None
    means, so rulesets without the key load and dump as before): cap * e/e_best, e =
    (A-T)/T. "actual": cap * (A-T)/(A_best-T), A_best the cluster's best actual."""


@frozen
class AttainmentParams:
    actual: Indicator
    target: Indicator | None = None
    direction: Literal["higher", "lower"] = "higher"
    below: Decimal = Decimal(1)
    bonus: Bonus | None = None
    no_target: Literal["error", "cluster_best"] = "error"
    zero_target: Literal["error", "pass_fail"] = "error"


class Attainment(Scorer[AttainmentParams]):
    threadsafe = True
    name = "attainment"
    Params = AttainmentParams
    description = "actual vs target, proportional below, bonus per percent over (capped)"

    def check(self, criterion: Criterion) -> list[Check]:
        p = self.params_of(criterion)
        problems: list[Check] = []
        if not Decimal(0) <= p.below <= 1:
            problems.append(_("below must be between 0 and 1 (the share of max per unit of A/T)"))
        if p.bonus is not None:
            b = p.bonus
            if b.per_percent is None and not b.relative_to_best:
                problems.append((("bonus",), _("bonus needs per_percent (points per percent over "
                                               "target) or relative_to_best = true (cap shared "
                                               "relative to the cluster's best); neither is given")))
            elif b.per_percent is not None and b.relative_to_best:
                problems.append((("bonus",), _("bonus takes per_percent or relative_to_best = "
                                               "true, not both")))
            if b.best is not None and not b.relative_to_best:
                problems.append((("bonus", "best"), _("best = \"{best}\" applies only with "
                                                      "relative_to_best = true").format(best=b.best)))
            if b.cap < 0 or (b.per_percent or 0) < 0:
                problems.append((("bonus",), _("bonus per_percent and cap must not be negative")))
        if p.target is None and p.no_target != "cluster_best":
            problems.append(_("without a target indicator, set no_target = \"cluster_best\""))
        return problems

    def bounds(self, criterion: Criterion) -> tuple[Decimal, Decimal]:
        p = self.params_of(criterion)
        return Decimal(0), criterion.most + (p.bonus.cap if p.bonus else 0)

    def targets(self, ctx: ScoreContext[AttainmentParams]) -> tuple[IntArray, IntArray, int]:
        """Actual and target at one scale, with targets filled where the ruleset allows."""
        p: AttainmentParams = ctx.params
        act = ctx.column("actual")
        tgt = ctx.column("target", allow_missing=p.no_target == "cluster_best") if p.target else None
        scale = max(act.scale, tgt.scale if tgt else 0)
        a = act.at_scale(scale)
        if tgt is None:
            t, missing = np.zeros_like(a), np.ones(ctx.size, bool)
        else:
            t, missing = tgt.at_scale(scale), tgt.missing
        if missing.any():
            best = _cluster_best(a, ctx.cluster, p.direction == "higher")
            t = np.where(missing, best, t)
        ctx.refuse(t < 0, _("target {indicator} is negative; targets must be zero or more").format(
            indicator=p.target))
        if p.zero_target == "error":
            ctx.refuse(t == 0, _("target is 0, so attainment A/T is undefined; enter the real "
                                 "target or declare zero_target = \"pass_fail\""))
        return a, t, scale

    def score(self, ctx: ScoreContext[AttainmentParams]) -> IntArray:
        p: AttainmentParams = ctx.params
        a, t, _ = self.targets(ctx)
        bonus = p.bonus or Bonus(cap=Decimal(0), per_percent=Decimal(0))
        k = param_scale(ctx.criterion.most, p.below, bonus.cap, bonus.per_percent)
        ms, below, cap = (as_int(v, k) for v in (ctx.criterion.most, p.below, bonus.cap))
        pp = as_int(bonus.per_percent or Decimal(0), k)
        factor = 4 * max(ms * max(below, 1), (ms + pp * 100 + cap) * 10**k)
        a, t = ctx.fit(factor, np.maximum(a, 0), t)
        higher = p.direction == "higher"
        met = a >= t if higher else a <= t
        excess = a - t if higher else t - a
        safe_t = np.where(t == 0, 1, t)
        # Below target, both directions: max*below*A/T (higher) or max*below*T/A (lower).
        below_num = ms * below * (a if higher else t)
        below_den = (safe_t if higher else np.where(a == 0, 1, a)) * 10**k
        # At or over target: (max*T + min(per_percent*100*excess, cap*T)) / T.
        over_num = (ms * safe_t + np.minimum(pp * 100 * np.maximum(excess, 0), cap * safe_t)) * 10**k
        over_den = safe_t * 10**k
        points = ctx.divide(np.where(met, over_num, below_num), np.where(met, over_den, below_den), k)
        if bonus.relative_to_best and bonus.best == "actual":
            best = _cluster_best(a, ctx.cluster, higher)
            room = best - t if higher else t - best
            points = np.where(met, self._best_actual_bonus(ctx, excess, room, ms, cap, k), points)
        elif bonus.relative_to_best:
            points = np.where(met, self._relative_bonus(ctx, t, excess, ms, cap, k), points)
        if p.zero_target == "pass_fail":
            points = np.where(t == 0, np.where(met, ctx.units(ctx.criterion.most), 0), points)
        return points

    def _relative_bonus(self, ctx: ScoreContext[AttainmentParams], t: IntArray, excess: IntArray,
                        ms: int, cap: int, k: int) -> IntArray:
        """max + cap * e/e_best for every unit, e = excess/T; exact fractions, rounded once."""
        rel = [Fraction(int(x), int(y)) if y > 0 and x > 0 else Fraction(0)
               for x, y in zip(excess.tolist(), t.tolist(), strict=True)]
        best: dict[int, Fraction] = {}
        for c, e in zip(ctx.cluster.tolist(), rel, strict=True):
            best[c] = max(best.get(c, Fraction(0)), e)
        points = [ms + cap * (e / best[c] if best[c] else 0)
                  for c, e in zip(ctx.cluster.tolist(), rel, strict=True)]
        num = np.array([p.numerator for p in points], dtype=object)
        den = np.array([p.denominator for p in points], dtype=object)
        return ctx.divide(num, den, k)

    def _best_actual_bonus(self, ctx: ScoreContext[AttainmentParams], excess: IntArray,
                           room: IntArray, ms: int, cap: int, k: int) -> IntArray:
        """max + cap * excess/room for every unit, one fraction each, divided once.

        excess is A-T (lower: T-A), room is A_best-T (lower: T-A_best), A_best the cluster's
        best actual. A unit with no excess gets max and no bonus; one with excess has
        room >= excess > 0 (A_best is at least its A), so the divisor is positive and the
        share at most 1: the cluster's best (every unit tied for it) gets max + cap."""
        over = excess > 0
        den = np.where(over, room, 1)
        num = ms * den + cap * np.where(over, excess, 0)
        return ctx.divide(num, den, k)

    def explain(self, ctx: ScoreContext[AttainmentParams], unit: int) -> list[str]:
        p: AttainmentParams = ctx.params
        a, t, scale = self.targets(ctx)
        actual, target = Decimal(int(a[unit])).scaleb(-scale), Decimal(int(t[unit])).scaleb(-scale)
        source = _("target") if p.target and not ctx.columns[p.target].missing[unit] \
            else _("best actual in the cluster")
        steps = [_("actual {indicator} = {actual}, {source} = {target}, {better}").format(
            indicator=p.actual, actual=actual, source=source, target=target,
            better=_(BETTER[p.direction]))]
        met = actual >= target if p.direction == "higher" else actual <= target
        if target == 0 and p.zero_target == "pass_fail":
            steps.append(_("zero target met: pass/fail") if met else _("zero target missed: pass/fail"))
        elif not met:
            ratio = f"{actual}/{target}" if p.direction == "higher" else f"{target}/{actual}"
            num, den = (actual, target) if p.direction == "higher" else (target, actual)
            exact = Fraction(ctx.criterion.most * p.below * num) / Fraction(den) if den else Fraction(0)
            steps.append(_("below target: {formula}").format(
                formula=f"{ctx.criterion.most} x {p.below} x {ratio} = {_exact(exact)}"))
        elif p.bonus and p.bonus.per_percent is not None:
            bonus = min(Fraction(p.bonus.per_percent * 100 * abs(actual - target)) / Fraction(target),
                        Fraction(p.bonus.cap)) if target else Fraction(0)
            steps.append(_("target met: {formula}").format(
                formula=f"{ctx.criterion.most} + min({p.bonus.per_percent} x 100 x "
                        f"|{actual} - {target}|/{target}, {p.bonus.cap}) = "
                        f"{_exact(Fraction(ctx.criterion.most) + bonus)}"))
        elif p.bonus and p.bonus.best == "actual":
            clamped = np.maximum(a, 0)
            best_units = _cluster_best(clamped, ctx.cluster, p.direction == "higher")[unit]
            best = Decimal(int(best_units)).scaleb(-scale)
            actual = max(actual, Decimal(0))
            excess, room = ((actual - target, best - target) if p.direction == "higher"
                            else (target - actual, target - best))
            share = Fraction(excess) / Fraction(room) if excess > 0 else Fraction(0)
            formula = (f"({actual} - {target})/({best} - {target})" if p.direction == "higher"
                       else f"({target} - {actual})/({target} - {best})")
            steps.append(_("target met: {formula}").format(
                formula=f"{ctx.criterion.most} + {p.bonus.cap} x {formula} = "
                        f"{_exact(Fraction(ctx.criterion.most) + Fraction(p.bonus.cap) * share)}")
                + _(" ({best} is the best actual in the cluster)").format(best=best))
        elif p.bonus:
            steps.append(_("target met: {most} + {cap} x excess / best excess in the cluster")
                         .format(most=ctx.criterion.most, cap=p.bonus.cap))
        else:
            steps.append(_("target met: {formula}").format(formula=ctx.criterion.most))
        return steps


BETTER = {"higher": N_("higher is better"), "lower": N_("lower is better")}


def _exact(value: Fraction) -> str:
    """A fraction as decimal text: exact when it terminates within 12 places, else 12 and '…'."""
    scaled = value * 10**12
    digits = Decimal(scaled.numerator // scaled.denominator if scaled >= 0
                     else -(-scaled.numerator // scaled.denominator)).scaleb(-12)
    text = format(digits.normalize(), "f")
    return text if scaled.denominator == 1 else f"{text}…"


def _cluster_best(values: IntArray, cluster: IntArray, highest: bool) -> IntArray:
    """For each unit, the highest (or lowest) value in its cluster."""
    pick = max if highest else min
    best: dict[int, int] = {}
    for c, v in zip(cluster.tolist(), values.tolist(), strict=True):
        best[c] = pick(best.get(c, v), v)
    return np.array([best[c] for c in cluster.tolist()], dtype=values.dtype)


@hookimpl
def register_scorers(register: Callable[[Scorer[Any]], None]) -> None:
    register(Attainment())
