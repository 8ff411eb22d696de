"""The council's decisions in the award stage (docs/council.md):

- a ruling settles a tie for an award's last places among the tied units only, naming
  as many winners as there are places left; it never changes a score;
- a withheld proposal makes the unit ineligible for that award (or every award, "*"),
  with the ruling's reason: the next eligible unit is reached instead, as for a gate;
- a ballot below the award's threshold drops the proposal and leaves its place empty
  (the next unit is proposed instead only when the award's vote says `promote = true`);
- while a tie for award A waits for the council, an award B that excludes A holds as
  many places as the tie has units the council will not choose (k tied for r places:
  k - r), for whichever of them it does not give A; B's other places go on down the
  order, so no lower unit is pushed out of B by the pending tie, and each tied unit is
  told why (`Held`); an award drawn from A's holders keeps its quota of the holders so
  far and notes the quota after the ruling (`awards._quota_notes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from emuscore.council.decisions import EVERY_AWARD, Ballot, Decisions, Ruling
from emuscore.dataset import Dataset
from emuscore.exact import IntArray
from emuscore.i18n import N_, _
from emuscore.message import Message
from emuscore.model import AwardRule, Ruleset
from emuscore.pipeline.picker import Passed
from emuscore.problems import DataError, Problem, did_you_mean
from emuscore.reasons import BALLOT

Settled = tuple[tuple[int, ...], set[int], list[tuple[int, Message]]]
"""A tie settled by rulings: its units, the winners, and each loser with its reason."""


def _problem(row: Ruling | Ballot, key: str, message: str) -> DataError:
    return DataError(Problem(message, row.file, row.line or None, key))


class Council:
    """The decisions, checked against the ruleset and the data, as the award stage asks."""

    def __init__(self, decisions: Decisions, data: Dataset, ruleset: Ruleset) -> None:
        self.decisions = decisions
        self.active = bool(decisions.rulings or decisions.ballots)
        self.index = data.index() if self.active else {}
        self.data = data
        self.rules = {a.id: a for a in ruleset.awards}
        self.used: set[int] = set()         # positions of the rulings that took effect
        self._tallies: dict[str, dict[int, Ballot]] = {}
        self._check()

    def _check(self) -> None:
        def unit(row: Ruling | Ballot, key: str, unit_id: str) -> None:
            if unit_id not in self.index:
                raise _problem(row, key, _("no unit {unit} in the data{hint}").format(
                    unit=unit_id, hint=did_you_mean(unit_id, self.index)))

        for r in self.decisions.rulings:
            if r.award not in self.rules and not (r.decision == "withhold" and r.award == EVERY_AWARD):
                raise _problem(r, "award", _("no award '{award}' in the ruleset (awards: "
                                             "{awards})").format(award=r.award,
                                                                 awards=", ".join(self.rules)))
            unit(r, "unit_id", r.unit)
            for other in r.over:
                unit(r, "over", other)
        seen: set[tuple[str, str]] = set()
        for b in self.decisions.ballots or ():
            rule = self.rules.get(b.award)
            if rule is None:
                raise _problem(b, "award", _("no award '{award}' in the ruleset").format(award=b.award))
            if rule.vote is None:
                raise _problem(b, "award", _("award '{award}' is not decided by ballot in the "
                                             "ruleset (it has no vote = {{...}})").format(award=b.award))
            unit(b, "unit_id", b.unit)
            if (b.award, b.unit) in seen:
                raise _problem(b, "unit_id", _("a second ballot for unit {unit}, award {award}; "
                                               "keep one tally per proposal").format(
                                                   unit=b.unit, award=b.award))
            seen.add((b.award, b.unit))

    def _votes(self, rule: AwardRule) -> dict[int, Ballot] | None:
        if rule.vote is None or self.decisions.ballots is None:
            return None
        if rule.id not in self._tallies:
            self._tallies[rule.id] = {self.index[u]: b for u, b
                                      in self.decisions.ballots_for(rule.id).items()}
        return self._tallies[rule.id]

    def _fallen(self, rule: AwardRule) -> dict[int, Ballot]:
        votes = self._votes(rule)
        assert rule.vote is not None or votes is None
        return {} if votes is None or rule.vote is None else {
            i: b for i, b in votes.items() if not b.passes(rule.vote)}

    def barred(self, rule: AwardRule) -> set[int]:
        """Units that may not receive the award: withheld, or fallen at a ballot that
        promotes the next unit."""
        if not self.active:
            return set()
        out = {self.index[u] for u in self.decisions.withheld(rule.id)}
        if rule.vote is not None and rule.vote.promote:
            out |= set(self._fallen(rule))
        return out

    def barred_reason(self, rule: AwardRule, unit: int) -> Message | None:
        if not self.active:
            return None
        ruling = self.decisions.withheld(rule.id).get(self.data.unit_ids[unit])
        if ruling is not None:      # the council's own words, stored as it wrote them
            return Message.of(N_("withheld by the council: {ruling}"), ruling=ruling.text())
        fallen = self._fallen(rule).get(unit)
        if fallen is not None and rule.vote is not None:
            return _fell(fallen, rule)
        return None

    def reached(self, rule: AwardRule, units: set[int]) -> None:
        """Mark the withholding rulings that took effect (their unit was reached)."""
        if not self.active:
            return
        for k, r in enumerate(self.decisions.rulings):
            if (r.decision == "withhold" and r.award in (rule.id, EVERY_AWARD)
                    and self.index[r.unit] in units):
                self.used.add(k)

    def settle(self, rule: AwardRule, passed: list[Passed]) -> list[Settled]:
        """The ties of `passed` that rulings settle; a ruling that names a unit outside the
        tie, or does not settle it whole, is refused."""
        rulings = [(k, r) for k, r in enumerate(self.decisions.rulings)
                   if r.decision == "settle" and r.award == rule.id]
        if not rulings:
            return []
        ids = self.data.unit_ids
        ties = {p.tie: p for p in passed if p.tie}
        tie_of = {u: tie for tie in ties for u in tie}
        shown = "; ".join(", ".join(ids[u] for u in tie) for tie in ties) or _("none")
        by_tie: dict[tuple[int, ...], list[Ruling]] = {}
        for k, r in rulings:
            for name, key in ((r.unit, "unit_id"), *((o, "over") for o in r.over)):
                tie = tie_of.get(self.index[name])
                if tie is None:
                    raise _problem(r, key, _(
                        "{unit} is not among the units tied for the last place(s) of {award} "
                        "(tied: {ties}); a ruling settles a tie among the tied units only").format(
                            unit=name, award=rule.id, ties=shown))
                if tie != tie_of[self.index[r.unit]]:
                    raise _problem(r, key, _("{unit} is not in the same tie as {other}").format(
                        unit=name, other=r.unit))
            by_tie.setdefault(tie_of[self.index[r.unit]], []).append(r)
            self.used.add(k)
        out: list[Settled] = []
        for tie, rs in by_tie.items():
            winners = {self.index[r.unit] for r in rs}
            losers = {self.index[o] for r in rs for o in r.over}
            remaining = ties[tie].remaining
            if winners & losers or winners | losers != set(tie) or len(winners) != remaining:
                raise _problem(rs[0], "unit_id", _(
                    "the tie among {units} is for {n} place(s): name {n} unit(s), each over all "
                    "the others of the tie (one ruling per winner)").format(
                        units=", ".join(ids[u] for u in tie), n=remaining))
            texts = [(self.index[o], Message.of(
                         N_("the council ruled {unit} over {other} in the tie at place {place}: "
                            "{ruling}"), unit=r.unit, other=o, place=ties[tie].place,
                         ruling=r.text()))
                     for r in rs for o in r.over]
            first = dict(reversed(texts))       # a loser named by two rulings: the first
            out.append((tie, winners, [(u, first[u]) for u in dict.fromkeys(u for u, _t in texts)]))
        return out

    def ballot(self, rule: AwardRule, chosen: set[int]) -> dict[int, Message]:
        """Drop the proposals below the vote's threshold (when the vote does not promote):
        unit -> the tally as the reason. Every proposal must have a ballot, and every
        ballot a proposal."""
        votes = self._votes(rule)
        if votes is None or rule.vote is None:
            return {}
        ids = self.data.unit_ids
        fallen = self._fallen(rule)
        allowed = chosen | (set(fallen) if rule.vote.promote else set())
        for i, b in votes.items():
            if i not in allowed:
                raise _problem(b, "unit_id", _("unit {unit} is not proposed for {award}; a ballot "
                                               "is held on proposals only").format(
                                                   unit=b.unit, award=rule.id))
        missing = sorted(ids[i] for i in chosen if i not in votes)
        if missing:
            raise DataError(Problem(_(
                "award {award} is decided by ballot, but {units} have no tally; add a row "
                "'{award},UNIT,yes,no,members' for each").format(
                    award=rule.id, units=", ".join(missing)), self._ballots_file()))
        if rule.vote.promote:
            return {}
        return {i: _fell(b, rule) for i, b in fallen.items()}

    def _ballots_file(self) -> str:
        return next((b.file for b in self.decisions.ballots or ()), "")

    def passed_ballot(self, rule: AwardRule, unit: int) -> Message | None:
        votes = self._votes(rule)
        if votes is None or rule.vote is None or unit not in votes:
            return None
        return Message.of(BALLOT, tally=votes[unit].tally(rule.vote))

    def check_all_used(self) -> None:
        for k, r in enumerate(self.decisions.rulings):
            if k not in self.used:
                raise _problem(r, "unit_id", _(
                    "{unit} would not be proposed for {award} anyway; a ruling withholds a "
                    "proposal, it cannot bar a unit that was not reached").format(
                        unit=r.unit, award=r.award))


def _fell(ballot: Ballot, rule: AwardRule) -> Message:
    assert rule.vote is not None
    return Message.of(N_("fell at the council's ballot: {tally}"), tally=ballot.tally(rule.vote))


class Held:
    """Places of an award held for units tied for an award it excludes (module docstring)."""

    def __init__(self, rule: AwardRule, pending: dict[str, list[Tie]], eligible: IntArray,
                 candidates: IntArray, titles: dict[str, str]) -> None:
        self.rule, self.titles = rule, titles
        self.groups: list[tuple[str, Tie, tuple[int, ...]]] = []
        self.dropped: set[int] = set()
        self.placeholders: set[int] = set()
        self.taken: list[tuple[str, Tie, int, tuple[int, ...]]] = []
        ties = [(other, t) for other in rule.exclude for t in pending.get(other, [])]
        if not ties:
            return
        position = {u: k for k, u in enumerate(candidates.tolist())}
        for other, tie in ties:
            ok = sorted((u for u in tie.units if eligible[u] and u in position), key=position.__getitem__)
            keep = len(tie.units) - tie.remaining
            self.placeholders |= set(ok[:keep])
            self.dropped |= set(ok[keep:])
            self.groups.append((other, tie, tuple(ok)))

    def skips(self, chosen: Iterable[int], data: Dataset) -> Iterator[tuple[int, Message]]:
        """Each eligible tied unit whose place is held, with why; and those left out of
        the candidates because fewer of them can take this award than are tied."""
        picked = set(chosen)
        for other, tie, ok in self.groups:
            n = sum(1 for u in ok if u in self.placeholders and u in picked)
            if not n:
                names = ", ".join(data.unit_ids[u] for u in tie.units)
                for u in ok:
                    if u in self.dropped:
                        yield u, Message.of(
                            N_("waits for the council's ruling on {award}: {units} are tied for "
                               "it, and only those it does not give {award} may take {this}"),
                            award=self.titles[other], units=names,
                            this=self.titles[self.rule.id])
                continue
            self.taken.append((other, tie, n, ok))
            names = ", ".join(data.unit_ids[u] for u in tie.units)
            for u in ok:
                yield u, Message.of(
                    N_("{n} place(s) of {this} held for whichever of {units} (tied at place "
                       "{place} for {award}) the council does not give {award}"),
                    n=n, this=self.titles[self.rule.id], units=names, place=tie.place,
                    award=self.titles[other])

    def notes(self, data: Dataset) -> Iterator[tuple[str, Message]]:
        for other, tie, n, _ok in self.taken:
            units = ", ".join(data.unit_ids[u] for u in tie.units)
            yield tie.scope, Message.of(
                N_("{n} place(s) held for whichever of {units} the council does not give "
                   "{award} (tied for it, waiting for the council's ruling)"),
                n=n, units=units, award=self.titles[other])


class Tie:
    """A tie for the last places of an award that no ruling settled: the council decides."""

    __slots__ = ("place", "remaining", "scope", "units")

    def __init__(self, units: tuple[int, ...], remaining: int, place: int, scope: str) -> None:
        self.units, self.remaining, self.place, self.scope = units, remaining, place, scope

