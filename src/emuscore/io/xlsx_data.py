"""Data-entry workbooks (.xlsx): the template a ruleset asks for, and the filled workbook
read back as the year's data.

The template (`write_template`, `emuscore template`) has a units sheet (Mã đơn vị, Tên
đơn vị, Cụm thi đua) and a sheet per group of the scoring sheet with a column per
indicator its criteria read (then one sheet for the indicators of deductions, bonuses,
gates and the ranking), each headed by the indicator's Vietnamese title and unit, with a
note saying what it is, and data validation by its kind.

Reading (`read_xlsx_data`): the sheet whose header has the key columns lists the units
(its other columns are indicators, as in a wide CSV file); every other sheet with a
unit id column adds the indicators of its columns; sheets without one (notes) are
skipped. Cells are read with python-calamine (bench/RESULTS.md: the faster reader).
Numbers come back from a workbook as binary floats: each is taken as the shortest
decimal that is the same float (what Excel shows), and refused if that needs more than
15 significant digits (Excel keeps 15; more is a formula's binary noise, 0.1 + 0.2 =
0.30000000000000004), so no float reaches a score. Text cells are read as CSV text is,
under the ruleset's declarations.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from emuscore.dataset import Dataset
from emuscore.hookspecs import hookimpl
from emuscore.i18n import _
from emuscore.io.cells import CellTable, cell_ref
from emuscore.io.formats import Loader
from emuscore.io.reading import (
    KEY_COLUMNS,
    VIETNAMESE_KEYS,
    Reading,
    check_declared,
    refuse,
)
from emuscore.model import IndicatorSpec, Ruleset
from emuscore.problems import DataError, Problem

if TYPE_CHECKING:
    from emuscore.manager import Registry

SUFFIXES = (".xlsx", ".xlsm")
UNITS_SHEET = "Đơn vị"
OTHERS_SHEET = "Điểm trừ, thưởng, điều kiện"
GUIDE_SHEET = "Hướng dẫn"
ROWS = 5000
"""Rows of each sheet that carry data validation and formats (a province has hundreds of
units; a national ministry's template is asked for with more by filling further)."""
SIGNIFICANT = 15
"""Digits a typed number keeps in Excel; a float needing more is a computation's noise."""


# --- the template ---------------------------------------------------------------------------

def sheet_layout(ruleset: Ruleset, registry: Registry) -> list[tuple[str, list[str]]]:
    """(sheet name, indicators) of each indicator sheet: a sheet per group with the
    indicators its criteria read (each indicator once, where first read), then one for
    those read only by deductions, bonuses, gates, bands and the ranking."""
    from emuscore.ruleset import indicator_readers

    placed: set[str] = set()
    by_group: dict[str, list[str]] = {g.id: [] for g in ruleset.groups}
    for c in ruleset.criteria:
        if c.group is None:
            continue
        for name in registry.scorers[c.scorer].item.inputs(c.params).values():
            if name not in placed:
                placed.add(name)
                by_group[c.group].append(name)
    rest = [name for name in indicator_readers(ruleset, registry) if name not in placed]
    sheets = [(g.title or g.id, by_group[g.id]) for g in ruleset.groups if by_group[g.id]]
    if rest:
        sheets.append((OTHERS_SHEET, rest))
    names: list[str] = [UNITS_SHEET]
    out = []
    for title, indicators in sheets:
        name = _sheet_name(title, names)
        names.append(name)
        out.append((name, indicators))
    return out


def _sheet_name(title: str, taken: Sequence[str]) -> str:
    """A title as a sheet name: without the characters Excel forbids, at most 31 long,
    unlike the others."""
    base = re.sub(r"[\[\]:*?/\\]", "-", title).strip("' ")[:31].strip() or "Sheet"
    name, k = base, 2
    while name.casefold() in (t.casefold() for t in taken):
        suffix = f" ({k})"
        name, k = base[: 31 - len(suffix)] + suffix, k + 1
    return name


def header_of(indicator: str, spec: IndicatorSpec | None) -> str:
    """The header the template gives an indicator's column: its title and unit."""
    if spec is None:
        return indicator
    return f"{spec.title} ({spec.unit})" if spec.unit else spec.title


def _note(indicator: str, spec: IndicatorSpec | None, readers: list[str]) -> str:
    lines = [spec.title if spec else indicator, _("Indicator id: {id}").format(id=indicator)]
    if spec is not None:
        if spec.unit:
            lines.append(_("Unit: {unit}").format(unit=spec.unit))
        lines.append(_("Kind: {kind}").format(kind=_kind_help(spec.kind)))
        if spec.min is not None or spec.max is not None:
            lines.append(_("Allowed: {low} to {high}").format(
                low=_plain(spec.min) if spec.min is not None else "…",
                high=_plain(spec.max) if spec.max is not None else "…"))
        lines.append(_blank_help(spec))
        if spec.description:
            lines.append(spec.description)
    if readers:
        lines.append(_("Used by: {readers}").format(readers="; ".join(readers)))
    return "\n".join(lines)


def _kind_help(kind: str) -> str:
    return {"number": _("a number"), "count": _("a whole number, 0 or more"),
            "percent": _("a percentage: type 96 or 96,5 (not 96%)"),
            "date": _("a date"), "yesno": _("1 for yes, 0 for no")}.get(kind, kind)


def _blank_help(spec: IndicatorSpec) -> str:
    if spec.missing == "error":
        return _("Blank: not allowed, enter a value")
    if spec.missing == "pass":
        return _("Blank: allowed (none)")
    return _("Blank: read as {value}").format(value=_plain(spec.missing))


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _readers(ruleset: Ruleset, registry: Registry) -> dict[str, list[str]]:
    """indicator -> the titles of what reads it, for the header notes."""
    from emuscore.ruleset import indicator_readers

    titles = {f"criterion {c.id}": c.title or c.id for c in ruleset.criteria}
    titles.update({f"gate {g.id}": g.title or g.id for g in ruleset.gates})
    return {name: list(dict.fromkeys(titles.get(who, who) for who, _d in readers))
            for name, readers in indicator_readers(ruleset, registry).items()}


def write_template(ruleset: Ruleset, registry: Registry, units: Dataset | None = None) -> bytes:
    """The data-entry workbook for `ruleset`, as the bytes of an .xlsx file; with `units`,
    their codes, names and clusters already on the units sheet and their codes and names
    on every other sheet, so that only the values are left to fill."""
    import io

    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    reading = Reading.of(ruleset)
    keys = dict(VIETNAMESE_KEYS) | dict(reading.key_headers)
    readers = _readers(ruleset, registry)
    book = Workbook()
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")

    def head(sheet: Any, headers: list[tuple[str, str, str]]) -> None:
        """Header cells (text, note, width class), frozen, bold, with their notes."""
        for k, (text, note, _w) in enumerate(headers, 1):
            cell = sheet.cell(row=1, column=k, value=text)
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.comment = Comment(note, "emuscore", width=320, height=200)
            sheet.column_dimensions[get_column_letter(k)].width = 14 if _w == "narrow" else 36
        sheet.freeze_panes = "C2" if sheet.title != UNITS_SHEET else "A2"
        sheet.row_dimensions[1].height = 60

    units_sheet = book.worksheets[0]
    units_sheet.title = UNITS_SHEET
    head(units_sheet, [(keys["unit_id"], _("The unit's code, as in every other sheet"), "narrow"),
                 (keys["name"], _("The unit's name"), "wide"),
                 (keys["cluster_id"], _("The emulation cluster or block the unit belongs to"),
                  "narrow")])
    known = units.size if units is not None else 0
    for k in range(known):
        assert units is not None
        units_sheet.append([units.unit_ids[k], units.names[k], units.clusters[k]])
    for name, indicators in sheet_layout(ruleset, registry):
        sheet = book.create_sheet(name)
        specs = [reading.spec(i) for i in indicators]
        head(sheet, [(keys["unit_id"], _("The unit's code, as in the sheet {sheet}")
                      .format(sheet=UNITS_SHEET), "narrow"),
                     (keys["name"], _("The unit's name (for reading; the code counts)"), "wide"),
                     *((header_of(i, s), _note(i, s, readers.get(i, [])), "wide")
                       for i, s in zip(indicators, specs, strict=True))])
        for k, spec in enumerate(specs, 3):
            if spec is not None:
                _validate(sheet, get_column_letter(k), spec)
        for k in range(known):
            assert units is not None
            sheet.append([units.unit_ids[k], units.names[k]])
    guide = book.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 110
    guide.append([ruleset.meta.title])
    guide["A1"].font = bold
    guide.append([_("Version {version}").format(version=ruleset.meta.version)])
    for line in _guide_lines():
        guide.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _guide_lines() -> list[str]:
    return ["", _("How to fill this workbook:"),
            _("1. List every unit on the sheet {sheet}: its code, name and emulation cluster.")
            .format(sheet=UNITS_SHEET),
            _("2. On each other sheet, one row per unit: its code as on {sheet}, then the values; "
              "rows may be in any order.").format(sheet=UNITS_SHEET),
            _("3. The note on each header says what the value is, its unit, what is allowed and "
              "what a blank means."),
            _("4. Type numbers as numbers (96,5), percentages without % (96), dates as dates; a "
              "formula's result is rounded to what it means (=ROUND(...; 2))."),
            _("5. Score it: emuscore score RULESET THIS-FILE.xlsx; every problem is named by its "
              "cell."),
            "", _("This sheet is not read.")]


def _validate(sheet: Any, letter: str, spec: IndicatorSpec) -> None:
    """Data validation for an indicator's column, by its kind (cells are left unformatted:
    a formatted empty cell counts as used, and Excel formats a typed date itself)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    area = f"{letter}2:{letter}{ROWS}"
    low = _plain(spec.min) if spec.min is not None else None
    high = _plain(spec.max) if spec.max is not None else None
    if spec.kind == "yesno":
        rule = DataValidation(type="list", formula1='"1,0"')
    elif spec.kind == "date":
        rule = DataValidation(type="date", operator="greaterThan", formula1="1")
    elif spec.kind == "count":
        rule = _bounded("whole", low or "0", high)
    elif low is None and high is None:
        rule = DataValidation(type="decimal", operator="between", formula1="-1E+15",
                              formula2="1E+15")
    else:
        rule = _bounded("decimal", low, high)
    rule.allow_blank = spec.missing != "error"
    rule.showErrorMessage = True
    rule.errorTitle = spec.title[:32]
    rule.error = (_("{title}: {kind}").format(title=spec.title, kind=_kind_help(spec.kind))
                  + (f" ({low if low is not None else '…'} – {high if high is not None else '…'})"
                     if low is not None or high is not None else ""))[:255]
    sheet.add_data_validation(rule)
    rule.add(area)


def _bounded(kind: Literal["whole", "decimal"], low: str | None, high: str | None) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    if low is not None and high is not None:
        return DataValidation(type=kind, operator="between", formula1=low, formula2=high)
    if low is not None:
        return DataValidation(type=kind, operator="greaterThanOrEqual", formula1=low)
    return DataValidation(type=kind, operator="lessThanOrEqual", formula1=high)


# --- reading a filled workbook ----------------------------------------------------------------

def load_xlsx_data(path: Path, encoding: str = "utf-8-sig") -> Dataset:
    """A workbook read with no declarations (`encoding` does not apply to a workbook)."""
    return read_xlsx_data(path, Reading(encoding))


def read_xlsx_data(path: Path, reading: Reading) -> Dataset:
    """The year's data from a workbook, every problem in it reported at once."""
    file = str(path)
    sheets = list(_sheets(path))
    table = CellTable(reading)
    found = [(name, rows) for name, rows in sheets if _is_units(rows, reading)]
    if not found:
        expected = ", ".join(reading.header_of(k) if reading.key_headers else dict(VIETNAMESE_KEYS)[k]
                             for k in KEY_COLUMNS)
        raise DataError(Problem(_("no sheet lists the units: one needs the columns {columns} "
                                  "in its first row (emuscore template RULESET -o FILE.xlsx "
                                  "writes one)").format(columns=expected), file))
    units_sheet, unit_rows = found[0]
    _read_sheet(table, file, units_sheet, unit_rows, units=True)
    if not table.ids:
        refuse(table.problems)
        raise DataError(Problem(_("no units: the sheet has a header but no rows"), file,
                                where=units_sheet))
    for name, rows in sheets:
        if name != units_sheet and rows and "unit_id" in _header(rows, reading):
            _read_sheet(table, file, name, rows, units=False)
    data = attrs.evolve(table.dataset(file), how_to_add=_("add it as a column of a sheet"))
    data, problems = check_declared(data, reading, table.place, table.bad)
    order = {name: k for k, (name, _rows) in enumerate(sheets)}
    refuse(sorted(table.problems + problems, key=lambda p: _cell_order(p.where, order)))
    return data


_REF = re.compile(r"^(?:'((?:[^']|'')*)'|(\w+))!([A-Z]+)(\d+)")


def _cell_order(where: str, sheets: dict[str, int]) -> tuple[int, int, int]:
    """(sheet, row, column) of a problem's cell, to list a workbook's problems sheet by
    sheet, top to bottom; a problem without a cell comes first."""
    found = _REF.match(where)
    if found is None:
        return (-1, 0, 0)
    sheet = (found[1] or "").replace("''", "'") or found[2]
    column = 0
    for letter in found[3]:
        column = column * 26 + ord(letter) - 64
    return (sheets.get(sheet, len(sheets)), int(found[4]), column)


def _sheets(path: Path) -> Iterator[tuple[str, list[list[Any]]]]:
    """(name, rows of cell values) of each sheet, in order."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            yield name, book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError) as e:
        raise DataError(Problem(_("not a readable .xlsx workbook ({error}); save it again from "
                                  "Excel as .xlsx").format(error=e), str(path))) from None


def _header(rows: list[list[Any]], reading: Reading) -> list[str]:
    return [reading.column(str(v)) if v not in (None, "") else "" for v in rows[0]] if rows else []


def _is_units(rows: list[list[Any]], reading: Reading) -> bool:
    header = _header(rows, reading)
    return all(k in header for k in KEY_COLUMNS)


def _read_sheet(table: CellTable, file: str, sheet: str, rows: list[list[Any]],
                units: bool) -> None:
    header = _header(rows, table.reading)
    at = {k: header.index(k) for k in KEY_COLUMNS if k in header}
    indicators = [(j, name) for j, name in enumerate(header) if name and name not in KEY_COLUMNS]
    for j, name in indicators:
        table.column(file, j, name, sheet)
    # each indicator's {unit row: cell}, filled here for the usual cell (a float typed as
    # a short decimal) without a call per cell: a 10,000-unit workbook has 330,000
    columns = [(j, name, table.cells[name]) for j, name in indicators]
    width = len(header)
    for line, row in enumerate(rows[1:], 2):
        cells = row if len(row) >= width else [*row, *[""] * (width - len(row))]
        if all(v == "" or v is None for v in cells) or all(_blank(v) for v in cells):
            continue
        unit = _text(cells[at["unit_id"]])
        where = cell_ref(sheet, at["unit_id"], line) if not unit or units else ""
        if units:
            cluster = _text(cells[at["cluster_id"]])
            if not unit or not cluster:
                table.problems.append(Problem(
                    _("{unit_id} and {cluster_id} must not be empty").format(
                        unit_id=_header_text(rows, at["unit_id"]),
                        cluster_id=_header_text(rows, at["cluster_id"])), file, where=where))
                continue
            row_index = table.add_unit(unit, _text(cells[at["name"]]), cluster, file, line,
                                       where)
        elif not unit:
            table.problems.append(Problem(_("a row with values but no unit code"), file,
                                          where=where))
            continue
        else:
            row_index = table.row.get(unit)
            if row_index is None:
                table.problems.append(Problem(_("unknown unit {unit}: it is not in the sheet "
                                                "{sheet}").format(unit=unit, sheet=UNITS_SHEET),
                                              file, where=cell_ref(sheet, at["unit_id"], line)))
                continue
        if row_index is None:
            continue
        table.sheet_lines[sheet, row_index] = line
        for j, name, values in columns:
            value = cells[j]
            if type(value) is float and row_index not in values:
                units_of = _float_units(value)
                if units_of is not None:
                    values[row_index] = units_of
                    continue
            _cell(table, row_index, name, value, file)


def _header_text(rows: list[list[Any]], column: int) -> str:
    return str(rows[0][column])


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    """A key cell as text: a code typed as a number (1001) is the text 1001."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _cell(table: CellTable, row: int, indicator: str, value: Any, file: str) -> None:
    """One cell's value into the table: text read under the declarations, a number
    exactly as typed, a date as a date; anything else unreadable."""
    if _blank(value):
        return
    if isinstance(value, str):
        table.set(file, 0, row, indicator, value)
        return
    if isinstance(value, bool):
        table.number(row, indicator, Decimal(int(value)), file)
    elif isinstance(value, int):
        table.number(row, indicator, Decimal(value), file)
    elif isinstance(value, float):
        exact = typed_decimal(value)
        if exact is None:
            table.unreadable(row, indicator, _(
                "{value!r} is not a number as typed but a computed one with binary noise; round "
                "it in the sheet (=ROUND(...; 2)) or type the value").format(value=value), file, None)
            return
        table.number(row, indicator, exact, file)
    elif isinstance(value, datetime.datetime):
        if value.time() != datetime.time(0):
            table.unreadable(row, indicator, _("{value} has a time of day; enter the date only")
                             .format(value=value.isoformat(sep=" ")), file, None)
            return
        table.put(row, indicator, (value.date().toordinal(), 0, "date"), file, None)
    elif isinstance(value, datetime.date):
        table.put(row, indicator, (value.toordinal(), 0, "date"), file, None)
    else:
        table.unreadable(row, indicator, _("{value} is not a number or a date").format(
            value=value), file, None)


@functools.lru_cache(maxsize=1 << 16)     # counts, yes/no and targets repeat
def _float_units(value: float) -> tuple[int, int, str] | None:
    """`typed_decimal` as (mantissa, decimals, "number") by string operations on the
    float's repr (the usual cell; an exponent, inf or nan take the Decimal way)."""
    text = repr(value)
    if "e" in text or "n" in text:
        exact = typed_decimal(value)
        if exact is None:
            return None
        exponent = exact.as_tuple().exponent
        assert isinstance(exponent, int)
        decimals = max(0, -exponent)
        return int(exact.scaleb(decimals)), decimals, "number"
    whole, _point, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    if len((whole.lstrip("-") + fraction).strip("0")) > SIGNIFICANT:
        return None
    return int(whole + fraction), len(fraction), "number"


def typed_decimal(value: float) -> Decimal | None:
    """The decimal a person typed to get this float: the shortest that reads back as it
    (repr), if it has at most SIGNIFICANT digits; None for a float that is no short
    decimal (inf, nan, or 0.30000000000000004)."""
    if value != value or value in (float("inf"), float("-inf")):
        return None
    exact = Decimal(repr(value))
    if len(exact.normalize().as_tuple().digits) > SIGNIFICANT:
        return None
    return exact.normalize() if exact == exact.to_integral_value() else exact


def _reads(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


@hookimpl
def register_loaders(register: Callable[[Loader], None]) -> None:
    register(Loader("xlsx", _reads, load_xlsx_data,
                    "a data-entry workbook (.xlsx), as `emuscore template` writes it",
                    read=read_xlsx_data))
