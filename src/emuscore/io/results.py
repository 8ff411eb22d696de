"""Results out: one row per unit as CSV or JSON, written whole or not at all."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emuscore.engine import Result
from emuscore.exact import NotANumber, format_units, parse_decimal
from emuscore.hookspecs import hookimpl
from emuscore.io.formats import Writer, writer_for
from emuscore.plugins import Registry
from emuscore.problems import EmuscoreError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def rows(result: Result) -> list[dict[str, str]]:
    """unit_id, name, cluster_id, total, classification, cluster_rank, tied, awards, then one
    column per group and per criterion; sorted by cluster, then rank, then unit_id."""
    r, scale = result.ruleset, result.ruleset.scale
    order = sorted(range(result.data.size), key=lambda i: (
        int(result.data.cluster_codes[i]), int(result.ranks.rank[i]), int(result.data.unit_order[i])))
    out = []
    for i in order:
        row = {
            "unit_id": result.data.unit_ids[i],
            "name": result.data.names[i],
            "cluster_id": result.data.clusters[i],
            "total": format_units(int(result.scores.total[i]), scale),
            "classification": result.classes[i],
            "cluster_rank": str(result.ranks.rank[i]),
            "tied": "yes" if result.ranks.tied[i] else "",
            "decided_by": result.ranks.decided_by[i] or "",
            "awards": ";".join(result.awards_of(result.data.unit_ids[i])),
        }
        for g in r.groups:
            row[f"group:{g.id}"] = format_units(int(result.scores.groups[g.id][i]), scale)
        for c in r.criteria:
            row[c.id] = format_units(int(result.scores.criteria[c.id][i]), scale)
        out.append(row)
    return out


def to_csv(result: Result) -> str:
    table = rows(result)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(table[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _safe_cell(v) for k, v in row.items()} for row in table)
    return buffer.getvalue()


def to_json(result: Result) -> str:
    document: dict[str, Any] = {
        "ruleset": {"id": result.ruleset.meta.id, "version": result.ruleset.meta.version},
        "units": rows(result),
        "proposals": [{"award": p.award, "unit_id": p.unit, "reason": p.reason}
                      for p in result.proposals],
        "skips": [{"award": s.award, "unit_id": s.unit, "reason": s.reason} for s in result.skips],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


@hookimpl
def register_writers(register: Callable[[Writer], None]) -> None:
    register(Writer("csv", ".csv", to_csv, "one row per unit, safe to open in a spreadsheet"))
    register(Writer("json", ".json", to_json, "units, proposals and skips"))


def write_results(result: Result, path: Path, registry: Registry | None = None) -> None:
    """Write with the registered writer for the file's suffix; the file appears complete
    or not at all."""
    write_atomically(path, writer_for(path, registry)(result))


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise EmuscoreError(f"{path}: the folder {directory} does not exist")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


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
