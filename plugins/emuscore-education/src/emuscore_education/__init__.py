"""emuscore scorers for the education sector (khối giáo dục), written with emuscore's
per-unit API: one plain function per criterion on a unit's `Decimal` values.

- `pass_rate`: students passing (or graduating) against a target rate;
- `teacher_standards`: share of teachers rated at or above the professional standard
  (chuẩn nghề nghiệp giáo viên), in bands;
- `standard_schools`: share of schools meeting national standards (trường đạt chuẩn
  quốc gia) against the unit's own target, with an optional capped bonus over it.

Rates are never computed first and multiplied after: each score is one exact fraction
of the counts, rounded once by emuscore with the ruleset's rounding.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from attrs import field, frozen

from emuscore.plugin import DataError, Indicator, Ruleset, Scorer, hookimpl, scorer

__version__ = "1.0.0"

Values = Mapping[str, Decimal | None]


def _percent(instance: Any, attribute: Any, value: Decimal) -> None:
    if not Decimal(0) < value <= 100:
        raise ValueError(f"{attribute.name} is a percentage: more than 0, at most 100")


def _counts(values: Values, *names: str) -> list[Decimal]:
    """The named counts, which must be present and not negative."""
    out = []
    for name in names:
        value = values[name]
        if value is None:
            raise DataError(f"no value for '{name}'; enter it (0 if none)")
        if value < 0:
            raise DataError(f"'{name}' is {value}; a count cannot be negative")
        out.append(value)
    return out


def _share(part: Decimal, whole: Decimal, part_name: str, whole_name: str) -> Fraction:
    """part / whole as an exact percentage."""
    if whole == 0:
        raise DataError(f"'{whole_name}' is 0, so the share of {part_name} is undefined")
    if part > whole:
        raise DataError(f"'{part_name}' ({part}) is more than '{whole_name}' ({whole})")
    return Fraction(part) * 100 / Fraction(whole)


# --- pass_rate -------------------------------------------------------------------------

@frozen
class PassRateParams:
    passed: Indicator
    """Students who passed (or graduated)."""
    candidates: Indicator
    """Students who sat the exam (or were in the final year)."""
    target: Decimal = field(validator=_percent)
    """The target rate in percent, e.g. 98.5."""


def _explain_pass_rate(params: PassRateParams, values: Values, max: Decimal) -> list[str]:
    passed, candidates = _counts(values, "passed", "candidates")
    rate = _share(passed, candidates, "passed", "candidates")
    if rate >= Fraction(params.target):
        return [f"rate {passed}/{candidates} reaches the target {params.target}%: {max}"]
    return [f"rate {passed}/{candidates} is below the target {params.target}%: "
            f"{max} x {passed} x 100 / ({candidates} x {params.target})"]


@scorer(name="pass_rate", params=PassRateParams, explain=_explain_pass_rate)
def pass_rate(params: PassRateParams, values: Values, max: Decimal) -> Decimal:
    """Students passing against a target rate: full points at or above it, in proportion below."""
    passed, candidates = _counts(values, "passed", "candidates")
    _share(passed, candidates, "passed", "candidates")
    if passed * 100 >= params.target * candidates:
        return max
    return max * passed * 100 / (candidates * params.target)      # one division, last


# --- teacher_standards -----------------------------------------------------------------

@frozen
class Band:
    at_least: Decimal
    """Share of teachers, in percent."""
    points: Decimal


def _descending(instance: Any, attribute: Any, bands: tuple[Band, ...]) -> None:
    shares = [b.at_least for b in bands]
    if not bands or shares != sorted(shares, reverse=True) or len(set(shares)) != len(shares):
        raise ValueError("bands must be listed from the highest at_least down, each different")


@frozen
class TeacherStandardsParams:
    meeting: Indicator
    """Teachers rated at or above the professional standard."""
    teachers: Indicator
    bands: tuple[Band, ...] = field(validator=_descending)


@scorer(name="teacher_standards", params=TeacherStandardsParams)
def teacher_standards(params: TeacherStandardsParams, values: Values, max: Decimal) -> Decimal:
    """Share of teachers meeting the professional standard, in bands (first band reached)."""
    meeting, teachers = _counts(values, "meeting", "teachers")
    share = _share(meeting, teachers, "meeting", "teachers")
    return next((b.points for b in params.bands if share >= Fraction(b.at_least)), Decimal(0))


# --- standard_schools ------------------------------------------------------------------

@frozen
class Bonus:
    per_percent: Decimal
    """Points per percentage point over the target."""
    cap: Decimal


@frozen
class StandardSchoolsParams:
    standard: Indicator
    """Schools recognised as meeting national standards."""
    schools: Indicator
    target: Indicator
    """The unit's own target share, in percent (each district has its plan)."""
    bonus: Bonus | None = None


def _standard_schools_bounds(params: StandardSchoolsParams, max: Decimal) -> tuple[Decimal, Decimal]:
    return Decimal(0), max + (params.bonus.cap if params.bonus else 0)


@scorer(name="standard_schools", params=StandardSchoolsParams,
                 bounds=_standard_schools_bounds)
def standard_schools(params: StandardSchoolsParams, values: Values, max: Decimal) -> Fraction:
    """Share of schools meeting national standards against the unit's target: in proportion
    below it, full points at it, plus a capped bonus per percentage point over it."""
    standard, schools, target = _counts(values, "standard", "schools", "target")
    share = _share(standard, schools, "standard", "schools")
    if target == 0:
        raise DataError("'target' is 0; a target share must be more than 0")
    if share < Fraction(target):
        return Fraction(max) * share / Fraction(target)
    if params.bonus is None:
        return Fraction(max)
    over = Fraction(params.bonus.per_percent) * (share - Fraction(target))
    return Fraction(max) + min(over, Fraction(params.bonus.cap))


SCORERS: tuple[Scorer[Any], ...] = (pass_rate, teacher_standards, standard_schools)


@hookimpl
def register_scorers(register: Callable[[Scorer[Any]], None]) -> None:
    for each in SCORERS:
        register(each)


@hookimpl
def validate_ruleset(ruleset: Ruleset) -> list[str]:
    """A band cannot give more than its criterion's max."""
    problems = []
    for criterion in ruleset.criteria:
        if criterion.scorer == "teacher_standards":
            params = criterion.params
            assert isinstance(params, TeacherStandardsParams)
            for band in params.bands:
                if band.points > criterion.most:
                    problems.append(f"criterion {criterion.id}: band at_least {band.at_least} "
                                    f"gives {band.points} points, more than its max {criterion.most}")
    return problems
