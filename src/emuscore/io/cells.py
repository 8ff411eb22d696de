"""Cells to a Dataset, for the readers that go cell by cell (the line-by-line CSV reader,
the workbook reader): units in order, each cell read under the declarations, every
problem kept with its place (file and line, or Sheet!D14) rather than raised, so that a
file's problems are reported at once."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

import numpy as np

from emuscore.dataset import Dataset
from emuscore.exact import INT64_ROOM, Column
from emuscore.i18n import _
from emuscore.io.numbers import Unreadable
from emuscore.io.reading import Reading, indicator_label
from emuscore.problems import Problem


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(sheet: str, column: int, line: int) -> str:
    """'Đơn vị'!C14: a cell as a spreadsheet names it (the sheet quoted unless plain)."""
    name = sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{column_letter(column)}{line}"


class CellTable:
    """The cells read so far: units, and for each indicator the value of each unit."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.ids: list[str] = []
        self.names: list[str] = []
        self.clusters: list[str] = []
        self.lines: dict[str, int] = {}
        self.row: dict[str, int] = {}
        # indicator -> {unit row: (mantissa, decimals, kind)}, and where each was set
        self.cells: dict[str, dict[int, tuple[int, int, str]]] = {}
        self.where: dict[str, tuple[str, int]] = {}
        self.columns: dict[str, tuple[str, int, str | None]] = {}
        """indicator -> (file, its column's index, its sheet) for a wide file or sheet"""
        self.sheet_lines: dict[tuple[str, int], int] = {}
        """(sheet, unit row) -> the unit's row in that sheet"""
        self.measured: dict[tuple[int, str], tuple[str, int]] = {}
        """(unit row, indicator) -> (file, line) of a value read from measures.csv"""
        self.problems: list[Problem] = []
        self.bad: set[tuple[int, str]] = set()
        """cells whose text was not readable (reported once, not again as blank)"""

    def add_unit(self, unit: str, name: str, cluster: str, file: str, line: int,
                 where: str = "") -> int | None:
        """The unit's row, or None (and a problem) if it came before. `where`: the cell,
        in a workbook (then `line` is the row of the units sheet)."""
        if unit in self.row:
            self.problem(_("duplicate unit {unit} (first on line {line})").format(
                unit=unit, line=self.lines[unit]), file, None if where else line, where=where)
            return None
        self.row[unit] = len(self.ids)
        self.lines[unit] = line
        self.ids.append(unit)
        self.names.append(name)
        self.clusters.append(cluster)
        return self.row[unit]

    def column(self, file: str, index: int, indicator: str, sheet: str | None = None) -> None:
        """A wide file's indicator column: present even if every cell of it is blank."""
        self.cells.setdefault(indicator, {})
        self.columns[indicator] = (file, index, sheet)

    def place(self, row: int, indicator: str) -> tuple[str, int | None, str]:
        unit = self.ids[row]
        if (row, indicator) in self.measured:
            file, line = self.measured[row, indicator]
            return file, line, _("unit {unit}").format(unit=unit)
        if indicator in self.columns:
            file, index, sheet = self.columns[indicator]
            if sheet is not None:
                at = self.sheet_lines.get((sheet, row))
                if at is None:
                    return file, None, _("sheet {sheet}: no row for unit {unit}").format(
                        sheet=sheet, unit=unit)
                return file, None, _("{cell} (unit {unit})").format(
                    cell=cell_ref(sheet, index, at), unit=unit)
            return file, self.lines[unit], _("unit {unit}, column {letter}").format(
                unit=unit, letter=column_letter(index))
        return "", None, _("unit {unit}").format(unit=unit)

    def problem(self, message: str, file: str, line: int | None, row: int | None = None,
                indicator: str = "", where: str = "") -> None:
        if row is not None:
            file, line, where = self.place(row, indicator)
        self.problems.append(Problem(message, file, line, where))

    def set(self, file: str, line: int, row: int, indicator: str, text: str,
            measured: bool = False) -> None:
        """A cell written as text, read under the declarations."""
        text = text.strip()
        if measured:
            self.measured.setdefault((row, indicator), (file, line))
        if not text:
            return
        try:
            value = self.reading.cell_value(indicator, text)
        except Unreadable as e:
            self.unreadable(row, indicator, str(e), file, line)
            return
        self.put(row, indicator, value, file, line)

    def unreadable(self, row: int, indicator: str, why: str, file: str, line: int | None) -> None:
        self.bad.add((row, indicator))
        self.problem(f"{indicator_label(indicator, self.reading)}: {why}", file, line, row, indicator)

    def number(self, row: int, indicator: str, value: Decimal, file: str = "",
               line: int | None = None) -> None:
        """A value that is a number already (given in code, or a spreadsheet's number)."""
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int), "finite"
        decimals = max(0, -exponent)
        self.put(row, indicator, (int(value.scaleb(decimals)), decimals, "number"), file, line)

    def put(self, row: int, indicator: str, value: tuple[int, int, str], file: str,
            line: int | None) -> None:
        cells = self.cells.setdefault(indicator, {})
        if row in cells:
            self.problem(_("second value of '{indicator}' for unit {unit}; keep one").format(
                indicator=indicator, unit=self.ids[row]), file, line)
            return
        cells[row] = value
        self.where.setdefault(indicator, (file, line or 0))

    def dataset(self, source: str) -> Dataset:
        n = len(self.ids)
        columns = {}
        for indicator, cells in self.cells.items():
            kinds = {kind for _m, _d, kind in cells.values()}
            if len(kinds) > 1:
                file, line = self.where[indicator]
                self.problem(_("indicator '{indicator}' mixes dates and numbers; use one kind "
                               "for all units").format(indicator=indicator), file, line or None)
                continue
            scale = max((d for _m, d, _k in cells.values()), default=0)
            values = [0] * n
            missing = np.ones(n, bool)
            for row, (mantissa, decimals, _k) in cells.items():
                values[row] = mantissa * 10 ** (scale - decimals)
                missing[row] = False
            big = max(map(abs, values), default=0) >= INT64_ROOM
            array = np.array(values, dtype=object if big else np.int64)
            kind: Literal["number", "date"] = "date" if kinds == {"date"} else "number"
            columns[indicator] = Column(array, scale, missing, kind)
        return Dataset(tuple(self.ids), tuple(self.names), tuple(self.clusters), columns,
                       source, self.lines)
