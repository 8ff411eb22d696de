"""Results as an Excel workbook: the award proposals with their reasons, the units passed
over and why, and a sheet per cluster (rank, unit, name, total, class, awards, each
criterion's points; above 250 clusters one sheet with a cluster column), with titles
from the ruleset, frozen headers and filters.

Every score is a number cell whose stored text is the exact decimal at the ruleset's
scale (`<v>95.30</v>`, never a binary float's digits), shown with that many decimals;
Excel reads it to 15 significant digits, which holds any score below 10^13 at scale 2
exactly. Text a spreadsheet would run as a formula is stored as text with Excel's quote
prefix, so it stays text even when the cell is edited.

The SpreadsheetML is written here directly (a workbook, a style sheet, and one XML
part per sheet of inline strings and numbers): a 100,000-unit run is five million
cells, which a general-purpose library writes at a millisecond per unit; the parts are
few and fixed, and the tests read every cell back with openpyxl. The zip's timestamps
are fixed, so the same results give the same bytes."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence

import numpy as np

from emuscore.exact import format_column, order_by
from emuscore.hookspecs import hookimpl
from emuscore.i18n import _
from emuscore.io.cells import column_letter
from emuscore.io.formats import Writer
from emuscore.result import Result

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEETS_UP_TO = 250
"""Clusters up to which each gets its own sheet (see `_cluster_sheets`)."""
BAD_SHEET_CHARS = str.maketrans({c: "-" for c in "[]:*?/\\"})
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
STAMP = (2024, 1, 1, 0, 0, 0)

# cellXfs in styles.xml, by position
NUMBER, WHOLE, HEAD, QUOTED, HEAD_QUOTED = 1, 2, 3, 4, 5

Cell = tuple[str, str]
"""("text", value), ("number", exact decimal text) or ("whole", integer text)."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_CHAR = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def _text(value: str) -> str:
    """Text as an XML element's content: markup escaped; a carriage return kept as one
    (a bare CR would be read as LF); characters XML cannot hold dropped; and `_x0041_`,
    which Excel would read as an escaped character, itself escaped."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value or ">" in value:
        value = value.replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    if "_x" in value:
        value = _ESCAPED_CHAR.sub(r"_x005F_\1", value)
    return _NOT_XML.sub("", value)


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;")


class Sheet:
    """One sheet's XML: a bold, frozen header row with a filter, then typed rows."""

    def __init__(self, title: str, header: Sequence[str], widths: Sequence[int]) -> None:
        self.title = title
        self.letters = [column_letter(i) for i in range(len(header))]
        self.widths = widths
        self.rows: list[str] = []
        self._row([("text", h) for h in header], HEAD, HEAD_QUOTED)

    def append(self, cells: Sequence[Cell]) -> None:
        self._row(cells, 0, QUOTED)

    def _row(self, cells: Sequence[Cell], plain: int, quoted: int) -> None:
        n = len(self.rows) + 1
        out = [f'<row r="{n}">']
        for letter, (kind, value) in zip(self.letters, cells, strict=True):
            if kind == "number":
                out.append(f'<c r="{letter}{n}" s="{NUMBER}"><v>{value}</v></c>')
            elif kind == "whole":
                out.append(f'<c r="{letter}{n}" s="{WHOLE}"><v>{value}</v></c>')
            elif value:
                style = quoted if value.startswith(FORMULA_START) else plain
                styled = f' s="{style}"' if style else ""
                out.append(f'<c r="{letter}{n}"{styled} t="inlineStr">'
                           f'<is><t xml:space="preserve">{_text(value)}</t></is></c>')
        out.append("</row>")
        self.rows.append("".join(out))

    @property
    def area(self) -> str:
        return f"A1:{self.letters[-1]}{len(self.rows)}"

    @property
    def filter_range(self) -> str:
        """The filtered area as the workbook's hidden _FilterDatabase name holds it."""
        quoted = "'" + self.title.replace("'", "''") + "'"
        return f"{quoted}!$A$1:${self.letters[-1]}${len(self.rows)}"

    def xml(self) -> str:
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(self.widths, 1))
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}"><dimension ref="{self.area}"/>'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
                'activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
                + "".join(self.rows) + f'</sheetData><autoFilter ref="{self.area}"/></worksheet>')


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
    ruleset, data = result.ruleset, result.data
    award_title = {a.id: a.title or a.id for a in ruleset.awards}
    index = {u: i for i, u in enumerate(data.unit_ids)}
    totals = format_column(result.scores.total, ruleset.scale)
    ranks = result.ranks.rank.tolist()
    summary = Sheet(_("Proposals"), [_("Award"), _("No."), _("Unit"), _("Name"), _("Cluster"),
                    _("Rank"), _("Total"), _("Class"), _("Reason")],
                    [34, 6, 12, 40, 22, 7, 10, 14, 80])
    number: dict[str, int] = {}
    for p in result.proposals:
        i = index[p.unit]
        number[p.award] = number.get(p.award, 0) + 1
        summary.append([("text", award_title.get(p.award, p.award)), ("whole", str(number[p.award])),
                        ("text", p.unit), ("text", data.names[i]), ("text", data.clusters[i]),
                        ("whole", str(ranks[i])), ("number", totals[i]),
                        ("text", result.classes[i]), ("text", p.reason.shown())])
    passed = Sheet(_("Passed over"), [_("Award"), _("Unit"), _("Name"), _("Cluster"), _("Rank"),
                   _("Total"), _("Reason")], [34, 12, 40, 22, 7, 10, 80])
    for s in result.skips:
        i = index[s.unit]
        passed.append([("text", award_title.get(s.award, s.award)), ("text", s.unit),
                       ("text", data.names[i]), ("text", data.clusters[i]), ("whole", str(ranks[i])),
                       ("number", totals[i]), ("text", s.reason.shown())])
    return _package([summary, passed, *_cluster_sheets(result, award_title, totals)],
                    ruleset.scale)


