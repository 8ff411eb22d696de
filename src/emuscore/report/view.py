"""What a report shows, built once from a checked run record and its ruleset.

The numbers are the record's own texts (exact decimals at the ruleset's scale): a report
never recomputes a score, so the page says what the digested record says. What the public
may see is decided here and nowhere else: a public view holds no reason why a unit failed
an eligibility condition (a disciplined member, a violation), so no template can leak one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from attrs import frozen

from emuscore import reasons
from emuscore.audit.record import unit_results, units_of
from emuscore.message import Message, from_json, joined
from emuscore.model import PUBLIC_PARTS, Publication, Ruleset
from emuscore.workdays import add_working_days

BREAKDOWNS_UP_TO = 2000
"""Units up to which the page carries each unit's points by criterion: they are nine
tenths of the page (100,000 units gave 440 MB, more than a browser opens)."""

LANG = "vi"
"""The page, the annex and the minutes are Vietnamese whatever the interface language;
the reasons are said in it too."""
TIE_REASON_START = "tied at place"
"""How an older record (reasons stored as English text) begins the reason of a unit whose
tie is left to the council; a newer one says it by the message id `reasons.TIED`. A tie
is public (it follows from public totals); any other reason for passing a unit over may
name a failed eligibility condition, which is not."""


@frozen
class UnitRow:
    """One unit of a cluster's table; points are exact decimal texts ("95.30")."""

    unit: str
    name: str
    cluster: str
    rank: int
    tied: bool
    total: str
    klass: str
    awards: tuple[str, ...]
    """Titles of the awards the unit is proposed for."""
    points: tuple[str, ...]
    """The unit's points on each criterion, in `Report.criteria` order."""
    deductions: str
    bonus: str


@frozen
class Cutoff:
    """The lowest total among a cluster's units proposed for an award."""

    award: str
    total: str


@frozen
class ClusterTable:
    cluster: str
    rows: tuple[UnitRow, ...]
    cutoffs: tuple[Cutoff, ...]


@frozen
class Entry:
    """A unit proposed for an award, with the reason in Vietnamese as the page shows it
    (only what the publication shows, the ruleset's titles, decimal commas) and as recorded."""

    row: UnitRow
    reason: str
    recorded_reason: Message


@frozen
class PassedOver:
    """A unit passed over for an award that a lower unit received. `reason` is None in a
    public view unless the unit's tie was left to the council."""

    row: UnitRow
    tie: bool
    reason: str | None


@frozen
class AwardList:
    id: str
    title: str
    entries: tuple[Entry, ...]
    passed: tuple[PassedOver, ...]


@frozen
class Criterion:
    id: str
    title: str
    group: str


@frozen
class Report:
    ruleset_id: str
    title: str
    version: str
    scale: int
    digest: str
    record_name: str
    published: dt.date
    objection_days: int | None
    deadline: dt.date | None
    internal: bool
    shows: frozenset[str]
    """What the page shows besides ranks and awards (model.PUBLIC_PARTS): what the
    ruleset's `[publication] public` declares, or everything on the internal page; the
    values of a part not shown are blanked here, so no template can leak them."""
    breakdowns: bool
    """Whether the page shows each unit's points by criterion (public, and at most
    BREAKDOWNS_UP_TO units)."""
    criteria: tuple[Criterion, ...]
    awards: tuple[AwardList, ...]
    clusters: tuple[ClusterTable, ...]

    @property
    def ties(self) -> tuple[PassedOver, ...]:
        return tuple(p for a in self.awards for p in a.passed if p.tie)


