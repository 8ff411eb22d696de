"""Data from CSV: a folder with units.csv (unit_id, name, cluster_id, and optionally one
column per indicator) and measures.csv in long form (unit_id, indicator, value), or one
wide CSV file. UTF-8 with or without a BOM (or a declared legacy encoding such as
cp1258), separated by `,`, `;` or tab (recognised from the header, or declared), names
in NFC, numbers and dates as the ruleset's `[data]` declares them (`emuscore.io.numbers`),
headers by the names the ruleset gives them, empty = missing. Every problem in the files
is reported at once."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Literal

import attrs
import numpy as np

from emuscore.dataset import Dataset
from emuscore.exact import INT64_ROOM, Column
from emuscore.hookspecs import hookimpl
from emuscore.i18n import _
from emuscore.io.fast_csv import NotSimple, load_fast
from emuscore.io.formats import Loader
from emuscore.io.numbers import Unreadable
from emuscore.io.reading import Reading, check_declared, indicator_label, refuse, unit_place
from emuscore.problems import DataError, Problem

UNIT_COLUMNS = ("unit_id", "name", "cluster_id")
MEASURE_COLUMNS = ("unit_id", "indicator", "value")


def load_csv_data(path: Path, encoding: str = "utf-8-sig") -> Dataset:
    """A folder (units.csv [+ measures.csv]) or one wide CSV file, with no declarations."""
    return read_csv_data(path, Reading(encoding))


def read_csv_data(path: Path, reading: Reading) -> Dataset:
    """A folder or one wide CSV file, read as the ruleset declares (`reading`), every
    problem in the data reported at once."""
    how_to_add = ("add it to measures.csv (or as a column of units.csv)" if path.is_dir()
                  else "add it as a column")
    return attrs.evolve(_load(path, reading), how_to_add=how_to_add)


def _load(path: Path, reading: Reading) -> Dataset:
    try:
        fast = load_fast(path, reading)
        data, problems = check_declared(fast, reading, unit_place(fast, reading))
        if not problems:
            return data
    except NotSimple:
        pass        # anything unusual, and every error, is read line by line below
    builder = _Builder(reading)
    if path.is_dir():
        units_file = path / "units.csv"
        if not units_file.exists():
            raise DataError(Problem("no units.csv in this folder (unit_id, name, cluster_id)",
                                    str(path)))
        _read_units(units_file, builder)
        measures = path / "measures.csv"
        if measures.exists():
            _read_measures(measures, builder)
    elif not path.exists():
        raise DataError(Problem("no such data file or folder", str(path)))
    else:
        _read_units(path, builder)
    data = builder.dataset(str(path))
    data, problems = check_declared(data, reading, builder.place, builder.bad)
    refuse(builder.problems + problems)
    return data


def dataset_from_rows(rows: Iterable[Mapping[str, object]], source: str = "<rows>") -> Dataset:
    """A Dataset from wide rows given in code: unit_id, name, cluster_id and one key per
    indicator (values as text, int or Decimal; None or "" = missing). For tests and the API."""
    builder = _Builder(Reading())
    for line, row in enumerate(rows, 1):
        unit = str(row["unit_id"])
        if unit in builder.row:
            raise DataError(Problem(f"duplicate unit {unit}", source, line))
        builder.row[unit] = len(builder.ids)
        builder.lines[unit] = line
        builder.ids.append(unit)
        builder.names.append(str(row.get("name", unit)))
        builder.clusters.append(str(row["cluster_id"]))
        for indicator, value in row.items():
            if indicator not in UNIT_COLUMNS and value is not None:
                if isinstance(value, int | Decimal) and not isinstance(value, bool):
                    # a number given in code is exact: no text convention to settle
                    builder.number(builder.row[unit], indicator, Decimal(value))
                else:
                    builder.set(source, line, builder.row[unit], indicator, str(value))
    data = builder.dataset(source)
    refuse(builder.problems)
    return data


class _Builder:
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
        self.columns: dict[str, tuple[str, int]] = {}
        """indicator -> (file, its column's index) for the columns of a wide file"""
        self.measured: dict[tuple[int, str], tuple[str, int]] = {}
        """(unit row, indicator) -> (file, line) of a value read from measures.csv"""
        self.problems: list[Problem] = []
        self.bad: set[tuple[int, str]] = set()
        """cells whose text was not readable (reported once, not again as blank)"""

    def column(self, file: str, index: int, indicator: str) -> None:
        """A wide file's indicator column: present even if every cell of it is blank."""
        self.cells.setdefault(indicator, {})
        self.columns[indicator] = (file, index)

    def place(self, row: int, indicator: str) -> tuple[str, int | None, str]:
        unit = self.ids[row]
        if (row, indicator) in self.measured:
            file, line = self.measured[row, indicator]
            return file, line, _("unit {unit}").format(unit=unit)
        if indicator in self.columns:
            file, index = self.columns[indicator]
            return file, self.lines[unit], _("unit {unit}, column {letter}").format(
                unit=unit, letter=column_letter(index))
        return "", None, _("unit {unit}").format(unit=unit)

    def problem(self, message: str, file: str, line: int, row: int | None = None,
                indicator: str = "") -> None:
        where = self.place(row, indicator)[2] if row is not None else ""
        self.problems.append(Problem(message, file, line, where))

    def set(self, file: str, line: int, row: int, indicator: str, text: str,
            measured: bool = False) -> None:
        text = text.strip()
        if measured:
            self.measured.setdefault((row, indicator), (file, line))
        if not text:
            return
        cells = self.cells.setdefault(indicator, {})
        if row in cells:
            self.problem(f"second value of '{indicator}' for unit {self.ids[row]}; keep one",
                         file, line)
            return
        try:
            cells[row] = self.reading.cell_value(indicator, text)
        except Unreadable as e:
            self.bad.add((row, indicator))
            self.problem(f"{indicator_label(indicator, self.reading)}: {e}", file, line, row,
                         indicator)
            return
        self.where.setdefault(indicator, (file, line))

    def number(self, row: int, indicator: str, value: Decimal) -> None:
        """A value that is a number already (given in code, or a spreadsheet's number)."""
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int), "finite"
        decimals = max(0, -exponent)
        self.cells.setdefault(indicator, {})[row] = (int(value.scaleb(decimals)), decimals,
                                                     "number")

    def dataset(self, source: str) -> Dataset:
        n = len(self.ids)
        columns = {}
        for indicator, cells in self.cells.items():
            kinds = {kind for _m, _d, kind in cells.values()}
            if len(kinds) > 1:
                file, line = self.where[indicator]
                self.problem(f"indicator '{indicator}' mixes dates and numbers; use one kind "
                             "for all units", file, line)
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


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _rows(path: Path, b: _Builder, required: tuple[str, ...]
          ) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row, text in NFC, headers as the names they stand
    for (`Reading.column`), after checking the header; a row of the wrong length is a
    problem noted in `b` and skipped."""
    file = str(path)
    reading = b.reading
    try:
        with path.open(encoding=reading.encoding, newline="") as f:
            first = f.readline()
            f.seek(0)
            reader = csv.reader(f, delimiter=sniff_delimiter(first, reading, required))
            shown = [_nfc(h).strip() for h in next(reader, [])]
            header = [reading.column(h) for h in shown]
            missing = [c for c in required if c not in header]
            if missing:
                raise DataError(Problem(_missing_columns(missing, required, reading), file, 1))
            duplicated = {shown[k] for k, h in enumerate(header) if header.count(h) > 1}
            if duplicated:
                raise DataError(Problem(f"column {', '.join(sorted(duplicated))} appears twice "
                                        "(or two headers name one indicator)", file, 1))
            for k, name in enumerate(header):
                if required == UNIT_COLUMNS and name not in UNIT_COLUMNS:
                    b.column(file, k, name)
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    b.problem(f"{len(row)} fields where the header has {len(header)}",
                              file, reader.line_num)
                    continue
                yield reader.line_num, dict(zip(header, map(_nfc, row), strict=True))
    except UnicodeDecodeError as e:
        raise DataError(Problem(f"not {reading.encoding} text (byte {e.start}); if it came from "
                                "an old Excel, pass --encoding cp1258", file)) from None
    except csv.Error as e:
        raise DataError(Problem(f"malformed CSV: {e}", file)) from None


DELIMITERS = (",", ";", "\t")


def sniff_delimiter(first_line: str, reading: Reading, required: tuple[str, ...]) -> str:
    """The declared separator, else the one of `,` `;` tab under which the header has
    the required columns (the one giving most columns if several do), else the most
    frequent (the missing columns are then reported)."""
    if reading.delimiter:
        return reading.delimiter
    fitting = []
    for delimiter in DELIMITERS:
        header = [reading.column(h) for h in next(csv.reader([first_line], delimiter=delimiter), [])]
        if all(c in header for c in required):
            fitting.append((len(header), -DELIMITERS.index(delimiter), delimiter))
    if fitting:
        return max(fitting)[2]
    return max(DELIMITERS, key=first_line.count)


def _missing_columns(missing: list[str], required: tuple[str, ...], reading: Reading) -> str:
    expected = ", ".join(reading.header_of(c) for c in required)
    message = _("missing column(s) {missing}; the header must have {expected}").format(
        missing=", ".join(reading.header_of(c) for c in missing), expected=expected)
    if required == UNIT_COLUMNS and not reading.key_headers:
        message += _(" (or declare the file's own headers in the ruleset: [data] columns = "
                     "{{ unit_id = \"Mã đơn vị\", name = \"Tên đơn vị\", cluster_id = "
                     "\"Cụm thi đua\" }})")
    if not reading.delimiter:
        message += _("; if the columns are separated by another character, pass --delimiter")
    return message


def _read_units(path: Path, b: _Builder) -> None:
    file = str(path)
    for line, row in _rows(path, b, UNIT_COLUMNS):
        unit = row["unit_id"].strip()
        cluster = row["cluster_id"].strip()
        if not unit or not cluster:
            b.problem(_("{unit_id} and {cluster_id} must not be empty").format(
                unit_id=b.reading.header_of("unit_id"),
                cluster_id=b.reading.header_of("cluster_id")), file, line)
            continue
        if unit in b.row:
            b.problem(f"duplicate unit {unit} (first on line {b.lines[unit]})", file, line)
            continue
        b.row[unit] = len(b.ids)
        b.lines[unit] = line
        b.ids.append(unit)
        b.names.append(row["name"].strip())
        b.clusters.append(cluster)
        for indicator, text in row.items():
            if indicator not in UNIT_COLUMNS:
                b.set(file, line, b.row[unit], indicator, text)
    if not b.ids:
        refuse(b.problems)
        raise DataError(Problem("no units: the file has a header but no rows", file))


def _read_measures(path: Path, b: _Builder) -> None:
    file = str(path)
    for line, row in _rows(path, b, MEASURE_COLUMNS):
        unit = row["unit_id"].strip()
        if unit not in b.row:
            b.problem(f"unknown unit {unit}: it is not in units.csv", file, line)
            continue
        indicator = b.reading.column(row["indicator"])
        if not indicator:
            b.problem("empty indicator name", file, line)
            continue
        b.set(file, line, b.row[unit], indicator, row["value"], measured=True)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _reads(path: Path) -> bool:
    return path.is_dir() or path.suffix.lower() in (".csv", ".txt")


@hookimpl
def register_loaders(register: Callable[[Loader], None]) -> None:
    register(Loader("csv", _reads, load_csv_data,
                    "a folder with units.csv (and measures.csv), or one wide .csv file",
                    read=read_csv_data))
