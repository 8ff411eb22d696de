"""Data from CSV: a folder with units.csv (unit_id, name, cluster_id, and optionally one
column per indicator) and measures.csv in long form (unit_id, indicator, value), or one
wide CSV file. UTF-8 with or without a BOM (or a declared legacy encoding such as
cp1258), names in NFC, decimal point or comma, dates as 2024-03-15, empty = missing."""

from __future__ import annotations

import csv
import datetime
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Literal

import attrs
import numpy as np

from emuscore.dataset import Dataset
from emuscore.exact import INT64_ROOM, Column, NotANumber, parse_decimal
from emuscore.hookspecs import hookimpl
from emuscore.i18n import _
from emuscore.io.fast_csv import NotSimple, load_fast
from emuscore.io.formats import Loader
from emuscore.problems import DataError, Problem

UNIT_COLUMNS = ("unit_id", "name", "cluster_id")
MEASURE_COLUMNS = ("unit_id", "indicator", "value")


def load_csv_data(path: Path, encoding: str = "utf-8-sig") -> Dataset:
    """A folder (units.csv [+ measures.csv]) or one wide CSV file."""
    how_to_add = ("add it to measures.csv (or as a column of units.csv)" if path.is_dir()
                  else "add it as a column")
    check_encoding(path, encoding)
    return attrs.evolve(_load(path, encoding), how_to_add=how_to_add)


def _load(path: Path, encoding: str) -> Dataset:
    try:
        return load_fast(path, encoding)
    except NotSimple:
        pass        # anything unusual, and every error, is read line by line below
    if path.is_dir():
        units_file = path / "units.csv"
        if not units_file.exists():
            raise DataError(Problem("no units.csv in this folder (unit_id, name, cluster_id)",
                                    str(path)))
        builder = _Builder()
        _read_units(units_file, builder, encoding)
        measures = path / "measures.csv"
        if measures.exists():
            _read_measures(measures, builder, encoding)
        return builder.dataset(str(path))
    if not path.exists():
        raise DataError(Problem("no such data file or folder", str(path)))
    builder = _Builder()
    _read_units(path, builder, encoding)
    return builder.dataset(str(path))


def dataset_from_rows(rows: Iterable[Mapping[str, object]], source: str = "<rows>") -> Dataset:
    """A Dataset from wide rows given in code: unit_id, name, cluster_id and one key per
    indicator (values as text, int or Decimal; None or "" = missing). For tests and the API."""
    builder = _Builder()
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
                text = format(value, "f") if isinstance(value, Decimal) else str(value)
                builder.set(source, line, builder.row[unit], indicator, text)
    return builder.dataset(source)


class _Builder:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.names: list[str] = []
        self.clusters: list[str] = []
        self.lines: dict[str, int] = {}
        self.row: dict[str, int] = {}
        # indicator -> {unit row: (mantissa, decimals, kind)}, and where each was set
        self.cells: dict[str, dict[int, tuple[int, int, str]]] = {}
        self.where: dict[str, tuple[str, int]] = {}

    def set(self, file: str, line: int, row: int, indicator: str, text: str) -> None:
        text = text.strip()
        if not text:
            return
        cells = self.cells.setdefault(indicator, {})
        if row in cells:
            raise DataError(Problem(f"second value of '{indicator}' for unit {self.ids[row]}; "
                                    "keep one", file, line))
        cells[row] = _value(text, file, line, indicator, self.ids[row])
        self.where.setdefault(indicator, (file, line))

    def dataset(self, source: str) -> Dataset:
        n = len(self.ids)
        columns = {}
        for indicator, cells in self.cells.items():
            kinds = {kind for _, _, kind in cells.values()}
            if len(kinds) > 1:
                file, line = self.where[indicator]
                raise DataError(Problem(f"indicator '{indicator}' mixes dates and numbers; use "
                                        "one kind for all units", file, line))
            scale = max(d for _, d, _ in cells.values())
            values = [0] * n
            missing = np.ones(n, bool)
            for row, (mantissa, decimals, _kind) in cells.items():
                values[row] = mantissa * 10 ** (scale - decimals)
                missing[row] = False
            big = max(map(abs, values), default=0) >= INT64_ROOM
            array = np.array(values, dtype=object if big else np.int64)
            kind: Literal["number", "date"] = "date" if kinds == {"date"} else "number"
            columns[indicator] = Column(array, scale, missing, kind)
        return Dataset(tuple(self.ids), tuple(self.names), tuple(self.clusters), columns,
                       source, self.lines)


