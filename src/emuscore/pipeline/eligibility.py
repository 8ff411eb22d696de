"""Stage 4: who may receive each award. The ruleset's own [[gates]] and plugins' gates,
then an award's requirements (rank, total, class, other awards held), each checked for
all units at once; the reasons are written out only for the units an award asks about
(at a million units, writing them all would dominate)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from emuscore.dataset import Dataset
from emuscore.eligibility import EligibilityGate
from emuscore.exact import IntArray, ceil_units, decimals_of, format_column, to_units
from emuscore.i18n import N_
from emuscore.manager import Registered, Registry
from emuscore.message import Message, joined
from emuscore.model import AwardRule, Gate, Ruleset
from emuscore.problems import DataError, PluginError
from emuscore.result import Ranks, Scores


def gate_failures(ruleset: Ruleset, data: Dataset, scores: Scores, gate_ids: Sequence[str],
                  registry: Registry) -> list[list[Message]]:
    """For each unit, why it fails each of the named gates (empty list = eligible): the
    ruleset's own [[gates]], then gates registered by plugins."""
    return GateCheck(ruleset, data, scores, gate_ids, registry).failures(range(data.size))


class GateCheck:
    """The named gates evaluated for every unit at once."""

    def __init__(self, ruleset: Ruleset, data: Dataset, scores: Scores, gate_ids: Sequence[str],
                 registry: Registry) -> None:
        self.data = data
        used = [g for g in ruleset.gates if g.id in gate_ids]
        self.env = None
        if any(g.when for g in used):     # formulas only when the ruleset has them (start-up)
            from emuscore.pipeline.expressions import scored_env

            self.env = scored_env(ruleset, data, scores)
        self.own = [(g, self._passes(g)) for g in used]
        own = {g.id for g in ruleset.gates}
        self.plugin = [(name, _plugin_gate(registry.gates[name], data))
                       for name in gate_ids if name not in own]

    def failures(self, units: Sequence[int]) -> list[list[Message]]:
        """For each of the units, why it fails the gates (each message's `gate` argument
        names the gate)."""
        out: list[list[Message]] = [[] for _ in units]
        for gate, passes in self.own:
            for k in np.flatnonzero(~passes[np.asarray(units, np.int64)]).tolist():
                out[k].append(Message.of(
                    N_("gate {gate} ({title}) failed: {values}"), gate=gate.id,
                    title=gate.title or gate.when or gate.indicator or "",
                    values=self._values(gate, units[k])))
        for name, verdict in self.plugin:
            for k, i in enumerate(units):
                reason = verdict[i]
                if reason is not None:      # the plugin's own words, stored as it gave them
                    out[k].append(Message.of(N_("gate {gate} failed: {verdict}"), gate=name,
                                             verdict=reason))
        return out

    def _passes(self, gate: Gate) -> IntArray:
        if gate.when is not None:
            from emuscore.pipeline.expressions import truth

            assert self.env is not None
            return truth(self.env, gate.when, f"gate {gate.id}")
        assert gate.indicator is not None
        col = self.data.indicators[gate.indicator]
        bound = next(v for v in (gate.at_most, gate.at_least, gate.equals) if v is not None)
        scale = max(col.scale, decimals_of(bound))
        v, b = col.at_scale(scale), to_units(bound, scale)
        ok = v <= b if gate.at_most is not None else v >= b if gate.at_least is not None else v == b
        return np.where(col.missing, gate.missing == "pass", ok)

    def _values(self, gate: Gate, unit: int) -> str:
        """What the gate read for the unit, e.g. "vi_pham = 2" or "vi_pham = 2, ky_luat = 0"."""
        if gate.when is not None:
            from emuscore.pipeline.expressions import values_shown

            assert self.env is not None
            return values_shown(self.env, gate.when, unit)
        assert gate.indicator is not None
        value = self.data.indicators[gate.indicator].decimal(unit)
        return f"{gate.indicator} = {'missing' if value is None else value}"


def plugin_gates(ruleset: Ruleset) -> list[str]:
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


class Ineligible:
    """Why each unit may not receive one award (empty = eligible). Every condition is
    checked for all units at once; the reasons are written out only for the units the
    award picker passes over."""

    def __init__(self, rule: AwardRule, ruleset: Ruleset, data: Dataset, scores: Scores,
                 classes: tuple[str, ...], ranks: Ranks, labels: list[str],
                 holders: dict[str, set[int]], registry: Registry) -> None:
        self.rule, self.scale, self.data = rule, ruleset.scale, data
        self.scores, self.classes, self.ranks = scores, classes, ranks
        self.holders = holders
        self.gates = GateCheck(ruleset, data, scores, rule.requires.gates, registry)
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

    def reasons(self, units: list[int]) -> list[Message]:
        """Why each of the (ineligible) units fails, the conditions joined (shown with "; "
        between them), worked out one condition at a time over all of them."""
        req = self.rule.requires
        at = np.asarray(units, np.int64)
        parts: list[list[Message | None]] = []     # per condition, one per unit (None = met)
        for other in reversed(self.rule.exclude):
            held = self.holders[other]
            excluded = Message.of(N_("already proposed for {award}"), award=other)
            parts.append([excluded if i in held else None for i in units])
        parts.append([joined(g) if g else None for g in self.gates.failures(units)])
        if req.max_rank is not None:
            rank = self.ranks.rank[at]
            low = np.flatnonzero(rank > req.max_rank)
            parts.append(_spread(len(units), low, [
                Message.of(N_("rank {rank} is below the rank {required} required"), rank=r,
                           required=req.max_rank) for r in rank[low].tolist()]))
        if self.min_total is not None:
            low = np.flatnonzero(self.scores.total[at] < self.min_total)
            parts.append(_spread(len(units), low, [
                Message.of(N_("total {total} is under the {required} required"), total=t,
                           required=str(req.min_total))
                for t in format_column(self.scores.total[at[low]], self.scale)]))
        if req.classification is not None:
            parts.append([Message.of(N_("classified '{label}', not '{required}' or better"),
                                     label=self.classes[i], required=req.classification)
                          if self.classes[i] not in self.good_enough else None for i in units])
        return [joined(why) for why in zip(*parts, strict=True)]


def _spread(n: int, where: IntArray, reasons: list[Message]) -> list[Message | None]:
    """n reasons: `reasons` at the positions `where`, None elsewhere."""
    out: list[Message | None] = [None] * n
    for k, reason in zip(where.tolist(), reasons, strict=True):
        out[k] = reason
    return out

