"""The Decimal oracle: each scorer's formula written the plain way, with exact fractions,
rounded once at the end. Independent of the engine's integer arithmetic."""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

MODES = {"half-up": decimal.ROUND_HALF_UP, "half-even": decimal.ROUND_HALF_EVEN,
         "down": decimal.ROUND_DOWN, "up": decimal.ROUND_UP}
CONTEXT = decimal.Context(prec=300)


def rounded(value: Fraction | Decimal | int, scale: int = 2, mode: str = "half-up") -> Decimal:
    """An exact value rounded once: one long division, then quantize (a tie is exact in
    300 digits; a non-tie is never within 10**-250 of one for these denominators)."""
    value = Fraction(value)
    with decimal.localcontext(CONTEXT):
        quotient = Decimal(value.numerator) / Decimal(value.denominator)
        return quotient.quantize(Decimal(1).scaleb(-scale), MODES[mode])


def F(x: Decimal | int | str) -> Fraction:
    return Fraction(Decimal(x))


def attainment(a, t, ms, *, direction="higher", below=1, per_percent=0, cap=0) -> Fraction:
    a, t, ms, below = max(F(a), Fraction(0)), F(t), F(ms), F(below)
    per_percent, cap = F(per_percent), F(cap)
    if direction == "higher":
        if a >= t:
            return ms + min(per_percent * 100 * (a - t) / t, cap)
        return ms * below * a / t
    if a <= t:
        return ms + min(per_percent * 100 * (t - a) / t, cap)
    return ms * below * t / a


def bands(v, thresholds, otherwise=0) -> Fraction:
    for at_least, points in thresholds:
        if F(v) >= F(at_least):
            return F(points)
    return F(otherwise)


def per_occurrence(count, points, ms) -> Fraction:
    return min(F(count) * F(points), F(ms))


def on_time(on_time_count, dossiers, ms) -> Fraction:
    return F(ms) * F(on_time_count) / F(dossiers)


def late_days(days_late, per_day, ms) -> Fraction:
    return F(ms) - min(F(per_day) * max(F(days_late), Fraction(0)), F(ms))


def processing(days, norm, ms) -> Fraction:
    return F(ms) if F(days) <= F(norm) else F(ms) * F(norm) / F(days)


def share(part, whole, target, ms) -> Fraction:
    ratio = F(part) / F(whole)
    return F(ms) if ratio >= F(target) else F(ms) * ratio / F(target)


def accuracy(counts_and_points, ms) -> Fraction:
    return max(F(ms) - sum((F(c) * F(p) for c, p in counts_and_points), Fraction(0)), Fraction(0))
