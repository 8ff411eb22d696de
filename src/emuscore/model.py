"""The ruleset as frozen values. Each class is also the schema of its TOML section
(see `emuscore.structure`): a field is a key, its type is checked, its default makes
the key optional."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from attrs import field, frozen

from emuscore.exact import Rounding


@frozen
class Effective:
    from_: datetime.date = field(metadata={"key": "from"})
    to: datetime.date


@frozen
class Meta:
    """The `[ruleset]` table."""

    id: str
    title: str
    version: str
    effective: Effective | None = None
    scale: int = 2
    rounding: Rounding = "half-up"
    requires: tuple[str, ...] = ()
    description: str | None = None


@frozen
class Group:
    """Criteria whose points are summed and capped at `max`."""

    id: str
    max: Decimal
    title: str | None = None


@frozen
class Criterion:
    """One line of the scoring sheet. Keys other than these go to the scorer's params."""

    id: str
    scorer: str
    max: Decimal | None = None
    """The most points (for a deduction: the most taken off). Only a deduction whose
    scorer allows it (`Scorer.uncapped`) may leave it out: then nothing caps it."""
    title: str | None = None
    group: str | None = None
    params: object = field(default=None, metadata={"dump": False})
    """An instance of the scorer's `Params` attrs class; `Scorer.params_of` gives it its type."""

    @property
    def most(self) -> Decimal:
        """`max`, for a criterion that has one (every criterion but an uncapped deduction:
        the ruleset's validation refuses a missing max anywhere else)."""
        if self.max is None:
            raise ValueError(f"criterion {self.id} has no max (an uncapped deduction)")
        return self.max


@frozen
class Band:
    """A class: reached with at least `min_total`, each of the `criteria` (by default
    every points criterion) at least `min_each` of its maximum, and the formula `when`
    true (docs/formulas.md). A band with none of these is the catch-all."""

    label: str
    min_total: Decimal | None = None
    min_each: Decimal | None = None
    criteria: tuple[str, ...] | None = None
    when: str | None = None


@frozen
class Classification:
    bands: tuple[Band, ...]


@frozen
class RankingKey:
    """A named formula to rank by: `key:ID desc` in an order."""

    id: str
    expr: str
    title: str | None = None


@frozen
class Ranking:
    """Within each cluster, e.g. ["total desc", "group:targets desc", "unit_id asc"]."""

    order: tuple[str, ...]
    keys: tuple[RankingKey, ...] = ()


@frozen
class Gate:
    """An eligibility condition: one indicator against a bound (e.g. no serious
    violation), or a formula `when` that must be true (docs/formulas.md)."""

    id: str
    indicator: str | None = None
    title: str | None = None
    when: str | None = None
    at_most: Decimal | None = None
    at_least: Decimal | None = None
    equals: Decimal | None = None
    missing: Literal["fail", "pass"] = "fail"


@frozen
class AwardRequirements:
    classification: str | None = None
    min_total: Decimal | None = None
    max_rank: int | None = None
    gates: tuple[str, ...] = ()


@frozen
class Vote:
    """An award decided by the council's secret ballot: a proposal stands when its yes
    votes are at least `threshold` of the council's members (`of = "members"`) or of
    those who voted (`of = "voting"`), compared exactly (9 of 10 is 0.9)."""

    threshold: Decimal
    of: Literal["members", "voting"] = "members"
    promote: bool = False
    """When a proposal falls, whether the next unit is proposed in its place (it then
    needs a ballot of its own); by default the place stays empty."""


@frozen
class AwardRule:
    """Who may be proposed for one award, and how many.

    Either `per_cluster` (the best eligible units of each cluster) or `from_award`
    with `share` (at most floor(share x that award's recipients), best first)."""

    id: str
    title: str | None = None
    per_cluster: int | None = None
    from_award: str | None = None
    share: Decimal | None = None
    exclude: tuple[str, ...] = ()
    requires: AwardRequirements = AwardRequirements()
    order: tuple[str, ...] | None = None
    """The award's own order of its candidates (entries as in [ranking] order); by
    default the cluster ranking's."""
    vote: Vote | None = None
    """Decided by the council's ballot (`emuscore finalize --ballots`)."""