def build(record: Mapping[str, Any], ruleset: Ruleset, *, record_name: str, published: dt.date,
          internal: bool = False) -> Report:
    """The report of a checked record (`audit.record.load_record`) whose ruleset is
    `ruleset` (`audit.record.ruleset_of`)."""
    results = record["results"]
    units = unit_results(record)
    publication = ruleset.publication
    shows = frozenset(PUBLIC_PARTS if internal else
                      (publication or Publication(objection_days=0)).public)
    award_titles = {a.id: a.title or a.id for a in ruleset.awards}
    group_titles = {g.id: g.title or g.id for g in ruleset.groups}
    criteria = tuple(Criterion(c.id, c.title or c.id, group_titles.get(c.group or "", ""))
                     for c in ruleset.criteria)
    rows: dict[str, UnitRow] = {}
    for unit in units_of(record):
        got = units[unit["id"]]
        points = "criteria" in shows
        rows[unit["id"]] = UnitRow(
            unit["id"], unit["name"], unit["cluster"], int(got["rank"]), bool(got["tied"]),
            got["total"] if "totals" in shows else "", got["class"] if "classes" in shows else "",
            tuple(award_titles.get(a, a) for a in got["awards"]),
            tuple(got["criteria"][c.id] if points else "" for c in criteria),
            got["deductions"] if points else "", got["bonus"] if points else "")
    awards = tuple(_award_list(rule.id, award_titles, results, rows, ruleset, internal)
                   for rule in ruleset.awards)
    days = publication.objection_days if publication else None
    deadline = (add_working_days(published, days, publication.holidays)
                if publication is not None and days is not None else None)
    return Report(
        ruleset.meta.id, ruleset.meta.title, ruleset.meta.version, ruleset.scale,
        record["digests"]["record"], record_name, published, days, deadline, internal, shows,
        "criteria" in shows and len(rows) <= BREAKDOWNS_UP_TO, criteria, awards,
        _clusters(rows, awards))


def _award_list(award: str, titles: Mapping[str, str], results: Mapping[str, Any],
                rows: Mapping[str, UnitRow], ruleset: Ruleset, internal: bool) -> AwardList:
    rule = next(a for a in ruleset.awards if a.id == award)
    gate_titles = {g.id: g.title or g.id for g in ruleset.gates}
    entries = []
    for p in results["proposals"]:
        if p["award"] != award:
            continue
        row = rows[p["unit"]]
        # the engine's reason, from the row the page shows (a blank total or class is one
        # the publication does not show) and with the page's forms of its values
        why = reasons.proposed(
            row.rank, row.cluster, decimal_comma(row.total), row.klass,
            _percent(rule.share or Decimal(0)) if rule.from_award else None,
            titles.get(rule.from_award or "", rule.from_award),
            ", ".join(gate_titles.get(g, g) for g in rule.requires.gates))
        entries.append(Entry(row, joined(why).shown(LANG), from_json(p["reason"])))
    passed = []
    for s in results["skips"]:
        if s["award"] != award:
            continue
        reason = from_json(s["reason"])
        tie = (reason.english().startswith(TIE_REASON_START) if reason.plain
               else reason.id == reasons.TIED)
        passed.append(PassedOver(rows[s["unit"]], tie,
                                 reason.shown(LANG) if tie or internal else None))
    return AwardList(award, titles[award], tuple(entries), tuple(passed))


def _clusters(rows: Mapping[str, UnitRow], awards: tuple[AwardList, ...]) -> tuple[ClusterTable, ...]:
    by_cluster: dict[str, list[UnitRow]] = {}
    for row in rows.values():
        by_cluster.setdefault(row.cluster, []).append(row)
    lowest: dict[tuple[str, str], str] = {}        # (cluster, award title) -> lowest total
    for award in awards:
        for e in award.entries:
            key = (e.row.cluster, award.title)
            if e.row.total and (key not in lowest or Decimal(e.row.total) < Decimal(lowest[key])):
                lowest[key] = e.row.total
    tables = []
    for cluster in sorted(by_cluster):
        members = sorted(by_cluster[cluster], key=lambda r: (r.rank, r.unit))
        cutoffs = tuple(Cutoff(a.title, lowest[cluster, a.title]) for a in awards
                        if (cluster, a.title) in lowest)
        tables.append(ClusterTable(cluster, tuple(members), cutoffs))
    return tuple(tables)


def decimal_comma(text: str) -> str:
    """An exact decimal text as Vietnamese write it: "95.30" → "95,30" (a comma before
    the decimals; the record's texts have no thousands separator)."""
    return text.replace(".", ",")


def _percent(share: Decimal) -> str:
    text = format(share * 100, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return decimal_comma(text) + "%"
