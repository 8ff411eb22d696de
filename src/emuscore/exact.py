"""Exact fixed-point arithmetic: every score is an integer count of 10**-scale points.

Scores never pass through a float. Inputs arrive as decimal text and become integers
at a column's own scale; a scorer builds one exact numerator and denominator and
divides once, with the ruleset's rounding mode (`div_round`). Arrays are int64 while
the numbers provably fit, and Python-int object arrays (exact, slower) otherwise.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Literal, TypeAlias

import numpy as np
from attrs import frozen

Rounding: TypeAlias = Literal["half-up", "half-even", "down", "up"]
ROUNDING_MODES: tuple[Rounding, ...] = ("half-up", "half-even", "down", "up")

# Products are checked against this before they are formed in int64 (2**63 - 1 is
# the true limit; the margin leaves room for the 2*r of half-rounding).
INT64_ROOM = 2**61

IntArray: TypeAlias = np.ndarray[Any, Any]

_NUMBER = re.compile(r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)")  # ASCII digits only


class NotANumber(ValueError):
    """Raised by `parse_decimal` for text that is not a plain decimal number."""


def parse_decimal(text: str) -> tuple[int, int]:
    """'-7,25' -> (-725, 2): the integer mantissa and the count of decimals.

    Accepts a decimal point or a decimal comma (Vietnamese Excel writes 7,25), a sign
    and surrounding spaces; no thousands separators, exponents, inf or nan."""
    s = text.strip()
    if not _NUMBER.fullmatch(s):
        raise NotANumber(text)
    s = s.replace(",", ".")
    whole, _, frac = s.partition(".")
    sign = -1 if whole.startswith("-") else 1
    digits = whole.lstrip("+-") + frac
    return sign * int(digits or "0"), len(frac)


def to_units(value: Decimal, scale: int) -> int:
    """A Decimal as an exact integer of 10**-scale units; raises if it does not fit."""
    scaled = value.scaleb(scale)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than {scale} decimals")
    return int(scaled)


def ceil_units(value: Decimal, scale: int) -> int:
    """The least whole number of 10**-scale units that is >= value."""
    return int(value.scaleb(scale).to_integral_value(rounding="ROUND_CEILING"))


def floor_units(value: Decimal, scale: int) -> int:
    """The greatest whole number of 10**-scale units that is <= value."""
    return int(value.scaleb(scale).to_integral_value(rounding="ROUND_FLOOR"))


def decimals_of(value: Decimal) -> int:
    """How many decimals a parameter needs to be an exact integer (0 for 5, 2 for 0.05)."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int), "parameters are finite"
    return max(0, -exponent)


def format_units(units: int, scale: int) -> str:
    """12345, 2 -> '123.45'; -5, 2 -> '-0.05'."""
    if scale == 0:
        return str(units)
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**scale)
    return f"{sign}{whole}.{frac:0{scale}d}"


def format_column(values: IntArray, scale: int) -> list[str]:
    """`format_units` of every value, with the arithmetic done on the whole array."""
    if values.dtype == object or scale == 0:
        return [format_units(int(v), scale) for v in values.tolist()]
    whole, frac = np.divmod(np.abs(values), 10**scale)
    sign = np.where(values < 0, "-", "").tolist()
    return [f"{s}{w}.{f:0{scale}d}" for s, w, f in zip(sign, whole.tolist(), frac.tolist(),
                                                       strict=True)]


def units_to_decimal(units: int, scale: int) -> Decimal:
    return Decimal(units).scaleb(-scale)


def div_round(num: IntArray, den: IntArray | int, mode: Rounding) -> IntArray:
    """num / den rounded to an integer, element by element, with `decimal`'s meaning
    of the mode: half-up and up round away from zero, down toward zero, half-even
    to the even neighbour. den must be positive."""
    negative = num < 0
    magnitude = np.abs(num)
    q = magnitude // den
    r = magnitude - q * den
    if mode == "up":
        q = q + (r > 0)
    elif mode == "half-up":
        q = q + (2 * r >= den)
    elif mode == "half-even":
        q = q + ((2 * r > den) | ((2 * r == den) & (q % 2 == 1)))
    rounded: IntArray = np.where(negative, -q, q)
    return rounded


def max_abs(values: IntArray) -> int:
    """The largest magnitude in an integer array, as a Python int (0 if empty)."""
    if values.size == 0:
        return 0
    if values.ndim == 1 and values.strides[0] == 0:     # one value, broadcast
        return abs(int(values[0]))
    return int(max(abs(int(values.max())), abs(int(values.min()))))


def widen(bound: int, *arrays: IntArray) -> list[IntArray]:
    """The arrays unchanged while `bound` (the largest intermediate a formula can make
    from them) fits int64, else as Python-int object arrays, which cannot overflow."""
    if bound < INT64_ROOM:
        return list(arrays)
    return [a.astype(object) for a in arrays]


def rescale(values: IntArray, from_scale: int, to_scale: int) -> IntArray:
    """Integers at one scale to a finer or equal scale (exact: a multiplication)."""
    assert to_scale >= from_scale
    if to_scale == from_scale:
        return values
    factor = 10 ** (to_scale - from_scale)
    (values,) = widen(max_abs(values) * factor, values)
    scaled: IntArray = values * factor
    return scaled


@frozen(eq=False)
class Column:
    """One indicator for every unit: exact integers of 10**-scale, and which are missing.

    `kind` is "number" or "date" (dates are day numbers, proleptic Gregorian ordinals)."""

    values: IntArray
    scale: int
    missing: np.ndarray[Any, np.dtype[np.bool_]]
    kind: Literal["number", "date"] = "number"

    def at_scale(self, scale: int) -> IntArray:
        return rescale(self.values, self.scale, scale)

    def decimal(self, unit: int) -> Decimal | None:
        """One unit's value as a Decimal (None when missing), for explanations."""
        if self.missing[unit]:
            return None
        return units_to_decimal(int(self.values[unit]), self.scale)


def order_by(*keys: IntArray) -> IntArray:
    """The indices that sort by `keys`, the first the most significant, stably: what
    `np.lexsort(keys[::-1])` gives, but with neighbouring keys packed into one int64 while
    their value ranges multiply to under 2**62 (lexsort's cost grows with each key)."""
    packed: list[IntArray] = []
    span = 0
    for key in keys:
        if not len(key) or key.dtype == object:
            packed.append(key)
            span = 0
            continue
        low = int(key.min())
        width = int(key.max()) - low + 1
        if packed and span and span * width < 2**62:
            packed[-1] = packed[-1] * width + (key - low)
            span *= width
        elif width < 2**62:
            packed.append(key - low)
            span = width
        else:
            packed.append(key)
            span = 0
    if len(packed) == 1:
        return np.argsort(packed[0], kind="stable")
    return np.lexsort(packed[::-1])