MAX_DIGITS = 40
"""The longest number a data cell may hold (digits); longer ones are refused, not parsed."""


def _value(text: str, file: str, line: int, indicator: str, unit: str) -> tuple[int, int, str]:
    if len(text) > MAX_DIGITS + 2 and sum(c.isdigit() for c in text) > MAX_DIGITS:
        raise DataError(Problem(_("unit {unit}, indicator '{indicator}': a number of {n} digits; "
                                  "at most {most} (is the cell two numbers run together?)").format(
            unit=unit, indicator=indicator, n=sum(c.isdigit() for c in text), most=MAX_DIGITS),
            file, line))
    try:
        mantissa, decimals = parse_decimal(text)
        return mantissa, decimals, "number"
    except NotANumber:
        pass
    if any(c.isdigit() and not c.isascii() for c in text):
        raise DataError(Problem(_("unit {unit}, indicator '{indicator}': '{text}' has digits "
                                  "that are not 0-9 (full-width or Arabic-Indic); retype the "
                                  "number with ordinary digits").format(
            unit=unit, indicator=indicator, text=text), file, line))
    try:
        return datetime.date.fromisoformat(text).toordinal(), 0, "date"
    except ValueError:
        raise DataError(Problem(f"unit {unit}, indicator '{indicator}': '{text}' is not a number "
                                "or a date (write 7.25, 7,25 or 2024-03-15)", file, line)) from None


