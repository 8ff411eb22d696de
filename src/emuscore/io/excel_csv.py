"""Results as CSV for Excel in Vietnamese (`score --out FILE.csv --excel`): UTF-8 with a
BOM (so Excel reads the diacritics), `;` between cells and a decimal comma (as Excel
on a Vietnamese Windows reads and writes them), titles from the ruleset in the header
and the awards column, and a column of reasons."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from emuscore.i18n import _
from emuscore.io.results import _safe_cell, table
from emuscore.result import Result


def headers(result: Result) -> dict[str, str]:
    """The header shown for each column name `io.results.table` knows."""
    rs = result.ruleset
    shown = {"unit_id": _("Unit"), "name": _("Name"), "cluster_id": _("Cluster"),
             "total": _("Total"), "classification": _("Class"), "cluster_rank": _("Rank"),
             "tied": _("Tied"), "decided_by": _("Decided by"), "awards": _("Awards"),
             "deductions": _("Deductions"), "bonus": _("Bonus")}
    shown.update({f"group:{g.id}": g.title or g.id for g in rs.groups})
    for c in rs.criteria:
        shown[c.id] = shown[f"criterion:{c.id}"] = c.title or c.id
    shown.update({f"award:{a.id}": a.title or a.id for a in rs.awards})
    return shown


def to_excel_csv(result: Result, columns: Sequence[str] | None = None,
                 sort: str = "cluster") -> bytes:
    award_title = {a.id: a.title or a.id for a in result.ruleset.awards}
    held: dict[str, list[str]] = {}
    reasons: dict[str, list[str]] = {}
    for p in result.proposals:
        title = award_title.get(p.award, p.award)
        held.setdefault(p.unit, []).append(title)
        reasons.setdefault(p.unit, []).append(f"{title}: {p.reason.shown()}")
    for s in result.skips:
        reasons.setdefault(s.unit, []).append(
            _("not proposed for {award}: {reason}").format(award=award_title.get(s.award, s.award),
                                                            reason=s.reason.shown()))
    units = table(result, ["unit_id"], sort)[0][1]
    shown = headers(result)
    header, cells = [], []
    for name, values, free in table(result, columns, sort):
        header.append(shown.get(name, name))
        if name == "awards":
            values = ["; ".join(held.get(u, ())) for u in units]
        elif name == "tied":
            values = [_("yes") if v else "" for v in values]
        elif not free:
            values = [v.replace(".", ",") for v in values]
        cells.append([_safe_cell(v) for v in values] if free or name == "awards" else values)
    header.append(_("Reasons"))
    cells.append([_safe_cell(" | ".join(reasons.get(u, ()))) for u in units])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_safe_cell(h) for h in header])
    writer.writerows(zip(*cells, strict=True))
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
