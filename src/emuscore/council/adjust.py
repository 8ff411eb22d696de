"""Adjustments applied over the year's data without changing it: a new Dataset whose
adjusted cells hold the last stage's value (self, cluster, board, council, in that
order), and the list of changes, each with the value before it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import attrs
import numpy as np

from emuscore.council.decisions import STAGES, Adjustment, Applied
from emuscore.dataset import Dataset
from emuscore.exact import INT64_ROOM, Column, NotANumber, format_units, parse_decimal, rescale
from emuscore.i18n import _
from emuscore.problems import DataError, Problem, did_you_mean


def _text(value: int, scale: int, kind: str) -> str:
    if kind == "date":
        return datetime.date.fromordinal(value).isoformat()
    return format_units(value, scale)


def _parse(a: Adjustment, column: Column) -> tuple[int, int]:
    """(value, decimals) of the adjustment's value, as the column's kind reads it."""
    if column.kind == "date":
        try:
            return datetime.date.fromisoformat(a.value).toordinal(), 0
        except ValueError:
            raise DataError(Problem(_("'{value}' is not a date; {indicator} holds dates (write "
                                      "2024-03-15)").format(value=a.value, indicator=a.indicator),
                                    a.file, a.line or None, "value")) from None
    try:
        return parse_decimal(a.value)
    except NotANumber:
        raise DataError(Problem(_("'{value}' is not a number (write 7.25 or 7,25)").format(
            value=a.value), a.file, a.line or None, "value")) from None


def apply_adjustments(data: Dataset, adjustments: Sequence[Adjustment]
                      ) -> tuple[Dataset, tuple[Applied, ...]]:
    """The dataset with every adjustment applied, stage by stage; an unknown unit or
    indicator, or a value the column cannot hold, is an error naming the line."""
    if not adjustments:
        return data, ()
    index = data.index()
    for a in adjustments:
        if a.unit not in index:
            raise DataError(Problem(_("no unit {unit} in the data{hint}").format(
                unit=a.unit, hint=did_you_mean(a.unit, index)), a.file, a.line or None, "unit_id"))
        if a.indicator not in data.indicators:
            raise DataError(Problem(_("no indicator '{indicator}' in the data{hint}").format(
                indicator=a.indicator, hint=did_you_mean(a.indicator, data.indicators)),
                a.file, a.line or None, "indicator"))
    ordered = sorted(adjustments, key=lambda a: (STAGES.index(a.stage), a.line))
    parsed = [(a, *_parse(a, data.indicators[a.indicator])) for a in ordered]
    columns = dict(data.indicators)
    for name in {a.indicator for a in adjustments}:
        col = columns[name]
        scale = max([col.scale, *(d for a, _v, d in parsed if a.indicator == name)])
        values = rescale(col.values, col.scale, scale).copy()
        missing = col.missing.copy()
        for a, v, d in parsed:
            if a.indicator == name:
                units = v * 10 ** (scale - d)
                if abs(units) >= INT64_ROOM and values.dtype != object:
                    values = values.astype(object)
                values[index[a.unit]] = units
                missing[index[a.unit]] = False
        columns[name] = Column(values, scale, np.asarray(missing, bool), col.kind)
    last = {(a.unit, a.indicator): a for a, _v, _d in parsed}
    applied = []
    before: dict[tuple[str, str], str | None] = {}
    for a, v, d in parsed:
        cell = (a.unit, a.indicator)
        col = data.indicators[a.indicator]
        if cell not in before:
            i = index[a.unit]
            before[cell] = None if col.missing[i] else _text(int(col.values[i]), col.scale, col.kind)
        new = _text(v, d, col.kind)
        applied.append(Applied(a.unit, a.indicator, a.stage, before[cell], new, a.reason, a.by,
                               a.date, last[cell] is not a))
        before[cell] = new
    return attrs.evolve(data, indicators=columns), tuple(applied)
