"""A column of a run record as one text: every unit's value, comma-separated, in unit order.

`"7.00,8.50,,-0.05"` is four units' values at scale 2, the third missing. A number is
`format_units` of its fixed-point integer (at least one digit before the point, exactly
`scale` after it, a `-` for a negative); a date is ISO (`2024-03-02`); a missing value
is empty. One text per column instead of a JSON list of texts keeps a national record
(a million units, a hundred columns) a hundred texts rather than a hundred million, and
lets both directions run on whole arrays: this module turns int64 arrays into that text
and back without a Python step per value (object arrays of larger integers, and dates,
take the plain path).
"""

from __future__ import annotations

import datetime
import warnings

import numpy as np

from emuscore.exact import INT64_ROOM, IntArray, format_units
from emuscore.i18n import _

SEPARATOR = ","
_EPOCH = datetime.date(1970, 1, 1).toordinal()
_DIGITS = 19
"""Digits of the largest int64 value a column holds (INT64_ROOM = 2**61 has 19)."""


def pack_numbers(values: IntArray, scale: int, missing: IntArray | None = None) -> str:
    """The column text of fixed-point integers at `scale` (`missing`: a bool array)."""
    if values.dtype == object or len(values) == 0:
        return SEPARATOR.join(
            "" if missing is not None and missing[i] else format_units(int(v), scale)
            for i, v in enumerate(values.tolist()))
    values = values.astype(np.int64, copy=False)
    negative = values < 0
    magnitude = np.abs(values)
    # as many digit positions as the largest value needs, and one before the point at least
    most = max(len(str(int(magnitude.max()))), scale + 1)
    powers = 10 ** np.arange(most, dtype=np.int64)
    shown = np.maximum(1 + np.searchsorted(powers[1:], magnitude, side="right"), scale + 1)
    whole = most - scale            # positions before the point
    width = 1 + whole + (1 if scale else 0) + scale + 1       # sign, digits, point, separator
    chars = np.empty((len(values), width), np.uint8)
    keep = np.zeros((len(values), width), bool)
    chars[:, 0], keep[:, 0] = ord("-"), negative
    digits = ((magnitude[:, None] // powers[::-1]) % 10).astype(np.uint8) + ord("0")
    chars[:, 1:1 + whole] = digits[:, :whole]
    keep[:, 1:1 + whole] = np.arange(whole) >= (most - shown)[:, None]
    if scale:
        chars[:, 1 + whole], keep[:, 1 + whole] = ord("."), True
        chars[:, 2 + whole:2 + whole + scale] = digits[:, whole:]
        keep[:, 2 + whole:2 + whole + scale] = True
    chars[:, -1], keep[:, -1] = ord(SEPARATOR), True
    if missing is not None:
        keep[missing, :-1] = False
    return chars[keep].tobytes()[:-1].decode("ascii")


def pack_dates(ordinals: IntArray, missing: IntArray) -> str:
    """The column text of dates given as `date.toordinal()` numbers."""
    days = (np.asarray(ordinals, np.int64) - _EPOCH).astype("datetime64[D]")
    shown = np.datetime_as_string(days).tolist()
    return SEPARATOR.join("" if m else t for t, m in zip(shown, missing.tolist(), strict=True))


def pack_texts(texts: list[str | None]) -> str:
    """The column text of values already written out (None: missing)."""
    return SEPARATOR.join("" if t is None else t for t in texts)


def unpack_texts(text: str) -> list[str | None]:
    """Every unit's value text, None where it is missing (the inverse of `pack_texts`)."""
    return [t or None for t in text.split(SEPARATOR)]


class NotAColumn(ValueError):
    """The text is not a column of this kind, scale and length."""


def check(text: str, kind: str, scale: int | None, size: int, longest: int | None = None) -> None:
    """Raise NotAColumn unless `text` is `size` values of `kind` at `scale` (and none
    longer than `longest` characters); `scale` None: any decimal number text."""
    raw, starts, ends = _segments(text)
    lengths = ends - starts
    if len(ends) != size:
        raise NotAColumn(_("it has {n} values for {size} units").format(n=len(ends), size=size))
    if longest is not None and lengths.max(initial=0) > longest:
        raise NotAColumn(_("it has a value of more than {most} characters").format(most=longest))
    ok = _dates_ok(raw, starts, lengths) if kind == "date" else _numbers_ok(raw, starts, ends,
                                                                             scale)
    if not ok.all():
        bad = text.split(SEPARATOR)[int(np.flatnonzero(~ok)[0])]
        raise NotAColumn(_("{value} is not a date").format(value=repr(bad[:40])) if kind == "date"
                         else _("{value} is not a number at scale {scale}").format(
                             value=repr(bad[:40]), scale=scale))


def _segments(text: str) -> tuple[IntArray, IntArray, IntArray]:
    """The column's bytes (and a closing separator), and where each value starts and ends."""
    try:
        raw = np.frombuffer(text.encode("ascii") + SEPARATOR.encode(), np.uint8)
    except UnicodeEncodeError:
        bad = next(t for t in text.split(SEPARATOR) if not t.isascii())
        raise NotAColumn(_("{value} is not a value").format(value=repr(bad[:40]))) from None
    ends = np.flatnonzero(raw == ord(SEPARATOR))
    starts = np.concatenate(([0], ends[:-1] + 1))
    return raw, starts, ends


_CLASS = np.full(256, 4, np.uint8)      # 0 digit, 1 point, 2 minus, 3 separator, 4 other
_CLASS[ord("0"):ord("9") + 1], _CLASS[ord(".")], _CLASS[ord("-")] = 0, 1, 2
_CLASS[ord(SEPARATOR)] = 3


def _numbers_ok(raw: IntArray, starts: IntArray, ends: IntArray, scale: int | None) -> IntArray:
    """Which values are `-?digits[.digits]` with exactly `scale` decimals (any, for None);
    each test is one pass over the column or over its signs and points, not per value."""
    kind = _CLASS[raw]
    lengths = ends - starts
    present = lengths > 0
    last = len(raw) - 1
    negative = present & (raw[np.minimum(starts, last)] == ord("-"))
    ok = present.copy()
    bad = np.flatnonzero(kind == 4)
    ok[np.searchsorted(ends, bad)] = False                  # a character no number has
    minus = np.flatnonzero(kind == 2)
    stray = minus[(minus != 0) & (raw[np.maximum(minus - 1, 0)] != ord(SEPARATOR))]
    ok[np.searchsorted(ends, stray)] = False                # a minus not in front
    first_digit = raw[np.minimum(starts + negative, last)]
    ok &= (first_digit >= ord("0")) & (first_digit <= ord("9"))
    points = np.flatnonzero(kind == 1)
    if scale and len(points) == np.count_nonzero(present):
        owner = twice = points[:0]      # the usual case, settled below without looking them up
    else:
        owner = np.searchsorted(ends, points)               # the value each point is in
        twice = owner[1:][owner[1:] == owner[:-1]]          # values with a second point
    if scale is None:           # one point at most, and a digit at the end
        ok[twice] = False
        end_char = raw[np.maximum(ends - 1, 0)]
        ok &= (end_char >= ord("0")) & (end_char <= ord("9"))
    elif scale == 0:
        ok[owner] = False
    else:                       # one point, exactly `scale` digits after it
        at = raw[np.maximum(ends - scale - 1, 0)] == ord(".")
        ok &= at & (lengths - scale - 1 - negative >= 1)
        if len(points) != np.count_nonzero(present):    # else each value has just its one
            ok[owner[points != ends[owner] - scale - 1]] = False
            ok[twice] = False
    return np.asarray(~present | ok)


def _dates_ok(raw: IntArray, starts: IntArray, lengths: IntArray) -> IntArray:
    present = lengths > 0
    ok = lengths == 10
    where = np.minimum(starts[:, None] + np.arange(10), len(raw) - 1)
    chars = raw[where]
    dash = np.zeros(10, bool)
    dash[[4, 7]] = True
    ok &= ((chars == ord("-")) == dash).all(axis=1)
    ok &= ((chars >= ord("0")) & (chars <= ord("9")) | dash).all(axis=1)
    return np.asarray(~present | ok)


def unpack_numbers(text: str, scale: int) -> tuple[IntArray, IntArray]:
    """The fixed-point integers and the missing mask of a checked number column."""
    _, starts, ends = _segments(text)
    missing = ends == starts
    if (ends - starts).max(initial=0) > _DIGITS - 1:     # may not fit int64: exact integers
        return _unpack_big(text, len(ends))
    digits = text.replace(".", "") if scale else text
    if missing.any():
        digits = SEPARATOR.join(t or "0" for t in digits.split(SEPARATOR))
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # numpy warns, and stops, at text it cannot read
        try:
            values = np.fromstring(digits, dtype=np.int64, sep=SEPARATOR)
        except (DeprecationWarning, ValueError):
            return _unpack_big(text, len(ends))
    if len(values) != len(ends) or np.abs(values).max(initial=0) >= INT64_ROOM:
        return _unpack_big(text, len(ends))
    values[missing] = 0
    return values, missing


def _unpack_big(text: str, size: int) -> tuple[IntArray, IntArray]:
    shown = text.split(SEPARATOR)
    missing = np.array([not t for t in shown], bool)
    values = [int(t.replace(".", "")) if t else 0 for t in shown]
    big = max(map(abs, values), default=0) >= INT64_ROOM
    return np.array(values, dtype=object if big else np.int64), missing


def unpack_dates(text: str) -> tuple[IntArray, IntArray]:
    """The `toordinal()` numbers and the missing mask of a checked date column; raises
    NotAColumn for an impossible date such as 2024-02-30."""
    shown = text.split(SEPARATOR)
    missing = np.array([not t for t in shown], bool)
    try:
        days = np.array([t or "1970-01-01" for t in shown], "datetime64[D]")
        ordinals = np.where(missing, 0, days.astype(np.int64) + _EPOCH)   # 0: as loaded
        # numpy reads a day past a month's end as an error, but check the round trip anyway
        if np.datetime_as_string(days).tolist() != [t or "1970-01-01" for t in shown]:
            raise ValueError
    except ValueError:
        bad = next(t for t in shown if t and not _real_date(t))
        raise NotAColumn(_("{value} is an impossible date").format(value=repr(bad))) from None
    return ordinals, missing


def _real_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True
