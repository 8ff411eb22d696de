"""The run's values: what each stage of the pipeline produces and the next one reads.

They sit below everything that makes or reads them (the stages, writers, audit and the
plugin contracts), so none of those imports another to learn what a result is.
"""

from __future__ import annotations

from attrs import frozen

from emuscore.council.decisions import Applied
from emuscore.dataset import Dataset
from emuscore.exact import IntArray, format_units
from emuscore.message import Message
from emuscore.model import Ruleset


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
    """A unit proposed for an award, and why."""

    award: str
    unit: str
    reason: Message
    """English msgid and arguments (`emuscore.message`): shown translated, stored as is."""


@frozen
class Skip:
    """A unit passed over for an award that a lower unit received (or a tie left to the
    council), and why."""

    award: str
    unit: str
    reason: Message


@frozen
class Note:
    """Why an award has no recipient, or fewer than its places, in one scope (a cluster,
    or "" for the award as a whole): a quota that rounds to 0, no eligible unit, a place
    held for a tie the council has not settled, a place left empty by a ballot."""

    award: str
    scope: str
    reason: Message
    kind: str = ""
    """"tie" (left to the council), "held" (a place held for a tie), "quota", "ballot",
    "none" (no eligible unit)."""


@frozen(eq=False)
class Result:
    ruleset: Ruleset
    data: Dataset
    scores: Scores
    classes: tuple[str, ...]
    ranks: Ranks
    proposals: tuple[Proposal, ...]
    skips: tuple[Skip, ...]
    notes: tuple[Note, ...] = ()
    adjustments: tuple[Applied, ...] = ()
    """The council's adjustments applied over the year's data (`data` holds the values
    after them), in the order applied."""

    def awards_of(self, unit_id: str) -> list[str]:
        return [p.award for p in self.proposals if p.unit == unit_id]

    def points(self, values: IntArray, unit: int) -> str:
        return format_units(int(values[unit]), self.ruleset.scale)
