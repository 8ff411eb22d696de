"""The council's decisions as frozen values: what the award stage and the adjustment of
the data read. Each keeps the file and line it came from, for one-line errors."""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from attrs import frozen

from emuscore.i18n import N_
from emuscore.message import Message
from emuscore.model import Vote

STAGES = ("self", "cluster", "board", "council")
"""The levels that may adjust a value, in order: on one cell the later stage wins."""

EVERY_AWARD = "*"
"""A withholding ruling's award for "every award"."""


@frozen
class Adjustment:
    """One reasoned change of one unit's value of one indicator, at one stage."""

    unit: str
    indicator: str
    value: str
    reason: str
    stage: str
    by: str
    date: str
    file: str = ""
    line: int = 0


@frozen
class Applied:
    """An adjustment as applied: the value before it (the year's data, or the earlier
    stage's value) and after it. `superseded` when a later stage changed the cell again."""

    unit: str
    indicator: str
    stage: str
    old: str | None
    new: str
    reason: str
    by: str
    date: str
    superseded: bool


@frozen
class Ruling:
    """The council settles a tie (`unit` over the units `over`) or withholds a proposal."""

    award: str
    decision: Literal["settle", "withhold"]
    unit: str
    over: tuple[str, ...]
    reason: str
    by: str
    date: str
    file: str = ""
    line: int = 0

    def text(self) -> str:
        """The reason as printed beside the decision: "reason (by, date)"."""
        who = ", ".join(p for p in (self.by, self.date) if p)
        return f"{self.reason} ({who})" if who else self.reason


@frozen
class Ballot:
    """The tally of one proposal's secret ballot."""

    award: str
    unit: str
    yes: int
    no: int
    members: int
    file: str = ""
    line: int = 0

    def share(self, vote: Vote) -> Fraction:
        """The exact share of yes votes the vote counts against its threshold."""
        base = self.members if vote.of == "members" else self.yes + self.no
        return Fraction(self.yes, base) if base else Fraction(0)

    def passes(self, vote: Vote) -> bool:
        return self.share(vote) >= Fraction(vote.threshold)   # Decimal -> Fraction is exact

    def tally(self, vote: Vote) -> Message:
        """The tally and the comparison, e.g. "9 yes, 1 no, 10 members; 9/10 of the members
        = 0.9 >= 0.9 required"."""
        of_members = vote.of == "members"
        return Message.of(
            N_("{yes} yes, {no} no, {members} members; {yes}/{base} of the members = {share} "
               "{sign} {threshold} required") if of_members else
            N_("{yes} yes, {no} no, {members} members; {yes}/{base} of those voting = {share} "
               "{sign} {threshold} required"),
            yes=self.yes, no=self.no, members=self.members,
            base=self.members if of_members else self.yes + self.no,
            share=_share_text(self.share(vote)), sign=">=" if self.passes(vote) else "<",
            threshold=str(vote.threshold))


def _share_text(share: Fraction) -> str:
    """A share as a decimal when it is one exactly (0.9), else as a fraction (2/3)."""
    d = share.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d != 1:
        return f"{share.numerator}/{share.denominator}"
    digits = 0
    while (share * 10**digits).denominator != 1:
        digits += 1
    value = share.numerator * 10**digits // share.denominator
    text = str(value).rjust(digits + 1, "0")
    return f"{text[:-digits]}.{text[-digits:]}" if digits else text


@frozen
class Decisions:
    """What the council decided, read by the award stage. `ballots` is None when no
    ballot was held (a proposal), () when the ballots file was empty."""

    rulings: tuple[Ruling, ...] = ()
    ballots: tuple[Ballot, ...] | None = None

    def withheld(self, award: str) -> dict[str, Ruling]:
        return {r.unit: r for r in self.rulings
                if r.decision == "withhold" and r.award in (award, EVERY_AWARD)}

    def settling(self, award: str) -> list[Ruling]:
        return [r for r in self.rulings if r.decision == "settle" and r.award == award]

    def ballots_for(self, award: str) -> dict[str, Ballot]:
        return {b.unit: b for b in self.ballots or () if b.award == award}
