"""Numbers and dates as a spreadsheet writes them, read under the conventions the
ruleset declares (`[data] decimal`, `date_format`), never guessed.

`12.000` is twelve thousand in Vietnamese and twelve in English: with `decimal = ","`
the point groups thousands (13.000,5 is 13000.5), with `decimal = "."` the comma does,
and with neither declared a value that the two read differently is refused with the
key to set. A value both read alike (7,25; 7.25; 1500) needs no declaration.
"""

from __future__ import annotations

import datetime
import re
from typing import Literal

from attrs import frozen

from emuscore.exact import NotANumber, parse_decimal
from emuscore.i18n import _

Decimal = Literal[",", "."]

_PLAIN = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)", re.ASCII)
# one mark between 1-3 digits (no leading zero) and exactly three: 12.000, 1,234
_AMBIGUOUS = re.compile(r"[+-]?[1-9]\d{0,2}[.,]\d{3}", re.ASCII)
_GROUPED = {
    ",": re.compile(r"[+-]?((\d{1,3}(\.\d{3})+|\d+)(,\d*)?|,\d+)", re.ASCII),
    ".": re.compile(r"[+-]?((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)", re.ASCII),
}
_NUMERIC = re.compile(r"[+-]?[\d.,]*\d[\d.,]*", re.ASCII)
_DATE_FORMATS = {
    "dd/mm/yyyy": re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})", re.ASCII),
    "dd-mm-yyyy": re.compile(r"(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})", re.ASCII),
    "dd.mm.yyyy": re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})", re.ASCII),
    "mm/dd/yyyy": re.compile(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})", re.ASCII),
}
_DATE_LIKE = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}", re.ASCII)


class Unreadable(ValueError):
    """A value that is not readable under the declared conventions; the message says
    what is wrong and what to do."""


@frozen
class Conventions:
    """How the data writes numbers and dates (the ruleset's `[data]`)."""

    decimal: Decimal | None = None
    date_format: str = "yyyy-mm-dd"


MAX_DIGITS = 40
"""The longest number a data cell may hold (digits); longer ones are refused, not parsed."""


def read_number(text: str, conventions: Conventions, percent: bool = False) -> tuple[int, int]:
    """(mantissa, decimals) of a number written under `conventions`: '13.000,5' with
    decimal ',' is (130005, 1). `percent`: a trailing % is allowed (96,0% is 96.0).
    Raises `NotANumber` for text that is no number at all (perhaps a date), and
    `Unreadable` for a number the conventions do not settle."""
    s = text.strip()
    if not s.isascii() and any(c.isdigit() and not c.isascii() for c in s):
        raise Unreadable(_("'{text}' has digits that are not 0-9 (full-width or Arabic-Indic); "
                           "retype the number with ordinary digits").format(text=s[:40]))
    if len(s) > MAX_DIGITS + 2 and sum(c.isdigit() for c in s) > MAX_DIGITS:
        raise Unreadable(_("a number of {n} digits; at most {most} (is the cell two numbers run "
                           "together?)").format(n=sum(c.isdigit() for c in s), most=MAX_DIGITS))
    if s.endswith("%"):
        if not _NUMERIC.fullmatch(s[:-1].strip()):
            raise NotANumber(text)
        if not percent:
            raise Unreadable(_("'{text}' is a percentage; declare the indicator with "
                               "kind = \"percent\" under [indicators] to read it as {number}")
                             .format(text=text.strip(), number=s[:-1].strip()))
        s = s[:-1].strip()
    if conventions.decimal is None:
        if _AMBIGUOUS.fullmatch(s):
            mark = "." if "." in s else ","
            whole, _mark, frac = s.lstrip("+-").partition(mark)
            raise Unreadable(_("'{text}' is {small} with a decimal '{mark}' but {big} with "
                               "'{mark}' grouping thousands; declare which in the ruleset: "
                               "[data] decimal = \"{other}\" (then it is {big}) or "
                               "decimal = \"{mark}\"")
                             .format(text=s, small=f"{whole}{mark}{frac}".rstrip("0").rstrip(mark),
                                     big=whole + frac, mark=mark,
                                     other="," if mark == "." else "."))
        if _PLAIN.fullmatch(s):
            return parse_decimal(s)
        for mark, pattern in _GROUPED.items():
            if pattern.fullmatch(s):
                raise Unreadable(_("'{text}' groups thousands; declare how the data writes "
                                   "numbers in the ruleset: [data] decimal = \"{mark}\"")
                                 .format(text=s, mark=mark))
    else:
        mark = conventions.decimal
        if _GROUPED[mark].fullmatch(s):
            group = "." if mark == "," else ","
            return parse_decimal(s.replace(group, "").replace(mark, "."))
    if _NUMERIC.fullmatch(s):
        if conventions.decimal is None:
            raise Unreadable(_("'{text}' is not a number (write 7,25 or 7.25 without grouping, "
                               "or declare [data] decimal in the ruleset)").format(text=s))
        raise Unreadable(_("'{text}' is not a number with the declared [data] decimal = "
                           "\"{mark}\" (e.g. {example})")
                         .format(text=s, mark=conventions.decimal,
                                 example="13.000,5" if conventions.decimal == "," else "13,000.5"))
    raise NotANumber(text)


def ungrouped(text: str, decimal: Decimal) -> str | None:
    """A number grouped by thousands under the decimal mark `decimal` without its
    grouping marks ('13.000,5' -> '13000,5' for ','), as `read_number` reads it; None if
    the text is not such a number."""
    s = text.strip()
    if not _GROUPED[decimal].fullmatch(s):
        return None
    return s.replace("." if decimal == "," else ",", "")


def read_date(text: str, conventions: Conventions) -> int:
    """A date as its proleptic Gregorian ordinal: ISO 2025-03-15 always, or the declared
    `date_format` (15/03/2025 for dd/mm/yyyy). Raises `Unreadable` for anything else."""
    s = text.strip()
    try:
        return datetime.date.fromisoformat(s).toordinal() if len(s) == 10 else _no_iso(s)
    except ValueError:
        pass
    pattern = _DATE_FORMATS.get(conventions.date_format)
    found = pattern.fullmatch(s) if pattern else None
    if found:
        try:
            return datetime.date(int(found["y"]), int(found["m"]), int(found["d"])).toordinal()
        except ValueError:
            raise Unreadable(_("'{text}' is not a day of the calendar ({format})")
                             .format(text=s, format=conventions.date_format)) from None
    if _DATE_LIKE.fullmatch(s):
        raise Unreadable(_("'{text}' is not a date in the declared format {format}; if the data "
                           "writes the day first, declare [data] date_format = \"dd/mm/yyyy\" in "
                           "the ruleset").format(text=s, format=conventions.date_format))
    raise Unreadable(_("'{text}' is not a number or a date (write 7,25 or 2025-03-15)")
                     .format(text=s))


def _no_iso(text: str) -> int:
    raise ValueError(text)
