"""The run record: one canonical JSON document that holds everything needed to replay a run.

Canonical means sorted keys, separators "," and ":", UTF-8 text (not \\u escapes) and no
floats anywhere: every number is an int or exact decimal text. So the same inputs give
the same bytes, and a SHA-256 of a part is a fingerprint of its content. Parts:

- format: "emuscore-record/1"
- ruleset: the ruleset's id, version and TOML text as read
- data: the normalised input (units in input order, each indicator at its own scale)
- results: per unit points, group sums, deductions, bonus, total, class, rank, tie;
  award proposals and skips with their reasons
- software: emuscore and Python versions, every registered scorer with its plugin
- digests: SHA-256 of each part above, and `record` over all of them together
"""

from __future__ import annotations

import datetime
import hashlib
import json
import platform
from collections.abc import Mapping
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any, Literal, NoReturn

import numpy as np

from emuscore.dataset import Dataset
from emuscore.engine import Result, run
from emuscore.exact import INT64_ROOM, Column, NotANumber, format_units, parse_decimal
from emuscore.io.results import write_atomically
from emuscore.model import Ruleset
from emuscore.plugins import Registry, default_registry
from emuscore.problems import EmuscoreError, Problem
from emuscore.ruleset import parse_ruleset

FORMAT = "emuscore-record/1"
PARTS = ("ruleset", "data", "results", "software")
"""The parts with a digest of their own; `digests.record` covers these and `format`."""


class UnusableRecord(EmuscoreError):
    """The file is not a readable, untouched run record (replay exits 2 on it)."""


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value: sorted keys, no spaces, UTF-8, floats refused."""
    _refuse_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError(f"a run record holds no floats ({value!r}); use decimal text")
    if isinstance(value, dict):
        for v in value.values():
            _refuse_floats(v)
    elif isinstance(value, list | tuple):
        for v in value:
            _refuse_floats(v)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digests(record: Mapping[str, Any]) -> dict[str, str]:
    """What `record["digests"]` must be for the record's content."""
    out = {part: sha256(canonical(record[part])) for part in PARTS}
    out["record"] = sha256(canonical({k: record[k] for k in ("format", *PARTS)}))
    return out


def build_record(result: Result, registry: Registry | None = None) -> dict[str, Any]:
    """The run record of a result, digests included."""
    registry = registry or default_registry()
    record: dict[str, Any] = {
        "format": FORMAT,
        "ruleset": {"id": result.ruleset.meta.id, "version": result.ruleset.meta.version,
                    "text": result.ruleset.text},
        "data": data_part(result.data),
        "results": results_part(result),
        "software": software_part(result.ruleset, registry),
    }
    record["digests"] = digests(record)
    return record


def record_bytes(record: Mapping[str, Any]) -> bytes:
    """The file's bytes: the canonical JSON and one newline."""
    return canonical(record) + b"\n"


def write_record(result: Result, path: Path, registry: Registry | None = None) -> dict[str, Any]:
    """Write the run record of `result` to `path`, whole or not at all."""
    record = build_record(result, registry)
    write_atomically(path, record_bytes(record).decode("utf-8"))
    return record


def value_text(column: Column, unit: int) -> str | None:
    """One unit's value as the record stores it: decimal text at the column's scale, an ISO
    date, or None when missing."""
    if column.missing[unit]:
        return None
    if column.kind == "date":
        return datetime.date.fromordinal(int(column.values[unit])).isoformat()
    return format_units(int(column.values[unit]), column.scale)


def data_part(data: Dataset) -> dict[str, Any]:
    return {
        "units": [{"id": u, "name": n, "cluster": c}
                  for u, n, c in zip(data.unit_ids, data.names, data.clusters, strict=True)],
        "indicators": {
            name: {"kind": col.kind, "scale": col.scale,
                   "values": [value_text(col, i) for i in range(data.size)]}
            for name, col in data.indicators.items()},
    }


def results_part(result: Result) -> dict[str, Any]:
    scale, scores = result.ruleset.scale, result.scores

    def points(values: Any, i: int) -> str:
        return format_units(int(values[i]), scale)

    units = {}
    for i, unit in enumerate(result.data.unit_ids):
        units[unit] = {
            "criteria": {c: points(v, i) for c, v in scores.criteria.items()},
            "groups": {g: points(v, i) for g, v in scores.groups.items()},
            "deductions": points(scores.deductions, i),
            "bonus": points(scores.bonus, i),
            "total": points(scores.total, i),
            "class": result.classes[i],
            "rank": int(result.ranks.rank[i]),
            "tied": bool(result.ranks.tied[i]),
            "decided_by": result.ranks.decided_by[i],
            "awards": result.awards_of(unit),
        }
    return {
        "units": units,
        "proposals": [{"award": p.award, "unit": p.unit, "reason": p.reason}
                      for p in result.proposals],
        "skips": [{"award": s.award, "unit": s.unit, "reason": s.reason} for s in result.skips],
    }


