"""Results out: one row per unit as CSV or JSON, written whole or not at all."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from attrs import frozen

from emuscore.dataset import utf8_matrix
from emuscore.exact import IntArray, NotANumber, format_column, order_by, parse_decimal
from emuscore.hookspecs import hookimpl
from emuscore.io.formats import Writer
from emuscore.problems import EmuscoreError, did_you_mean
from emuscore.result import Result

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


SORTS = ("cluster", "unit_id")


def default_columns(result: Result) -> list[str]:
    """unit_id, name, cluster_id, total, classification, cluster_rank, tied, decided_by,
    awards, then one column per group and per criterion."""
    return ["unit_id", "name", "cluster_id", "total", "classification", "cluster_rank", "tied",
            "decided_by", "awards", *(f"group:{g.id}" for g in result.ruleset.groups),
            *(c.id for c in result.ruleset.criteria)]


@frozen
class Numbers:
    """A numeric column before it becomes text: exact units of 10^-scale."""

    values: IntArray
    scale: int

    def text(self) -> list[str]:
        return format_column(self.values, self.scale)


@frozen
class Texts:
    """Text from the data (ids, names, clusters, classes) in the data's order, and the
    order of the rows to show it in."""

    values: Sequence[str]
    order: IntArray

    def text(self) -> list[str]:
        values = self.values
        return [values[i] for i in self.order.tolist()]


Cells = Numbers | Texts | list[str]


def table(result: Result, columns: Sequence[str] | None = None,
          sort: str = "cluster") -> list[tuple[str, list[str], bool]]:
    """(header, one text per unit, is free text) for each column, built column by column.

    Columns: those of `default_columns`, `deductions`, `bonus`, `criterion:ID`, and
    `award:ID` (headed ID: 1 for a unit proposed for that award, else 0). Units are sorted
    by cluster, then rank, then unit_id (`sort="cluster"`), or by unit_id alone."""
    return [(name, _text(cells), free) for name, cells, free in _table(result, columns, sort)]


def _text(cells: Cells) -> list[str]:
    return cells if isinstance(cells, list) else cells.text()


def _table(result: Result, columns: Sequence[str] | None,
           sort: str) -> list[tuple[str, Cells, bool]]:
    data, ranks = result.data, result.ranks
    if sort == "cluster":
        order = order_by(data.cluster_codes, ranks.rank, data.unit_order)
    elif sort == "unit_id":
        order = np.argsort(data.unit_order)
    else:
        raise EmuscoreError(f"unknown sort '{sort}'; use {' or '.join(SORTS)}")
    return [_column(result, name, order) for name in (columns or default_columns(result))]


def _column(result: Result, name: str, order: IntArray) -> tuple[str, Cells, bool]:
    data, scores, scale = result.data, result.scores, result.ruleset.scale
    prefix, _, ref = name.partition(":")
    text: Sequence[str] | None = None
    numbers: IntArray | None = None
    if name in ("unit_id", "name", "cluster_id", "classification"):
        text = {"unit_id": data.unit_ids, "name": data.names, "cluster_id": data.clusters,
                "classification": result.classes}[name]
    elif name in ("total", "deductions", "bonus"):
        numbers = getattr(scores, name)
    elif name == "cluster_rank":
        return name, Numbers(result.ranks.rank[order], 0), False
    elif name == "tied":
        return name, np.where(result.ranks.tied[order], "yes", "").tolist(), False
    elif name == "decided_by":
        decided = result.ranks.decided_by
        return name, [decided[i] or "" for i in order.tolist()], False
    elif name == "awards":
        held: dict[str, list[str]] = {}
        for p in result.proposals:
            held.setdefault(p.unit, []).append(p.award)
        ids = data.unit_ids
        return name, [";".join(held.get(ids[i], ())) for i in order.tolist()], True
    elif prefix == "group" and ref in scores.groups:
        numbers = scores.groups[ref]
    elif name in scores.criteria or (prefix == "criterion" and ref in scores.criteria):
        numbers = scores.criteria[ref if prefix == "criterion" else name]
    elif prefix == "award" and any(a.id == ref for a in result.ruleset.awards):
        holders = {p.unit for p in result.proposals if p.award == ref}
        given = np.fromiter(map(holders.__contains__, data.unit_ids), bool, data.size)
        return ref, Numbers(given[order].astype(np.int64), 0), False
    if text is not None:
        return name, Texts(text, order), True
    if numbers is None:
        choices = [*default_columns(result), "deductions", "bonus",
                   *(f"award:{a.id}" for a in result.ruleset.awards)]
        raise EmuscoreError(f"unknown column '{name}'{did_you_mean(name, choices)}; columns are "
                            f"{', '.join(choices)}")
    return name, Numbers(numbers[order], scale), False


def rows(result: Result) -> list[dict[str, str]]:
    """One dict per unit with the `default_columns`, sorted by cluster, then rank, then unit_id."""
    columns = table(result)
    header = [name for name, _, _ in columns]
    return [dict(zip(header, values, strict=True))
            for values in zip(*(cells for _, cells, _ in columns), strict=True)]


def to_csv(result: Result, columns: Sequence[str] | None = None,
           sort: str = "cluster") -> str | bytes:
    """The table as CSV; free text a spreadsheet would run as a formula is quoted."""
    parts = _table(result, columns, sort)
    header = ",".join(name for name, _, _ in parts) + "\n"
    lines = _lines(parts, result.data.size)
    if lines is not None:
        return header.encode("utf-8") + lines
    text = [_text(cells) for _, cells, _ in parts]
    cells = [[_safe_cell(v) for v in values] if free and _any_starts(values, FORMULA_START)
             else values for (_, _, free), values in zip(parts, text, strict=True)]
    buffer = io.StringIO()
    # the csv module quotes a cell holding the line terminator ("\n") but not a lone "\r",
    # which Excel and most readers take as the end of the row: quote every cell then
    bare_cr = any("\r" in v for (_, _, free), values in zip(parts, cells, strict=True) if free
                  for v in values)
    writer = csv.writer(buffer, lineterminator="\n",
                        quoting=csv.QUOTE_ALL if bare_cr else csv.QUOTE_MINIMAL)
    writer.writerow([name for name, _, _ in parts])
    writer.writerows(zip(*cells, strict=True))
    return buffer.getvalue()


def _lines(parts: list[tuple[str, Cells, bool]], n: int) -> bytes | None:
    """Every row's cells joined by ',' and ended by '\\n', built as one byte matrix (a
    row per unit, each cell left-aligned and padded with zero bytes) whose non-zero bytes,
    in order, are the lines. None when a cell needs quoting or escaping, or a number does
    not fit int64: the csv module writes those."""
    comma, newline = np.full((n, 1), 44, np.uint8), np.full((n, 1), 10, np.uint8)
    matrices: list[IntArray] = []
    for _, cells, free in parts:
        if isinstance(cells, Numbers):
            matrix = _number_matrix(cells)
        elif isinstance(cells, Texts):
            matrix = _text_matrix(cells.values, free)
            matrix = None if matrix is None else matrix[cells.order]
        else:
            matrix = _text_matrix(cells, free)
        if matrix is None:
            return None
        matrices += [matrix, comma]
    matrices[-1] = newline
    lines = np.hstack(matrices)
    text: bytes = lines[lines != 0].tobytes()
    return text


POW10 = 10 ** np.arange(19, dtype=np.int64)


def _number_matrix(numbers: Numbers) -> IntArray | None:
    """`format_units` of each value as a byte matrix: sign, digits, point, decimals."""
    values, scale = numbers.values, numbers.scale
    if values.dtype == object or (len(values) and values.min() == np.iinfo(np.int64).min):
        return None
    size = np.abs(values)
    width = max(len(str(int(size.max(initial=0)))), scale + 1)
    digits = np.empty((len(values), width), np.uint8)
    rest = size.copy()
    for j in range(width - 1, -1, -1):
        rest, digit = np.divmod(rest, 10)
        digits[:, j] = digit + 48
    shown = np.maximum(np.searchsorted(POW10, size, side="right"), scale + 1)
    blank = np.arange(width)[None, :] < (width - shown)[:, None]
    digits[blank] = 0
    sign = np.where(values < 0, 45, 0).astype(np.uint8)[:, None]
    if scale == 0:
        return np.hstack([sign, digits])
    point = np.full((len(values), 1), 46, np.uint8)
    return np.hstack([sign, digits[:, :width - scale], point, digits[:, width - scale:]])


def _text_matrix(values: Sequence[str], free: bool) -> IntArray | None:
    """UTF-8 of each text as a byte matrix; None if one needs quoting (or, for free
    text, a leading quote against formulas)."""
    joined = "\n".join(values)
    if any(c in joined for c in ',"\r') or (
            free and any(f"\n{p}" in f"\n{joined}" for p in FORMULA_START)):
        return None
    return utf8_matrix(values, joined)


def _any_starts(values: list[str], prefixes: tuple[str, ...]) -> bool:
    text = "\n" + "\n".join(values)
    return any(f"\n{p}" in text for p in prefixes)


def to_json(result: Result) -> str:
    document: dict[str, Any] = {
        "ruleset": {"id": result.ruleset.meta.id, "version": result.ruleset.meta.version},
        "units": rows(result),
        # the reasons in English whatever the interface language: a results file is evidence
        "proposals": [{"award": p.award, "unit_id": p.unit, "reason": p.reason.english()}
                      for p in result.proposals],
        "skips": [{"award": s.award, "unit_id": s.unit, "reason": s.reason.english()}
                  for s in result.skips],
        # why an award or a cluster has no recipient (a tie left to the council, a zero quota)
        "notes": [{"award": n.award, "scope": n.scope, "kind": n.kind, "reason": n.reason.english()}
                  for n in result.notes],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


@hookimpl
def register_writers(register: Callable[[Writer], None]) -> None:
    register(Writer("csv", ".csv", to_csv, "one row per unit, safe to open in a spreadsheet"))
    register(Writer("json", ".json", to_json, "units, proposals, skips and notes"))


def _safe_cell(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading quote; numbers stay numbers."""
    if value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    try:
        parse_decimal(value)
    except NotANumber:
        return False
    return True
