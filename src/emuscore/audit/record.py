"""The run record: everything needed to replay a run, in one canonical, digested file.

Parts (docs/audit.md has every field; `container.py` the bytes and digests):

- ruleset: the ruleset's id, version and TOML text as read
- data: the units (id, name and cluster columns, in input order) and every indicator as
  one column text (`packed.py`) at its own scale
- results: one column per criterion, group, deductions, bonus and total (at the
  ruleset's scale), and the class, rank, tie and tie-break columns; award proposals,
  skips, notes and adjustments with their reasons
- software: emuscore and Python versions, every registered scorer and gate with its plugin

Columns, not one object per unit: a national run (a million units) is then a few
hundred texts and lists, written and read on whole arrays within a few gigabytes.
"""

from __future__ import annotations

import datetime
import json
import platform
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any, Literal, NoReturn

from emuscore.audit import container, packed, record_v1
from emuscore.audit.container import (
    FORMAT,
    OPTIONAL_PARTS,
    PARTS,
    NotARecordFile,
    canonical,
    digests,
    file_chunks,
    parts_of,
    record_bytes,
    sha256,
)
from emuscore.audit.decisions import decisions
from emuscore.dataset import Dataset
from emuscore.engine import run
from emuscore.exact import Column, format_units
from emuscore.i18n import _
from emuscore.io.atomic import write_atomically
from emuscore.manager import Registry
from emuscore.message import json_problem, to_json
from emuscore.model import Ruleset
from emuscore.problems import EmuscoreError, Problem
from emuscore.result import Result
from emuscore.ruleset import dump_ruleset, parse_ruleset

__all__ = [
    "FORMAT",
    "OPTIONAL_PARTS",
    "PARTS",
    "UnusableRecord",
    "build_record",
    "canonical",
    "dataset_of",
    "digests",
    "file_chunks",
    "load_record",
    "parse_record",
    "parts_of",
    "record_bytes",
    "record_content",
    "run_record",
    "sha256",
    "unit_result",
    "unit_results",
    "units_of",
    "write_record",
]


class UnusableRecord(EmuscoreError):
    """The file is not a readable, untouched run record (replay exits 2 on it)."""


# -- writing ---------------------------------------------------------------------------------

def build_record(result: Result, registry: Registry,
                 as_of: datetime.date | None = None) -> dict[str, Any]:
    """The run record of a result, digests included; `as_of`: the day whose version of
    the ruleset was picked from a folder of versions (`score --as-of`)."""
    record = record_content(result, registry, as_of)
    record["digests"] = digests(record)
    return record


