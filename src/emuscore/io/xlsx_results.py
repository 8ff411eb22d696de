"""Results as an Excel workbook: the award proposals with their reasons, the units passed
over and why, and a sheet per cluster (rank, unit, name, total, class, awards, each
criterion's points; above 250 clusters one sheet with a cluster column), with titles
from the ruleset, frozen headers and filters.

Every score is a number cell whose stored text is the exact decimal at the ruleset's
scale ("95.30", never a binary float's digits), shown with that many decimals; Excel
reads it to 15 significant digits, which holds any score below 10^13 at scale 2
exactly. Text a spreadsheet would run as a formula is stored as text with Excel's
quote prefix, so it stays text even when the cell is edited."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from emuscore.exact import format_column, order_by
from emuscore.hookspecs import hookimpl
from emuscore.i18n import _
from emuscore.io.formats import Writer
from emuscore.result import Result

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEETS_UP_TO = 250
"""Clusters up to which each gets its own sheet (see `_cluster_sheets`)."""
BAD_SHEET_CHARS = str.maketrans({c: "-" for c in "[]:*?/\\"})

Cell = tuple[str, str]
"""("text", value), ("number", exact decimal text) or ("whole", integer text)."""


class Sheet:
    """One write-only sheet: a frozen, filtered header row, then typed rows. A cell object
    per column and kind is reused for every row (a write-only sheet serialises a row when
    it is appended), so a 100,000-unit workbook does not build millions of styled cells."""

    def __init__(self, book: Any, title: str, header: Sequence[str], widths: Sequence[int],
                 scale: int) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self.sheet: Any = book.create_sheet(title)  # the stubs lack a write-only sheet's auto_filter
        for i, width in enumerate(widths, 1):
            self.sheet.column_dimensions[get_column_letter(i)].width = width
        self.sheet.freeze_panes = "A2"
        self.rows = 0
        self.columns = len(header)
        self.formats = {"text": "General", "number": "0." + "0" * scale if scale else "0",
                        "whole": "0"}
        self.cells: dict[tuple[int, str], Any] = {}
        self.new_cell = WriteOnlyCell
        bold = Font(bold=True)
        heads = []
        for name in header:
            head = WriteOnlyCell(self.sheet, value=name)
            head.data_type, head.font = "s", bold
            heads.append(head)
        self.sheet.append(heads)

    def append(self, cells: Sequence[Cell]) -> None:
        out = []
        for column, (kind, value) in enumerate(cells):
            cell = self.cells.get((column, kind))
            if cell is None:
                cell = self.cells[column, kind] = self.new_cell(self.sheet)
                cell.number_format = self.formats[kind]
            cell.value = value
            if kind == "text":
                cell.data_type = "s"           # never a formula, whatever it starts with
                cell.quotePrefix = value.startswith(FORMULA_START)
            else:
                cell.data_type = "n"           # the exact decimal text is the stored number
            out.append(cell)
        self.sheet.append(out)
        self.rows += 1

    def close(self) -> None:
        from openpyxl.utils import get_column_letter

        self.sheet.auto_filter.ref = f"A1:{get_column_letter(self.columns)}{self.rows + 1}"


def sheet_names(clusters: Sequence[str], taken: set[str]) -> list[str]:
    """A valid, unique sheet name per cluster: at most 31 characters, none of []:*?/\\."""
    names = []
    for cluster in clusters:
        base = (cluster.translate(BAD_SHEET_CHARS).strip("'") or "-")[:31]
        name, k = base, 1
        while name.casefold() in taken:
            k += 1
            name = f"{base[:31 - len(str(k)) - 1]}~{k}"
        taken.add(name.casefold())
        names.append(name)
    return names


def to_xlsx(result: Result) -> bytes:
    import io

    import openpyxl

    ruleset, data, scores = result.ruleset, result.data, result.scores
    scale = ruleset.scale
    book = openpyxl.Workbook(write_only=True)
    award_title = {a.id: a.title or a.id for a in ruleset.awards}
    index = {u: i for i, u in enumerate(data.unit_ids)}
    totals = format_column(scores.total, scale)
    ranks = result.ranks.rank.tolist()

    def text(value: str) -> Cell:
        return ("text", value)

    summary = Sheet(book, _("Proposals"), [_("Award"), _("No."), _("Unit"), _("Name"), _("Cluster"),
                    _("Rank"), _("Total"), _("Class"), _("Reason")],
                    [34, 6, 12, 40, 22, 7, 10, 14, 80], scale)
    number: dict[str, int] = {}
    for p in result.proposals:
        i = index[p.unit]
        number[p.award] = number.get(p.award, 0) + 1
        summary.append([text(award_title.get(p.award, p.award)), ("whole", str(number[p.award])),
                        text(p.unit), text(data.names[i]), text(data.clusters[i]),
                        ("whole", str(ranks[i])), ("number", totals[i]), text(result.classes[i]),
                        text(p.reason)])
    summary.close()
    passed = Sheet(book, _("Passed over"), [_("Award"), _("Unit"), _("Name"), _("Cluster"), _("Rank"),
                   _("Total"), _("Reason")], [34, 12, 40, 22, 7, 10, 80], scale)
    for s in result.skips:
        i = index[s.unit]
        passed.append([text(award_title.get(s.award, s.award)), text(s.unit), text(data.names[i]),
                       text(data.clusters[i]), ("whole", str(ranks[i])), ("number", totals[i]),
                       text(s.reason)])
    passed.close()
    _cluster_sheets(book, result, award_title, totals, scale)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cluster_sheets(book: Any, result: Result, award_title: dict[str, str], totals: list[str],
                    scale: int) -> None:
    """A sheet per cluster, or, above SHEETS_UP_TO clusters (a national run has
    thousands, and a workbook of thousands of sheets is no use to anyone), one sheet of
    every unit with a cluster column to filter by."""
    ruleset, data, scores = result.ruleset, result.data, result.scores
    criteria = [c for c in ruleset.criteria if c.id in scores.criteria]
    points = [format_column(scores.criteria[c.id], scale) for c in criteria]
    deductions, bonus = format_column(scores.deductions, scale), format_column(scores.bonus, scale)
    held: dict[str, list[str]] = {}
    for p in result.proposals:
        held.setdefault(p.unit, []).append(award_title.get(p.award, p.award))
    clusters = list(data.cluster_ids)
    combined = len(clusters) > SHEETS_UP_TO
    header = [*([_("Cluster")] if combined else []), _("Rank"), _("Tied"), _("Unit"), _("Name"),
              _("Total"), _("Class"), _("Awards"), *(c.title or c.id for c in criteria),
              _("Deductions"), _("Bonus")]
    widths = [*([22] if combined else []), 7, 5, 12, 40, 10, 14, 34, *(14 for _ in criteria), 10, 10]
    order = order_by(data.cluster_codes, result.ranks.rank, data.unit_order).tolist()
    names = dict(zip(clusters, sheet_names(clusters, {_("Proposals").casefold(),
                                                       _("Passed over").casefold()}), strict=True))
    current: str | None = None
    sheet: Sheet | None = Sheet(book, _("Units"), header, widths, scale) if combined else None
    ranks, tied = result.ranks.rank.tolist(), np.asarray(result.ranks.tied, bool).tolist()
    for i in order:
        cluster = data.clusters[i]
        if not combined and cluster != current:
            if sheet is not None:
                sheet.close()
            current, sheet = cluster, Sheet(book, names[cluster], header, widths, scale)
        assert sheet is not None
        unit = data.unit_ids[i]
        sheet.append([*([("text", cluster)] if combined else []), ("whole", str(ranks[i])),
                      ("text", "=" if tied[i] else ""), ("text", unit), ("text", data.names[i]),
                      ("number", totals[i]), ("text", result.classes[i]),
                      ("text", "; ".join(held.get(unit, ()))),
                      *(("number", column[i]) for column in points),
                      ("number", deductions[i]), ("number", bonus[i])])
    if sheet is not None:
        sheet.close()


@hookimpl
def register_writers(register: Callable[[Writer], None]) -> None:
    register(Writer("xlsx", ".xlsx", to_xlsx,
                    "an Excel workbook: proposals with reasons, units passed over, a sheet per cluster"))