def software_part(ruleset: Ruleset, registry: Registry) -> dict[str, Any]:
    used: dict[str, list[str]] = {}
    for c in ruleset.criteria:
        used.setdefault(c.scorer, []).append(c.id)
    return {
        "emuscore": _version("emuscore"),
        "python": platform.python_version(),
        "scorers": {r.scorer.name: {"plugin": r.plugin, "version": r.version,
                                    "used_by": used.get(r.scorer.name, [])}
                    for r in registry},
    }


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def load_record(path: str | Path) -> dict[str, Any]:
    """Read a record and check it is whole and untouched; raises UnusableRecord."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UnusableRecord(Problem("no such record file", str(path))) from None
    except (OSError, UnicodeDecodeError) as e:
        raise UnusableRecord(Problem(f"cannot read the record: {e}", str(path))) from None
    return parse_record(text, str(path))


def parse_record(text: str, source: str = "<record>") -> dict[str, Any]:
    def fail(message: str) -> NoReturn:
        raise UnusableRecord(Problem(message, source))

    try:
        record = json.loads(text, parse_float=_float_in_record, parse_constant=_float_in_record)
    except json.JSONDecodeError as e:
        fail(f"not a run record: not JSON ({e})")
    except ValueError as e:
        fail(f"not a run record: {e}")
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        fail(f"not a run record: no \"format\": \"{FORMAT}\" (was it written by "
             "`emuscore score --record`?)")
    missing = [p for p in (*PARTS, "digests") if not isinstance(record.get(p), dict)]
    if missing:
        fail(f"not a run record: part(s) {', '.join(missing)} missing")
    recorded, computed = record["digests"], digests(record)
    edited = [p for p in PARTS if recorded.get(p) != computed[p]]
    if edited:
        fail("edited after it was written: the " + ", ".join(
            f"{p} part (digest recorded {str(recorded.get(p))[:12]}…, content gives "
            f"{computed[p][:12]}…)" for p in edited) + " no longer match; get the published copy")
    if recorded.get("record") != computed["record"]:
        fail("edited after it was written: digests.record does not match the content; get the "
             "published copy")
    return record


def _float_in_record(text: str) -> NoReturn:
    raise ValueError(f"it holds the float {text}; a run record writes every number as text")


def ruleset_of(record: Mapping[str, Any], registry: Registry | None = None) -> Ruleset:
    """The ruleset embedded in a record, parsed and validated again."""
    return parse_ruleset(record["ruleset"]["text"], "<record ruleset>", registry)


def dataset_of(record: Mapping[str, Any]) -> Dataset:
    """The Dataset a record's data part describes: the same units in the same order and the
    same exact columns as the loader produced."""
    data = record["data"]
    try:
        units = data["units"]
        ids = tuple(str(u["id"]) for u in units)
        names = tuple(str(u["name"]) for u in units)
        clusters = tuple(str(u["cluster"]) for u in units)
        columns = {str(name): _column(str(name), spec, len(ids))
                   for name, spec in data["indicators"].items()}
    except (KeyError, TypeError, AttributeError) as e:
        raise UnusableRecord(f"the record's data part is malformed ({type(e).__name__}: {e})") from None
    return Dataset(ids, names, clusters, columns, "<record data>")


def _column(name: str, spec: Mapping[str, Any], size: int) -> Column:
    kind: Literal["number", "date"] = "date" if spec["kind"] == "date" else "number"
    scale, texts = int(spec["scale"]), spec["values"]
    if len(texts) != size:
        raise UnusableRecord(f"the record's indicator '{name}' has {len(texts)} values for "
                             f"{size} units")
    values, missing = [0] * size, np.ones(size, bool)
    for i, text in enumerate(texts):
        if text is None:
            continue
        missing[i] = False
        try:
            if kind == "date":
                values[i] = datetime.date.fromisoformat(text).toordinal()
            else:
                mantissa, decimals = parse_decimal(text)
                if decimals > scale:
                    raise NotANumber(text)
                values[i] = mantissa * 10 ** (scale - decimals)
        except (NotANumber, ValueError):
            raise UnusableRecord(f"the record's indicator '{name}' has '{text}', which is not a "
                                 f"{kind} at scale {scale}") from None
    big = max(map(abs, values), default=0) >= INT64_ROOM
    return Column(np.array(values, dtype=object if big else np.int64), scale, missing, kind)


def run_record(record: Mapping[str, Any], registry: Registry | None = None) -> Result:
    """Score the record's data with its ruleset again, on the plugins installed now."""
    registry = registry or default_registry()
    return run(ruleset_of(record, registry), dataset_of(record), registry)


def decimal_of(text: str) -> Decimal:
    """A points or value text from a record as a Decimal."""
    return Decimal(text)
