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

import attrs

from emuscore.dataset import Dataset
from emuscore.hookspecs import hookimpl
from emuscore.i18n import _
from emuscore.io.cells import CellTable
from emuscore.io.fast_csv import NotSimple, load_fast
from emuscore.io.formats import Loader
from emuscore.io.reading import Reading, check_declared, refuse, sniff_delimiter, unit_place
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
    check_encoding(path, reading.encoding)
    return attrs.evolve(_load(path, reading), how_to_add=how_to_add)


def _load(path: Path, reading: Reading) -> Dataset:
    try:
        fast = load_fast(path, reading)
        data, problems = check_declared(fast, reading, unit_place(fast, reading))
        if not problems:
            return data
    except NotSimple:
        pass        # anything unusual, and every error, is read line by line below
    builder = CellTable(reading)
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
    builder = CellTable(Reading())
    for line, row in enumerate(rows, 1):
        unit = str(row["unit_id"])
        if builder.add_unit(unit, str(row.get("name", unit)), str(row["cluster_id"]), source,
                            line) is None:
            continue
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


def _rows(path: Path, b: CellTable, required: tuple[str, ...]
          ) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row, text in NFC, headers as the names they stand
    for (`Reading.column`), after checking the header; a row of the wrong length is a
    problem noted in `b` and skipped."""
    file = str(path)
    reading = b.reading
    reader = None
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
                    b.problem(f"{len(row)} fields where the header has {len(header)}",
                              file, reader.line_num)
                    continue
                yield reader.line_num, dict(zip(header, map(_nfc, row), strict=True))
    except UnicodeDecodeError as e:
        raise DataError(Problem(f"not {reading.encoding} text (byte {e.start}); if it came from "
                                "an old Excel, pass --encoding cp1258", file)) from None
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


def _read_units(path: Path, b: CellTable) -> None:
    file = str(path)
    for line, row in _rows(path, b, UNIT_COLUMNS):
        unit = row["unit_id"].strip()
        cluster = row["cluster_id"].strip()
        if not unit or not cluster:
            b.problem(_("{unit_id} and {cluster_id} must not be empty").format(
                unit_id=b.reading.header_of("unit_id"),
                cluster_id=b.reading.header_of("cluster_id")), file, line)
            continue
        odd = next((c for c in unit + cluster if not c.isprintable()), None)
        if odd is not None:
            b.problem(_("the unit id or cluster id {text} holds an invisible or control "
                        "character (U+{code:04X}); retype it").format(
                text=ascii(unit if odd in unit else cluster), code=ord(odd)), file, line)
            continue
        if b.add_unit(unit, row["name"].strip(), cluster, file, line) is None:
            continue
        for indicator, text in row.items():
            if indicator not in UNIT_COLUMNS:
                b.set(file, line, b.row[unit], indicator, text)
    if not b.ids:
        refuse(b.problems)
        raise DataError(Problem("no units: the file has a header but no rows", file))


def _read_measures(path: Path, b: CellTable) -> None:
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


def _files(path: Path) -> list[Path]:
    """What `load_csv_data(path)` reads."""
    return [path / "units.csv", path / "measures.csv"] if path.is_dir() else [path]


@hookimpl
def register_loaders(register: Callable[[Loader], None]) -> None:
    register(Loader("csv", _reads, load_csv_data,
                    "a folder with units.csv (and measures.csv), or one wide .csv file",
                    read=read_csv_data, reads=_files))