@frozen
class Publication:
    """The `[publication]` table: how the proposed list is published for objection.

    Decree 98/2023 Art. 46 has the proposed list published for a period of working days
    before the council meets; reports print the deadline and `finalize` refuses to run
    before it (emuscore.workdays counts it: weekends, Vietnamese public holidays and the
    `holidays` declared here are skipped)."""

    objection_days: int
    """The objection period, in working days counted from the day after publication."""
    holidays: tuple[datetime.date, ...] = ()
    """Days off besides the national public holidays (a province's own, a moved day)."""
    public: tuple[str, ...] = ("totals", "classes", "criteria")
    """What the public page shows besides ranks and awards (PUBLIC_PARTS); the internal
    page shows everything."""


PUBLIC_PARTS = ("totals", "classes", "criteria")
"""What a ruleset may publish beside ranks and awards: totals, classes, per-criterion points."""


IndicatorKind = Literal["number", "count", "percent", "date", "yesno"]
INDICATOR_KINDS: tuple[IndicatorKind, ...] = ("number", "count", "percent", "date", "yesno")


@frozen
class IndicatorSpec:
    """One `[indicators.ID]` table: what an indicator is, for people and for the reader.

    The reader refuses a value of the wrong kind or outside [min, max], and a blank
    unless `missing` says what a blank means: a number (a blank count is 0) or "pass"
    (left blank, for a gate that passes a unit without it)."""

    id: str = field(metadata={"dump": False})
    """The table's key: the indicator's name in the data and in the criteria."""
    title: str
    unit: str | None = None
    """The unit of measure as a person writes it (triệu đồng, %, ngày, lượt)."""
    kind: IndicatorKind = "number"
    missing: Decimal | Literal["error", "pass"] = "error"
    min: Decimal | None = None
    max: Decimal | None = None
    description: str | None = None


@frozen
class KeyColumns:
    """`[data] columns`: the headers the data uses for the key columns."""

    unit_id: str | None = None
    name: str | None = None
    cluster_id: str | None = None


@frozen
class DataFormat:
    """The `[data]` table: how the data writes numbers and dates, and names its columns.

    Declared, never guessed: without `decimal`, a value that the two conventions read
    differently (12.000, 1,234) is refused with the key to set."""

    decimal: Literal[",", "."] | None = None
    """"," : 13.000,5 is 13000.5 (Vietnamese Excel); ".": 13,000.5 is 13000.5."""
    date_format: Literal["yyyy-mm-dd", "dd/mm/yyyy", "dd-mm-yyyy", "dd.mm.yyyy",
                         "mm/dd/yyyy"] = "yyyy-mm-dd"
    delimiter: Literal[",", ";", "\t"] | None = None
    """The CSV separator; by default it is recognised from the header."""
    columns: KeyColumns = KeyColumns()


@frozen
class Ruleset:
    meta: Meta
    groups: tuple[Group, ...]
    criteria: tuple[Criterion, ...]
    ranking: Ranking
    classification: Classification | None = None
    gates: tuple[Gate, ...] = ()
    awards: tuple[AwardRule, ...] = ()
    publication: Publication | None = None
    indicators: tuple[IndicatorSpec, ...] = ()
    data: DataFormat | None = None
    source: str = field(default="", eq=False)
    text: str = field(default="", eq=False, repr=False)

    @property
    def scale(self) -> int:
        return self.meta.scale

    @property
    def rounding(self) -> Rounding:
        return self.meta.rounding

    def criterion(self, criterion_id: str) -> Criterion:
        return next(c for c in self.criteria if c.id == criterion_id)

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    def indicator(self, indicator_id: str) -> IndicatorSpec | None:
        """The declaration of an indicator, if `[indicators]` has one."""
        return next((i for i in self.indicators if i.id == indicator_id), None)