def _rows(path: Path, encoding: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row, text in NFC, after checking the header."""
    file = str(path)
    reader = None
    try:
        with path.open(encoding=encoding, newline="") as f:
            reader = csv.reader(f)
            header = [_nfc(h).strip() for h in next(reader, [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise DataError(Problem(f"missing column(s) {', '.join(missing)}; the header must "
                                        f"have {', '.join(required)}", file, 1))
            duplicated = {h for h in header if header.count(h) > 1}
            if duplicated:
                raise DataError(Problem(f"column {', '.join(sorted(duplicated))} appears twice", file, 1))
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if any("\0" in cell for cell in row):
                    raise DataError(Problem(_csv_problem(csv.Error("NUL")), file,
                                            reader.line_num))
                if any(BOM in cell for cell in row):
                    raise DataError(Problem(_(
                        "an invisible byte-order mark (U+FEFF) inside the file, in the field "
                        "'{field}'; the file was probably joined from two files: delete that "
                        "character, or save the file again as CSV UTF-8").format(
                        field=next(c for c in row if BOM in c).replace(BOM, "")[:40]),
                        file, reader.line_num))
                if len(row) != len(header):
                    raise DataError(Problem(f"{len(row)} fields where the header has "
                                            f"{len(header)}", file, reader.line_num))
                yield reader.line_num, dict(zip(header, map(_nfc, row), strict=True))
    except UnicodeDecodeError as e:
        raise DataError(Problem(f"not {encoding} text (byte {e.start}); if it came from an old "
                                "Excel, pass --encoding cp1258", file)) from None
    except csv.Error as e:
        raise DataError(Problem(_csv_problem(e), file, reader.line_num if reader else None)) from None


BOM = "\ufeff"


def _csv_problem(e: csv.Error) -> str:
    """The csv module's complaint in words a user can act on."""
    text = str(e)
    if "new-line character seen in unquoted field" in text:
        return _("a line ends with a lone carriage return (CR) inside a field; save the file "
                 "again as CSV UTF-8 (Windows or Unix line endings)")
    if "field larger than field limit" in text:
        return _("a field is longer than 131072 characters: a quote (\") that opens a field and "
                 "is never closed? check the quotes from this line on")
    if "line contains NUL" in text or "NUL" in text:
        return _("the file holds zero bytes (NUL): it is not a CSV text file (a spreadsheet "
                 "saved as .csv by mistake, or UTF-16?); save it again as CSV UTF-8")
    return _("malformed CSV ({reason}); save the file again as CSV UTF-8").format(reason=text)


def check_encoding(path: Path, encoding: str) -> None:
    """Refuse a legacy --encoding for files that are UTF-8 with accented letters: read as
    latin-1 or cp1258 they would give garbled names ("HÃ  Ná»™i") without an error."""
    import codecs

    codec = codecs.lookup(encoding).name
    if codec.startswith("utf"):
        return
    files = [path / "units.csv", path / "measures.csv"] if path.is_dir() else [path]
    for file in files:
        try:
            with file.open("rb") as f:
                head = f.read(1 << 20)
        except OSError:
            continue
        cut = head[: len(head) - 4] if len(head) == 1 << 20 else head   # not mid-character
        if cut.isascii():
            continue
        try:
            cut.decode("utf-8")
        except UnicodeDecodeError:
            continue
        raise DataError(Problem(_("the file is UTF-8 text with accented letters, but "
                                  "--encoding {encoding} was given: the names would come out "
                                  "garbled; leave out --encoding").format(encoding=encoding),
                                str(file)))


def _read_units(path: Path, b: _Builder, encoding: str) -> None:
    file = str(path)
    for line, row in _rows(path, encoding, UNIT_COLUMNS):
        unit = row["unit_id"].strip()
        cluster = row["cluster_id"].strip()
        if not unit or not cluster:
            raise DataError(Problem("unit_id and cluster_id must not be empty", file, line))
        odd = next((c for c in unit + cluster if not c.isprintable()), None)
        if odd is not None:
            raise DataError(Problem(_("the unit id or cluster id {text} holds an invisible or "
                                      "control character (U+{code:04X}); retype it").format(
                text=ascii(unit if odd in unit else cluster), code=ord(odd)), file, line))
        if unit in b.row:
            raise DataError(Problem(f"duplicate unit {unit} (first on line {b.lines[unit]})",
                                    file, line))
        b.row[unit] = len(b.ids)
        b.lines[unit] = line
        b.ids.append(unit)
        b.names.append(row["name"].strip())
        b.clusters.append(cluster)
        for indicator, text in row.items():
            if indicator not in UNIT_COLUMNS:
                b.set(file, line, b.row[unit], indicator, text)
    if not b.ids:
        raise DataError(Problem("no units: the file has a header but no rows", file))


def _read_measures(path: Path, b: _Builder, encoding: str) -> None:
    file = str(path)
    for line, row in _rows(path, encoding, MEASURE_COLUMNS):
        unit = row["unit_id"].strip()
        if unit not in b.row:
            raise DataError(Problem(f"unknown unit {unit}: it is not in units.csv", file, line))
        indicator = row["indicator"].strip()
        if not indicator:
            raise DataError(Problem("empty indicator name", file, line))
        b.set(file, line, b.row[unit], indicator, row["value"])


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _reads(path: Path) -> bool:
    return path.is_dir() or path.suffix.lower() in (".csv", ".txt")


def _files(path: Path) -> list[Path]:
    """What `load_csv_data(path)` reads."""
    return [path / "units.csv", path / "measures.csv"] if path.is_dir() else [path]


@hookimpl
def register_loaders(register: Callable[[Loader], None]) -> None:
    register(Loader("csv", _reads, load_csv_data,
                    "a folder with units.csv (and measures.csv), or one wide .csv file",
                    reads=_files))
