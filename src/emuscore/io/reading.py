"""What a loader is told about the data: the ruleset's `[data]` and `[indicators]`
(conventions, column names, kinds, ranges, what a blank means), and the check of a
loaded Dataset against the declared indicators, every problem at once.

Every loader reads the text of a cell with `cell_value` and hands the Dataset to
`check_declared`, so a CSV file, a workbook and a plugin's format are held to the same
declarations and speak of a cell the same way (file, line or Sheet!D14, unit, the
indicator's title).
"""

from __future__ import annotations

import csv
import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal

import attrs
import numpy as np
from attrs import field, frozen

from emuscore.dataset import Dataset
from emuscore.exact import Column, NotANumber, decimals_of, format_units
from emuscore.i18n import _, ngettext
from emuscore.io.numbers import Conventions, Unreadable, read_date, read_number
from emuscore.model import IndicatorSpec, Ruleset
from emuscore.problems import DataError, Problem

KEY_COLUMNS = ("unit_id", "name", "cluster_id")
VIETNAMESE_KEYS = (("unit_id", "Mã đơn vị"), ("name", "Tên đơn vị"), ("cluster_id", "Cụm thi đua"))
"""The key columns' Vietnamese headers, understood without a declaration (a data-entry
workbook from `emuscore template` uses them)."""
YES_NO = {"có": 1, "không": 0}
"""Words a yes/no indicator may hold instead of 1 and 0."""
CAP = 50
"""Problems shown for one file; the rest are counted."""

Place = Callable[[int, str], tuple[str, int | None, str]]
"""(unit row, indicator) -> (file, line or None, where in it: a column, Sheet!D14)."""


def _folded(text: str) -> str:
    """A header as compared: NFC, case-folded, runs of white space as one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


@frozen
class Reading:
    """How to read one year's data: the file's encoding and separator, the number and
    date conventions, the key columns' headers and the declared indicators."""

    encoding: str = "utf-8-sig"
    delimiter: str | None = None
    conventions: Conventions = field(factory=Conventions)
    key_headers: tuple[tuple[str, str], ...] = ()
    """(key column, the header the data uses for it), e.g. ("unit_id", "Mã đơn vị")."""
    indicators: tuple[IndicatorSpec, ...] = ()
    _names: dict[str, str] = field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        names = {_folded(k): k for k in KEY_COLUMNS}
        names.update((_folded(h), k) for k, h in (*VIETNAMESE_KEYS, *self.key_headers))
        for spec in self.indicators:
            names[_folded(spec.title)] = spec.id
            if spec.unit:
                names[_folded(f"{spec.title} ({spec.unit})")] = spec.id
        object.__setattr__(self, "_names", names)

    @classmethod
    def of(cls, ruleset: Ruleset | None, encoding: str = "utf-8-sig",
           delimiter: str | None = None) -> Reading:
        """The reading a ruleset declares; `delimiter` (the command line's) before its own."""
        if ruleset is None:
            return cls(encoding, delimiter)
        data = ruleset.data
        keys: list[tuple[str, str]] = []
        if data is not None:
            keys = [(k, h) for k in KEY_COLUMNS if (h := getattr(data.columns, k))]
            delimiter = delimiter or data.delimiter
        conventions = (Conventions(data.decimal, data.date_format) if data is not None
                       else Conventions())
        return cls(encoding, delimiter, conventions, tuple(keys), ruleset.indicators)

    def column(self, header: str) -> str:
        """The name a header stands for: a key column's or an indicator's id when the
        header is one of its declared names (its title, "title (unit)", any case), else
        the header itself (in NFC, trimmed)."""
        return self._names.get(_folded(header), unicodedata.normalize("NFC", header).strip())

    def spec(self, indicator: str) -> IndicatorSpec | None:
        return next((s for s in self.indicators if s.id == indicator), None)

    def header_of(self, key: str) -> str:
        """What the data calls a key column."""
        return dict(self.key_headers).get(key, key)

    def cell_value(self, indicator: str, text: str) -> tuple[int, int, str]:
        """(mantissa, decimals, "number" or "date") of a non-blank cell; raises
        `Unreadable` with what is wrong and what to do."""
        spec = self.spec(indicator)
        kind = spec.kind if spec is not None else None
        if kind == "yesno" and text.strip().casefold() in YES_NO:
            return YES_NO[text.strip().casefold()], 0, "number"
        if kind != "date":
            try:
                mantissa, decimals = read_number(text, self.conventions, percent=kind == "percent")
                return mantissa, decimals, "number"
            except NotANumber:
                if kind is not None:
                    raise Unreadable(_("'{text}' is not a number; {indicator} is a {kind}")
                                     .format(text=text.strip(), indicator=indicator,
                                             kind=_kind_name(kind))) from None
        return read_date(text, self.conventions), 0, "date"


