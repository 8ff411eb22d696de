"""Stage 5: recipients proposed for each award in declared order, with a reason for each
proposal and for each unit passed over; every award takes its recipients by the one
rule of `emuscore.pipeline.picker`."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

import numpy as np
from attrs import frozen

from emuscore import reasons
from emuscore.council.decisions import Decisions
from emuscore.dataset import Dataset
from emuscore.exact import format_units, order_by
from emuscore.i18n import N_
from emuscore.manager import Registry
from emuscore.message import Message, joined
from emuscore.model import AwardRule, Ruleset
from emuscore.pipeline.council import Council, Held, Tie
from emuscore.pipeline.eligibility import Ineligible
from emuscore.pipeline.picker import Passed, pick, shared_places
from emuscore.pipeline.rank import sort_columns
from emuscore.result import Note, Proposal, Ranks, Scores, Skip


def award(ruleset: Ruleset, data: Dataset, scores: Scores, classes: tuple[str, ...],
          ranks: Ranks, registry: Registry) -> tuple[tuple[Proposal, ...], tuple[Skip, ...]]:
    """Propose recipients for each award in declared order, with a reason for each
    proposal and for each unit passed over."""
    awarded = decide(ruleset, data, scores, classes, ranks, registry)
    return awarded.proposals, awarded.skips


@frozen(eq=False)
class Awarded:
    proposals: tuple[Proposal, ...]
    skips: tuple[Skip, ...]
    notes: tuple[Note, ...]


def decide(ruleset: Ruleset, data: Dataset, scores: Scores, classes: tuple[str, ...],
           ranks: Ranks, registry: Registry, decisions: Decisions | None = None) -> Awarded:
    """The recipients of each award, with the council's `decisions` (rulings on ties,
    withheld proposals, ballots) when there are any, and a note for every award or
    cluster left without a recipient."""
    with _collector_paused():
        return _award(ruleset, data, scores, classes, ranks, registry, decisions or Decisions())


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
           ranks: Ranks, registry: Registry, decisions: Decisions) -> Awarded:
    proposals: list[Proposal] = []
    skips: list[Skip] = []
    notes: list[Note] = []
    holders: dict[str, set[int]] = {}
    pending: dict[str, list[Tie]] = {}
    council = Council(decisions, data, ruleset)
    ranking_keys = sort_columns(ruleset, data, scores)
    labels = [b.label for b in ruleset.classification.bands] if ruleset.classification else []
    ids = data.unit_ids
    titles = {a.id: a.title or a.id for a in ruleset.awards}    # what users read: the titles
    for rule in ruleset.awards:
        failures = Ineligible(rule, ruleset, data, scores, classes, ranks, labels, holders,
                              registry)
        eligible = np.array(failures.eligible, bool)
        barred = council.barred(rule)        # withheld, or fallen at a ballot that promotes
        eligible[list(barred)] = False
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
            waiting = sum(t.remaining for t in pending.get(rule.from_award or "", []))
            slots = int((rule.share or Decimal(0)) * len(pool))      # int() rounds down
            # unit_id only lists tied units in a stable order; ties still share a place
            candidates = pool[order_by(*(k[pool] for k in keys), data.unit_order[pool])]
            group = np.zeros(len(pool), np.int64)
            place = shared_places([k[candidates] for k in keys], len(pool))
            pool_scope = Message.of(N_("{n} holders of {award}, quota {quota}"), n=len(pool),
                                    award=rule.from_award or "", quota=slots)
            max_place = None    # a pool's order is not the cluster rank max_rank speaks of
            notes.extend(_quota_notes(rule, titles[rule.from_award or ""], len(pool), waiting, slots))
        held = Held(rule, pending, eligible, candidates, titles)
        keep = ~np.isin(candidates, list(held.dropped))
        candidates, group, place = candidates[keep], group[keep], place[keep]
        picked = pick(candidates, group, place, eligible[candidates], slots, max_place)
        chosen = set(picked.chosen.tolist())
        passed = list(picked.passed)
        ruled = council.settle(rule, passed)
        for _tie, winners, texts in ruled:
            chosen |= winners
            skips.extend(Skip(rule.id, ids[u], text) for u, text in texts)
        settled = {u for tie, _won, _texts in ruled for u in tie}
        passed = [p for p in passed if not (p.tie and p.unit in settled)]
        why_not = iter(failures.reasons([p.unit for p in passed if not p.tie]))
        why_passed: dict[int, Message] = {}
        for p in passed:
            scope = pool_scope or Message.of(N_("cluster {cluster}"), cluster=data.clusters[p.unit])
            if p.tie:
                why = reasons.tied(p.place, scope, ", ".join(ids[j] for j in p.tie), p.remaining)
            else:
                why = joined((council.barred_reason(rule, p.unit), next(why_not)))
            why_passed[p.unit] = why
            skips.append(Skip(rule.id, ids[p.unit], why))
        if council.active:
            council.reached(rule, {p.unit for p in passed} | chosen)
        skips.extend(Skip(rule.id, ids[u], why) for u, why in held.skips(chosen, data))
        chosen -= held.placeholders
        fallen = council.ballot(rule, chosen)
        chosen -= set(fallen)
        skips.extend(Skip(rule.id, ids[u], why) for u, why in fallen.items())
        for i in sorted(chosen, key=lambda i: (data.cluster_codes[i], ranks.rank[i],
                                               data.unit_order[i])):
            proposals.append(Proposal(rule.id, ids[i], joined((
                *_why(rule, i, data, scores, classes, ranks, ruleset),
                council.passed_ballot(rule, i)))))
        holders[rule.id] = chosen
        ties = {p.tie: Tie(p.tie, p.remaining, p.place, "" if pool_scope else data.clusters[p.unit])
                for p in passed if p.tie}
        pending[rule.id] = list(ties.values())
        notes.extend(_notes(rule, data, ranks, chosen, passed, why_passed, ties.values(), held,
                            fallen, pool_scope is not None))
    council.check_all_used()
    return Awarded(tuple(proposals), tuple(skips), tuple(notes))


def _quota_notes(rule: AwardRule, source: str, holders: int, waiting: int, slots: int) -> list[Note]:
    """`source`: the title of the award the quota is drawn from."""
    out = []
    share = str(rule.share)
    if waiting:     # the quota is of the holders so far; the ruling adds to them
        later = int((rule.share or Decimal(0)) * (holders + waiting))
        out.append(Note(rule.id, "", Message.of(
            N_("{waiting} place(s) of {award} wait for the council's ruling: the quota is "
               "floor({share} x {holders}) = {quota} until then, and floor({share} x {after}) = "
               "{later} after it, when the unit(s) the council chooses join the holders; these "
               "proposals stand only where they rank above them"),
            waiting=waiting, award=source, share=share, holders=holders, quota=slots,
            after=holders + waiting, later=later), "held"))
    if slots == 0:
        exact = (rule.share or Decimal(0)) * holders
        out.append(Note(rule.id, "", Message.of(
            N_("quota {share} x {holders} holder(s) of {award} = {exact}, rounded down to 0: no "
               "place to give"), share=share, holders=holders, award=source, exact=str(exact)),
            "quota"))
    return out


def _notes(rule: AwardRule, data: Dataset, ranks: Ranks, chosen: set[int], passed: list[Passed],
           why_passed: dict[int, Message], ties: Iterable[Tie], held: Held,
           fallen: dict[int, Message], pooled: bool) -> list[Note]:
    """Why a cluster (or the pool) has no recipient, or a place is not given."""
    out = []
    waiting: set[str] = set()
    for tie in ties:
        waiting.add(tie.scope)
        tied = ", ".join(data.unit_ids[u] for u in tie.units)
        out.append(Note(rule.id, tie.scope, Message.of(
            N_("tied at place {place} among {units} for {remaining} remaining place(s): left to "
               "the council (emuscore finalize --rulings)"),
            place=tie.place, units=tied, remaining=tie.remaining), "tie"))
    for scope, text in held.notes(data):
        waiting.add(scope)
        out.append(Note(rule.id, scope, text, "held"))
    for unit, why in fallen.items():
        scope = "" if pooled else data.clusters[unit]
        waiting.add(scope)
        out.append(Note(rule.id, scope, Message.of(
            N_("the place of {unit} is left empty: {reason}"), unit=data.unit_ids[unit], reason=why),
            "ballot"))
    if pooled:
        return out
    # whole columns: a national run has tens of thousands of clusters, most without a flag
    codes, ids = data.cluster_codes, data.cluster_ids
    given = np.zeros(len(ids), bool)
    given[codes[np.fromiter(chosen, np.int64, len(chosen))]] = True
    left = ~given
    left[[k for k, c in enumerate(ids) if c in waiting]] = False
    units = np.fromiter((p.unit for p in passed), np.int64, len(passed))
    seen, at = np.unique(codes[units], return_index=True)     # each cluster's first passed
    first = dict(zip(seen.tolist(), units[at].tolist(), strict=True))
    none_reached = Message.of(N_("no unit of the cluster was a candidate"))
    best = N_("no unit of the cluster was eligible; the best, {unit} (rank {rank}): {reason}")
    for code in np.flatnonzero(left).tolist():
        leader = first.get(code)
        why = none_reached if leader is None else Message.of(
            best, unit=data.unit_ids[leader], rank=int(ranks.rank[leader]), reason=why_passed[leader])
        out.append(Note(rule.id, ids[code], why, "none"))
    if not given.any() and not waiting:
        out.append(Note(rule.id, "", Message.of(N_("no recipient in any cluster")), "none"))
    return out


def _why(rule: AwardRule, i: int, data: Dataset, scores: Scores, classes: tuple[str, ...],
         ranks: Ranks, ruleset: Ruleset) -> list[Message]:
    return reasons.proposed(
        int(ranks.rank[i]), data.clusters[i], format_units(int(scores.total[i]), ruleset.scale),
        classes[i], str(rule.share) if rule.from_award else None, rule.from_award,
        ", ".join(rule.requires.gates))