def _cluster_sheets(result: Result, award_title: dict[str, str], totals: list[str]) -> list[Sheet]:
    """A sheet per cluster, or, above SHEETS_UP_TO clusters (a national run has
    thousands, and a workbook of thousands of sheets is no use to anyone), one sheet of
    every unit with a cluster column to filter by."""
    ruleset, data, scores = result.ruleset, result.data, result.scores
    scale = ruleset.scale
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
    sheets = [Sheet(_("Units"), header, widths)] if combined else []
    current: str | None = None
    ranks, tied = result.ranks.rank.tolist(), np.asarray(result.ranks.tied, bool).tolist()
    for i in order:
        cluster = data.clusters[i]
        if not combined and cluster != current:
            current = cluster
            sheets.append(Sheet(names[cluster], header, widths))
        unit = data.unit_ids[i]
        sheets[-1].append([*([("text", cluster)] if combined else []), ("whole", str(ranks[i])),
                           ("text", "=" if tied[i] else ""), ("text", unit), ("text", data.names[i]),
                           ("number", totals[i]), ("text", result.classes[i]),
                           ("text", "; ".join(held.get(unit, ()))),
                           *(("number", column[i]) for column in points),
                           ("number", deductions[i]), ("number", bonus[i])])
    return sheets


def _package(sheets: list[Sheet], scale: int) -> bytes:
    n = len(sheets)
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for k in range(1, n + 1)) + "</Types>"),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" Type="{RELS}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE_RELS}">'
            + "".join(f'<Relationship Id="rId{k}" Type="{RELS}/worksheet" '
                      f'Target="worksheets/sheet{k}.xml"/>' for k in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{RELS}/styles" Target="styles.xml"/>'
            "</Relationships>"),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><bookViews><workbookView/></bookViews>'
            "<sheets>" + "".join(f'<sheet name="{_attribute(s.title)}" sheetId="{k}" r:id="rId{k}"/>'
                                 for k, s in enumerate(sheets, 1))
            + "</sheets><definedNames>"
            + "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{k}" hidden="1">'
                      + _text(s.filter_range) + "</definedName>" for k, s in enumerate(sheets))
            + "</definedNames></workbook>"),
        "xl/styles.xml": _styles(scale),
    }
    for k, sheet in enumerate(sheets, 1):
        parts[f"xl/worksheets/sheet{k}.xml"] = sheet.xml()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as book:
        for name, text in parts.items():
            if not text.startswith("<?xml"):
                text = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text
            book.writestr(zipfile.ZipInfo(name, STAMP), text.encode("utf-8"),
                          compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _styles(scale: int) -> str:
    shown = "0." + "0" * scale if scale else "0"
    xf = '<xf numFmtId="{f}" fontId="{b}" fillId="0" borderId="0" xfId="0"{extra}/>'
    xfs = [xf.format(f=0, b=0, extra=""),
           xf.format(f=164, b=0, extra=' applyNumberFormat="1"'),
           xf.format(f=1, b=0, extra=' applyNumberFormat="1"'),
           xf.format(f=0, b=1, extra=' applyFont="1"'),
           xf.format(f=0, b=0, extra=' quotePrefix="1"'),
           xf.format(f=0, b=1, extra=' applyFont="1" quotePrefix="1"')]
    font = '<font>{b}<sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    return (f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
            f'formatCode="{shown}"/></numFmts><fonts count="2">{font.format(b="")}'
            f'{font.format(b="<b/>")}</fonts><fills count="2"><fill><patternFill patternType="none"/>'
            '</fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1">'
            '<border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>")


@hookimpl
def register_writers(register: Callable[[Writer], None]) -> None:
    register(Writer("xlsx", ".xlsx", to_xlsx,
                    "an Excel workbook: proposals with reasons, units passed over, a sheet per cluster"))