def _kind_name(kind: str) -> str:
    return {"number": _("number"), "count": _("count (a whole number, 0 or more)"),
            "percent": _("percentage"), "date": _("date"),
            "yesno": _("yes/no (1 or 0)")}.get(kind, kind)


def indicator_label(indicator: str, reading: Reading) -> str:
    """'Thu ngân sách (thu_ngan_sach)': the title a person knows, and the id."""
    spec = reading.spec(indicator)
    return f"{spec.title} ({indicator})" if spec is not None else indicator


def check_declared(data: Dataset, reading: Reading, place: Place,
                   skip: Iterable[tuple[int, str]] = ()) -> tuple[Dataset, list[Problem]]:
    """The data with each declared blank filled in (`missing = 0`), and a problem for
    every cell that breaks its declaration: of the wrong kind, outside min..max, or blank
    where `missing = "error"`. `skip`: cells already reported (unreadable text)."""
    skipped = set(skip)
    problems: list[Problem] = []
    columns = dict(data.indicators)
    for spec in reading.indicators:
        column = columns.get(spec.id)
        if column is None:
            continue        # absent: the engine says which criterion needs it
        bad: list[tuple[np.ndarray, str]] = []
        present = ~column.missing
        if spec.kind == "date":
            if column.kind != "date":
                bad.append((present, _("not a date; write 2025-03-15 or the declared "
                                       "[data] date_format")))
        elif column.kind == "date":
            bad.append((present, _("a date where a {kind} is expected")
                        .format(kind=_kind_name(spec.kind))))
        else:
            one = 10 ** column.scale
            values = column.values
            if spec.kind == "count":
                bad.append((present & ((values % one != 0) | (values < 0)),
                            _("a count is a whole number, 0 or more")))
            elif spec.kind == "yesno":
                bad.append((present & (values != 0) & (values != one),
                            _("write 1 for yes or 0 for no")))
            for bound, above in ((spec.min, False), (spec.max, True)):
                if bound is None:
                    continue
                scale = max(column.scale, decimals_of(bound))
                exact, limit = column.at_scale(scale), int(bound.scaleb(scale))
                bad.append((present & ((exact > limit) if above else (exact < limit)),
                            _("outside the allowed range {low}..{high}; correct the value, or "
                              "the range under [indicators.{id}]")
                            .format(low=_shown(spec.min), high=_shown(spec.max), id=spec.id)))
        if spec.missing == "error":
            bad.append((column.missing, _("blank; enter the value, or declare what a blank "
                                          "means under [indicators.{id}] (missing = 0)")
                        .format(id=spec.id)))
        for mask, message in bad:
            for row in np.flatnonzero(mask).tolist():
                if (row, spec.id) in skipped:
                    continue
                file, line, where = place(row, spec.id)
                shown = _cell_text(column, row)
                problems.append(Problem(
                    f"{indicator_label(spec.id, reading)}"
                    + (f" = {shown}" if shown else "") + f": {message}",
                    file, line, where))
        if isinstance(spec.missing, Decimal) and column.missing.any():
            columns[spec.id] = _filled(column, spec.missing)
    if columns != dict(data.indicators):
        data = attrs.evolve(data, indicators=columns)
    return data, problems


def _shown(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _cell_text(column: Column, row: int) -> str:
    if column.missing[row]:
        return ""
    if column.kind == "date":
        return datetime.date.fromordinal(int(column.values[row])).isoformat()
    return _shown(Decimal(format_units(int(column.values[row]), column.scale)))


def _filled(column: Column, value: Decimal) -> Column:
    """The column with its blanks read as `value`, at a scale that holds both exactly."""
    scale = max(column.scale, decimals_of(value))
    values = column.at_scale(scale).copy()
    values[column.missing] = int(value.scaleb(scale))
    return Column(values, scale, np.zeros(len(values), bool), column.kind)


def unit_place(data: Dataset, reading: Reading) -> Place:
    """The place of a cell when a loader knows only the unit's line (any format)."""

    def place(row: int, indicator: str) -> tuple[str, int | None, str]:
        unit = data.unit_ids[row]
        return data.source, data.lines.get(unit), _("unit {unit}").format(unit=unit)

    return place


def refuse(problems: list[Problem]) -> None:
    """Raise every problem at once, in file and line order (the first CAP, then how many
    more), if any."""
    if not problems:
        return
    # in the order a person fixes them: file by file, top to bottom (a problem without a
    # line, as a workbook's cell, keeps its place after the lines of its file)
    problems = sorted(problems, key=lambda p: (p.file, p.line if p.line is not None else 1 << 62))
    shown = problems[:CAP]
    more = len(problems) - CAP
    if more > 0:
        shown.append(Problem(ngettext("and {n} more problem in the data",
                                      "and {n} more problems in the data", more).format(n=more)))
    raise DataError(shown)


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