def record_content(result: Result, registry: Registry, as_of: datetime.date | None = None,
                   data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The parts of the run record of a result, without their digests; `data`: its data
    part as already recorded (replay: the data the result was scored from)."""
    record: dict[str, Any] = {
        "format": FORMAT,
        "ruleset": {"id": result.ruleset.meta.id, "version": result.ruleset.meta.version,
                    # a ruleset built in code has no text: its TOML dump loads back equal
                    "text": result.ruleset.text or dump_ruleset(result.ruleset)},
        "data": data_part(result.data) if data is None else data,
        "results": results_part(result),
        "software": software_part(result.ruleset, registry),
    }
    if as_of is not None:
        record["ruleset"]["as_of"] = as_of.isoformat()
    return record


def write_record(result: Result, path: Path, registry: Registry,
                 as_of: datetime.date | None = None) -> dict[str, Any]:
    """Write the run record of `result` to `path`, whole or not at all."""
    record = record_content(result, registry, as_of)
    write_atomically(path, file_chunks(record))
    return record


def value_text(column: Column, unit: int) -> str | None:
    """One unit's value as the record stores it: decimal text at the column's scale, an ISO
    date, or None when missing."""
    if column.missing[unit]:
        return None
    if column.kind == "date":
        return datetime.date.fromordinal(int(column.values[unit])).isoformat()
    return format_units(int(column.values[unit]), column.scale)


def column_text(col: Column) -> str:
    """A data column as the record stores it (`packed.py`)."""
    if col.kind == "date":
        return packed.pack_dates(col.values, col.missing)
    return packed.pack_numbers(col.values, col.scale, col.missing)


def data_part(data: Dataset) -> dict[str, Any]:
    return {
        "units": {"id": list(data.unit_ids), "name": list(data.names),
                  "cluster": list(data.clusters)},
        "indicators": {name: {"kind": col.kind, "scale": col.scale, "values": column_text(col)}
                       for name, col in data.indicators.items()},
    }


def results_part(result: Result) -> dict[str, Any]:
    scale, scores = result.ruleset.scale, result.scores

    def text(values: Any) -> str:
        return packed.pack_numbers(values, scale)

    return {
        "units": {
            "criteria": {c: text(v) for c, v in scores.criteria.items()},
            "groups": {g: text(v) for g, v in scores.groups.items()},
            "deductions": text(scores.deductions),
            "bonus": text(scores.bonus),
            "total": text(scores.total),
            "class": list(result.classes),
            "rank": [int(r) for r in result.ranks.rank.tolist()],
            "tied": [bool(t) for t in result.ranks.tied.tolist()],
            "decided_by": list(result.ranks.decided_by),
        },
        **decisions(result, to_json),
    }


def software_part(ruleset: Ruleset, registry: Registry) -> dict[str, Any]:
    used: dict[str, list[str]] = {}
    for c in ruleset.criteria:
        used.setdefault(c.scorer, []).append(c.id)
    own_gates = {g.id for g in ruleset.gates}
    gated: dict[str, list[str]] = {}
    for a in ruleset.awards:
        for g in a.requires.gates:
            if g not in own_gates:      # a [[gates]] table of the same id wins over a plugin's
                gated.setdefault(g, []).append(a.id)
    return {
        "emuscore": _version("emuscore"),
        "python": platform.python_version(),
        "scorers": {r.item.name: {"plugin": r.plugin, "version": r.version,
                                    "used_by": used.get(r.item.name, [])}
                    for r in registry},
        "gates": {name: {"plugin": r.plugin, "version": r.version, "used_by": gated.get(name, [])}
                  for name, r in registry.gates.items()},
    }


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "0+unknown"


# -- reading ---------------------------------------------------------------------------------

def load_record(path: str | Path) -> dict[str, Any]:
    """Read a record and check it is whole and untouched, byte for byte in its canonical form;
    raises UnusableRecord."""
    path = Path(path)
    try:
        if path.exists() and not path.is_file():
            raise UnusableRecord(Problem(_("not a regular file (a folder, a device or a pipe); "
                                           "give the run record's .json file"), str(path)))
        with path.open("rb") as f:
            return _read(f, str(path))
    except FileNotFoundError:
        raise UnusableRecord(Problem("no such record file", str(path))) from None
    except OSError as e:
        raise UnusableRecord(Problem(f"cannot read the record: {e.strerror or e}", str(path))) from None


def parse_record(text: str | bytes, source: str = "<record>") -> dict[str, Any]:
    """The record whose file holds `text`, checked as `load_record` checks a file."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return _read(iter(data.splitlines(keepends=True)), source)


def _read(lines: Iterator[bytes], source: str) -> dict[str, Any]:
    def fail(message: str) -> NoReturn:
        raise UnusableRecord(Problem(message, source))

    first = next(lines, b"")
    try:
        if first == container.FIRST_LINE:
            record = container.read_parts(lines, _json)
        else:       # not this format's layout: read it whole to say what it is
            whole = first + b"".join(lines)
            record = _json(whole)
            if not isinstance(record, dict) or record.get("format") not in (
                    FORMAT, record_v1.FORMAT):
                fail(f"not a run record: no \"format\": \"{FORMAT}\" (was it written by "
                     "`emuscore score --record`?)")
            if record["format"] == FORMAT:
                fail(_("edited after it was written: its bytes are not the record's canonical "
                       "form (keys reordered or repeated, spaces or line breaks added); get the "
                       "published copy"))
            record = record_v1.read(record, whole)
    except NotARecordFile as e:
        fail(str(e))
    shape = shape_problem(record)
    if shape:
        fail(_("not a run record emuscore wrote: {what}").format(what=shape))
    return record


def _json(data: bytes | memoryview) -> Any:
    """JSON without floats or repeated keys; NotARecordFile with the reason otherwise."""
    try:
        text = str(data, "utf-8")
    except UnicodeDecodeError as e:
        raise NotARecordFile(_("not a run record: not UTF-8 text (byte {at}); a record is "
                               "the JSON that `emuscore score --record` wrote").format(
            at=e.start)) from None
    try:
        return json_loads(text)
    except RecursionError:
        raise NotARecordFile(_("not a run record: nested too deeply")) from None
    except ValueError as e:        # JSONDecodeError is one
        what = f"not JSON ({e})" if type(e).__name__ == "JSONDecodeError" else str(e)
        raise NotARecordFile(f"not a run record: {what}") from None


def json_loads(text: str) -> Any:
    """json.loads refusing floats (and NaN, Infinity) and keys given twice."""
    return json.loads(text, parse_float=_float_in_record, parse_constant=_float_in_record,
                      object_pairs_hook=_unique_keys)


MAX_SCALE = 18
"""The most decimals an indicator of a record may have (more is not a loader's output)."""
MAX_TEXT = 60
"""The longest value text of a record's indicator (a 40-digit number at scale 18 and a sign)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice (json.loads keeps the last silently)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(_("the key {key} appears twice in one object; a record never "
                               "repeats a key (it was edited)").format(key=repr(key)))
        out[key] = value
    return out


def _float_in_record(text: str) -> NoReturn:
    raise ValueError(f"it holds the float {text}; a run record writes every number as text")


def shape_problem(record: Mapping[str, Any]) -> str | None:
    """What in a (digest-checked) record is not of the type or size a record holds, or None:
    the digests prove the parts unchanged since they were digested, not that emuscore wrote
    them."""
    not_objects = [p for p in parts_of(record) if not isinstance(record[p], dict)]
    if not_objects:
        return _("its part(s) {parts} are not objects").format(parts=", ".join(not_objects))
    ruleset, data = record["ruleset"], record["data"]
    if not all(isinstance(ruleset.get(k), str) for k in ruleset):
        return _("the ruleset part needs id, version and text, each a text")
    if not {"id", "version", "text"} <= set(ruleset) <= {"id", "version", "text", "as_of"} \
            or set(data) != {"units", "indicators"}:
        return _("the ruleset part holds exactly id, version and text (and as_of), and the data "
                 "part units and indicators")
    units, indicators = data.get("units"), data.get("indicators")
    if not isinstance(units, dict) or set(units) != {"id", "name", "cluster"} \
            or not isinstance(indicators, dict):
        return _("the data part needs units (the columns id, name and cluster) and indicators "
                 "(an object)")
    ids = units["id"]
    if not all(_strings(units[k]) for k in units) or not ids \
            or not all(len(units[k]) == len(ids) for k in units):
        return _("the data's unit columns id, name and cluster are not lists of texts of one "
                 "length")
    if not all(u.strip() for u in ids) or not all(c.strip() for c in units["cluster"]):
        return _("data unit {i} has an empty id or cluster").format(
            i=next(i for i, (u, c) in enumerate(zip(ids, units["cluster"], strict=True))
                   if not u.strip() or not c.strip()))
    if len(set(ids)) != len(ids):
        twice = next(u for u, n in Counter[str](ids).items() if n > 1)
        return _("data lists unit {unit} twice").format(unit=twice)
    for name, spec in indicators.items():
        problem = _indicator_problem(name, spec, len(ids))
        if problem:
            return problem
    results, software = record["results"], record["software"]
    if not isinstance(results.get("units"), dict) or not all(
            isinstance(results.get(k), list) for k in ("proposals", "skips")):
        return _("the results part needs units (an object), proposals and skips (lists)")
    problem = _results_problem(results["units"], len(ids))
    if problem:
        return problem
    for kind in ("notes", "adjustments"):       # /1 records written before them lack them
        if kind in results and not (isinstance(results[kind], list)
                                    and all(isinstance(x, dict) for x in results[kind])):
            return _("the results' {kind} are not a list of objects").format(kind=kind)
    known = set(ids)
    for kind, keys in (("proposals", ("award", "unit")), ("skips", ("award", "unit")),
                       ("notes", ("award", "scope", "kind"))):
        for entry in results.get(kind, []):
            if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in keys):
                return _("an entry of {kind} is not {keys} texts").format(kind=kind,
                                                                          keys=", ".join(keys))
            if (why := json_problem(entry.get("reason"))) is not None:
                return _("an entry of {kind} has a reason that is not a message: {why}").format(
                    kind=kind, why=why)
            if kind != "notes" and entry["unit"] not in known:
                return _("the results' {kind} name unit {unit}, which the data does not "
                         "list").format(kind=kind, unit=repr(entry["unit"]))
    if not all(isinstance(software.get(k), dict) for k in ("scorers", "gates")) or not all(
            _plugin_entry(v) for k in ("scorers", "gates") for v in software[k].values()) \
            or not all(isinstance(software.get(k), str) for k in ("emuscore", "python")):
        return _("the software part needs emuscore and python (texts), scorers and gates "
                 "(objects of plugin, version and used_by)")
    return None


def _strings(value: Any) -> bool:
    return isinstance(value, list) and set(map(type, value)) <= {str}


def _indicator_problem(name: str, spec: Any, size: int) -> str | None:
    if not isinstance(spec, dict) or set(spec) != {"kind", "scale", "values"} \
            or spec["kind"] not in ("number", "date") or not isinstance(spec["values"], str):
        return _("indicator '{name}' needs kind (number or date), scale and values (a "
                 "text)").format(name=name)
    scale = spec["scale"]
    if type(scale) is not int or not 0 <= scale <= MAX_SCALE:
        return _("indicator '{name}' has scale {scale!r}; a scale is a whole number from 0 to "
                 "{most}").format(name=name, scale=scale, most=MAX_SCALE)
    try:
        packed.check(spec["values"], spec["kind"], scale, size, longest=MAX_TEXT)
    except packed.NotAColumn as e:
        return _("indicator '{name}': {problem}").format(name=name, problem=e)
    return None


def _results_problem(columns: Mapping[str, Any], size: int) -> str | None:
    numbers = {"deductions", "bonus", "total"}
    lists = {"class": (str,), "rank": (int,), "tied": (bool,), "decided_by": (str, type(None))}
    if set(columns) != {"criteria", "groups", *numbers, *lists} or not all(
            isinstance(columns[k], dict) for k in ("criteria", "groups")):
        return _("the results' unit columns are not those of a record")
    texts = [columns[k] for k in numbers] + [
        v for k in ("criteria", "groups") for v in columns[k].values()]
    total = columns["total"] if isinstance(columns["total"], str) else ""
    end = total.find(packed.SEPARATOR)
    first = total if end < 0 else total[:end]
    # every points column is at the ruleset's scale: the first total's decimals say which
    scale = len(first.partition(".")[2]) if first else None
    for text in texts:
        try:
            if not isinstance(text, str):
                raise packed.NotAColumn(text)
            packed.check(text, "number", scale, size, longest=MAX_TEXT)
        except packed.NotAColumn:
            return _("the results' unit columns are not those of a record")
    for key, kinds in lists.items():
        value = columns[key]
        if not isinstance(value, list) or len(value) != size or not set(map(type, value)) <= set(kinds):
            return _("the results' unit columns are not those of a record")
    return None


def _plugin_entry(v: Any) -> bool:
    return (isinstance(v, dict) and isinstance(v.get("plugin"), str)
            and isinstance(v.get("version"), str) and isinstance(v.get("used_by"), list)
            and all(isinstance(u, str) for u in v["used_by"]))


# -- what a record holds ---------------------------------------------------------------------

def units_of(record: Mapping[str, Any]) -> list[dict[str, str]]:
    """The record's units in input order, each {"id", "name", "cluster"}."""
    u = record["data"]["units"]
    return [{"id": i, "name": n, "cluster": c}
            for i, n, c in zip(u["id"], u["name"], u["cluster"], strict=True)]


def unit_results(record: Mapping[str, Any], only: Iterable[str] | None = None
                 ) -> dict[str, dict[str, Any]]:
    """Each unit's results as one object: criteria, groups, deductions, bonus, total,
    class, rank, tied, decided_by and awards (`only`: just these units)."""
    ids = record["data"]["units"]["id"]
    where = {u: i for i, u in enumerate(ids)}
    wanted = list(where) if only is None else [u for u in only if u in where]
    index = [where[u] for u in wanted]
    cols = record["results"]["units"]

    def pick(text: str) -> list[str | None]:
        values = packed.unpack_texts(text)
        return [values[i] for i in index]

    criteria = {c: pick(t) for c, t in cols["criteria"].items()}
    groups = {g: pick(t) for g, t in cols["groups"].items()}
    sums = {k: pick(cols[k]) for k in ("deductions", "bonus", "total")}
    held: dict[str, list[str]] = {}
    for p in record["results"]["proposals"]:
        held.setdefault(p["unit"], []).append(p["award"])
    return {u: {"criteria": {c: v[n] for c, v in criteria.items()},
                "groups": {g: v[n] for g, v in groups.items()},
                **{k: v[n] for k, v in sums.items()},
                **{k: cols[k][i] for k in ("class", "rank", "tied", "decided_by")},
                "awards": held.get(u, [])}
            for n, (u, i) in enumerate(zip(wanted, index, strict=True))}


def unit_result(record: Mapping[str, Any], unit: str) -> dict[str, Any]:
    """One unit's results (see `unit_results`); KeyError for a unit not in the record."""
    return unit_results(record, [unit])[unit]


def ruleset_of(record: Mapping[str, Any], registry: Registry) -> Ruleset:
    """The ruleset embedded in a record, parsed and validated again."""
    return parse_ruleset(record["ruleset"]["text"], "<record ruleset>", registry)


def dataset_of(record: Mapping[str, Any]) -> Dataset:
    """The Dataset a record's data part describes: the same units in the same order and the
    same exact columns as the loader produced."""
    units = record["data"]["units"]
    columns = {name: _column(name, spec)
               for name, spec in record["data"]["indicators"].items()}
    return Dataset(tuple(units["id"]), tuple(units["name"]), tuple(units["cluster"]), columns,
                   "<record data>")


def _column(name: str, spec: Mapping[str, Any]) -> Column:
    kind: Literal["number", "date"] = "date" if spec["kind"] == "date" else "number"
    try:      # checked already when the record was read (shape_problem)
        values, missing = (packed.unpack_dates(spec["values"]) if kind == "date"
                           else packed.unpack_numbers(spec["values"], spec["scale"]))
    except packed.NotAColumn as e:
        raise UnusableRecord(f"the record's indicator '{name}': {e}") from None
    return Column(values, int(spec["scale"]), missing, kind)


def run_record(record: Mapping[str, Any], registry: Registry) -> Result:
    """Score the record's data with its ruleset again, on the plugins installed now; a
    final record's adjustments, rulings and ballots are applied again from its council
    part."""
    ruleset, data = ruleset_of(record, registry), dataset_of(record)
    if "council" in record:
        from emuscore.council.apply import run_decided

        return run_decided(ruleset, data, record["council"], registry)
    return run(ruleset, data, registry)
