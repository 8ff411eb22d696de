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
import functools
import hashlib
import json
import platform
import re
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any, Literal, NoReturn

import numpy as np

from emuscore.dataset import Dataset
from emuscore.engine import run
from emuscore.exact import INT64_ROOM, Column, IntArray, format_units
from emuscore.i18n import _
from emuscore.io.atomic import write_atomically
from emuscore.manager import Registry
from emuscore.message import json_problem, to_json
from emuscore.model import Ruleset
from emuscore.problems import EmuscoreError, Problem
from emuscore.result import Result
from emuscore.ruleset import dump_ruleset, parse_ruleset

FORMAT = "emuscore-record/1"
PARTS = ("ruleset", "data", "results", "software")
"""The parts with a digest of their own; `digests.record` covers these and `format`."""
OPTIONAL_PARTS = ("council",)
"""Parts only some records have (a final record's council decisions, docs/council.md);
when present they have a digest of their own and `digests.record` covers them too."""


def parts_of(record: Mapping[str, Any]) -> tuple[str, ...]:
    return (*PARTS, *(p for p in OPTIONAL_PARTS if p in record))


class UnusableRecord(EmuscoreError):
    """The file is not a readable, untouched run record (replay exits 2 on it)."""


def canonical(value: Any, floats_refused: bool = False) -> bytes:
    """The one byte form of a JSON value: sorted keys, no spaces, UTF-8, floats refused
    (`floats_refused`: the caller knows there are none, e.g. it parsed them as errors)."""
    if not floats_refused:
        _refuse_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _refuse_floats(value: Any) -> None:
    kind = type(value)
    if kind is float:
        raise TypeError(f"a run record holds no floats ({value!r}); use decimal text")
    if kind is dict:
        children = list(value.values())
    elif kind is list or kind is tuple:
        children = list(value)
    else:
        return
    kinds = set(map(type, children))     # one C-level pass over a long list of texts
    if float in kinds:
        raise TypeError("a run record holds no floats; use decimal text")
    if kinds & {dict, list, tuple}:
        for child in children:
            if type(child) in (dict, list, tuple):
                _refuse_floats(child)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _encoded(record: Mapping[str, Any], keys: tuple[str, ...],
             floats_refused: bool = False) -> dict[str, bytes]:
    return {k: canonical(record[k], floats_refused) for k in keys}


def _join(encoded: Mapping[str, bytes]) -> bytes:
    """canonical() of the object whose members are already encoded (same bytes, one pass)."""
    return b"{" + b",".join(canonical(k) + b":" + encoded[k] for k in sorted(encoded)) + b"}"


def digests(record: Mapping[str, Any]) -> dict[str, str]:
    """What `record["digests"]` must be for the record's content."""
    parts = parts_of(record)
    return _digests(_encoded(record, ("format", *parts)), parts)


def _digests(encoded: Mapping[str, bytes], parts: tuple[str, ...]) -> dict[str, str]:
    out = {part: sha256(encoded[part]) for part in parts}
    out["record"] = sha256(_join(encoded))
    return out


def build_record(result: Result, registry: Registry,
                 as_of: datetime.date | None = None) -> dict[str, Any]:
    """The run record of a result, digests included; `as_of`: the day whose version of
    the ruleset was picked from a folder of versions (`score --as-of`)."""
    return encode_record(result, registry, as_of)[0]


def encode_record(result: Result, registry: Registry,
                  as_of: datetime.date | None = None) -> tuple[dict[str, Any], bytes]:
    """The run record of a result and the bytes of its file (`record_bytes`), each part
    encoded once for both its digest and the file (a national run's parts are hundreds of
    megabytes of JSON)."""
    record = record_content(result, registry, as_of)
    parts = parts_of(record)
    encoded = _encoded(record, ("format", *parts))
    record["digests"] = _digests(encoded, parts)
    encoded["digests"] = canonical(record["digests"])
    return record, _join(encoded) + b"\n"


def record_content(result: Result, registry: Registry,
                   as_of: datetime.date | None = None) -> dict[str, Any]:
    """The parts of the run record of a result, without their digests."""
    record: dict[str, Any] = {
        "format": FORMAT,
        "ruleset": {"id": result.ruleset.meta.id, "version": result.ruleset.meta.version,
                    # a ruleset built in code has no text: its TOML dump loads back equal
                    "text": result.ruleset.text or dump_ruleset(result.ruleset)},
        "data": data_part(result.data),
        "results": results_part(result),
        "software": software_part(result.ruleset, registry),
    }
    if as_of is not None:
        record["ruleset"]["as_of"] = as_of.isoformat()
    return record


def record_bytes(record: Mapping[str, Any]) -> bytes:
    """The file's bytes: the canonical JSON and one newline."""
    return _join(_encoded(record, tuple(record))) + b"\n"


def write_record(result: Result, path: Path, registry: Registry,
                 as_of: datetime.date | None = None) -> dict[str, Any]:
    """Write the run record of `result` to `path`, whole or not at all."""
    record, data = encode_record(result, registry, as_of)
    write_atomically(path, data)
    return record


def value_text(column: Column, unit: int) -> str | None:
    """One unit's value as the record stores it: decimal text at the column's scale, an ISO
    date, or None when missing."""
    if column.missing[unit]:
        return None
    if column.kind == "date":
        return datetime.date.fromordinal(int(column.values[unit])).isoformat()
    return format_units(int(column.values[unit]), column.scale)


def texts(values: IntArray, scale: int) -> list[str]:
    """format_units over a whole array (the same text, without a call per value)."""
    if scale == 0:
        return [str(v) for v in values.tolist()]
    magnitude = np.abs(values)
    unit, pattern = 10**scale, f"%d.%0{scale}d"
    out = [pattern % wf for wf in zip((magnitude // unit).tolist(), (magnitude % unit).tolist(),
                                      strict=True)]
    for i in np.flatnonzero(values < 0).tolist():
        out[i] = "-" + out[i]
    return out


def column_texts(col: Column) -> list[str | None]:
    """Every unit's value as `value_text` gives it."""
    if col.kind == "date":
        shown = [datetime.date.fromordinal(v).isoformat() if not m else ""
                 for v, m in zip(col.values.tolist(), col.missing.tolist(), strict=True)]
    else:
        shown = texts(col.values, col.scale)
    return [None if m else t for t, m in zip(shown, col.missing.tolist(), strict=True)]


def data_part(data: Dataset) -> dict[str, Any]:
    return {
        "units": [{"id": u, "name": n, "cluster": c}
                  for u, n, c in zip(data.unit_ids, data.names, data.clusters, strict=True)],
        "indicators": {
            name: {"kind": col.kind, "scale": col.scale, "values": column_texts(col)}
            for name, col in data.indicators.items()},
    }


def results_part(result: Result) -> dict[str, Any]:
    scale, scores = result.ruleset.scale, result.scores
    criteria = {c: texts(v, scale) for c, v in scores.criteria.items()}
    groups = {g: texts(v, scale) for g, v in scores.groups.items()}
    deductions, bonus, total = (texts(v, scale) for v in
                                (scores.deductions, scores.bonus, scores.total))
    held: dict[str, list[str]] = {}        # awards_of for every unit, in one pass
    for p in result.proposals:
        held.setdefault(p.unit, []).append(p.award)
    units = {}
    for i, unit in enumerate(result.data.unit_ids):
        units[unit] = {
            "criteria": {c: v[i] for c, v in criteria.items()},
            "groups": {g: v[i] for g, v in groups.items()},
            "deductions": deductions[i],
            "bonus": bonus[i],
            "total": total[i],
            "class": result.classes[i],
            "rank": int(result.ranks.rank[i]),
            "tied": bool(result.ranks.tied[i]),
            "decided_by": result.ranks.decided_by[i],
            "awards": held.get(unit, []),
        }
    return {
        "units": units,
        "proposals": [{"award": p.award, "unit": p.unit, "reason": to_json(p.reason)}
                      for p in result.proposals],
        "skips": [{"award": s.award, "unit": s.unit, "reason": to_json(s.reason)}
                  for s in result.skips],
        "notes": [{"award": n.award, "scope": n.scope, "kind": n.kind, "reason": to_json(n.reason)}
                  for n in result.notes],
        "adjustments": [{"unit": a.unit, "indicator": a.indicator, "stage": a.stage, "old": a.old,
                         "new": a.new, "reason": a.reason, "by": a.by, "date": a.date,
                         "superseded": a.superseded} for a in result.adjustments],
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


def load_record(path: str | Path) -> dict[str, Any]:
    """Read a record and check it is whole and untouched, byte for byte in its canonical form;
    raises UnusableRecord."""
    path = Path(path)
    try:
        if path.exists() and not path.is_file():
            raise UnusableRecord(Problem(_("not a regular file (a folder, a device or a pipe); "
                                           "give the run record's .json file"), str(path)))
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnusableRecord(Problem("no such record file", str(path))) from None
    except OSError as e:
        raise UnusableRecord(Problem(f"cannot read the record: {e.strerror or e}", str(path))) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UnusableRecord(Problem(_("not a run record: not UTF-8 text (byte {at}); a record is "
                                       "the JSON that `emuscore score --record` wrote").format(
            at=e.start), str(path))) from None
    return parse_record(text, str(path), canonical_only=True)


def parse_record(text: str, source: str = "<record>", canonical_only: bool = False
                 ) -> dict[str, Any]:
    """The record in `text`, checked: JSON without floats or duplicate keys, exactly the
    parts of a record with the types they hold, every digest right, and (`canonical_only`,
    as for a file) the text byte for byte the record's canonical form."""
    def fail(message: str) -> NoReturn:
        raise UnusableRecord(Problem(message, source))

    try:
        record = json.loads(text, parse_float=_float_in_record, parse_constant=_float_in_record,
                            object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as e:
        fail(f"not a run record: not JSON ({e})")
    except RecursionError:
        fail(_("not a run record: nested too deeply"))
    except ValueError as e:
        fail(f"not a run record: {e}")
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        fail(f"not a run record: no \"format\": \"{FORMAT}\" (was it written by "
             "`emuscore score --record`?)")
    missing = [p for p in (*PARTS, "digests") if not isinstance(record.get(p), dict)]
    if missing:
        fail(f"not a run record: part(s) {', '.join(missing)} missing")
    extra = sorted(set(record) - {"format", *PARTS, *OPTIONAL_PARTS, "digests"})
    if extra:
        fail(_("edited after it was written: it has key(s) {keys} that no record has; get the "
               "published copy").format(keys=", ".join(map(repr, extra))))
    if "council" in record and not isinstance(record["council"], dict):
        fail("not a run record: its council part is not an object")
    parts = parts_of(record)
    # every part encoded once, for its digest and for the canonical-bytes check; the parser
    # refused floats already
    encoded = _encoded(record, ("format", *parts), floats_refused=True)
    recorded, computed = record["digests"], _digests(encoded, parts)
    edited = [p for p in parts_of(record) if recorded.get(p) != computed[p]]
    if edited:
        fail("edited after it was written: " + "; ".join(
            f"the {p} part no longer gives its recorded digest (recorded "
            f"{str(recorded.get(p))[:12]}…, now {computed[p][:12]}…)" for p in edited)
             + "; get the published copy")
    if recorded.get("record") != computed["record"]:
        fail("edited after it was written: digests.record does not match the content; get the "
             "published copy")
    if set(recorded) != {*parts_of(record), "record"}:
        fail(_("edited after it was written: digests has keys other than {keys}").format(
            keys=", ".join((*parts_of(record), "record"))))
    if canonical_only and text.encode("utf-8") != _join(
            {**encoded, "digests": canonical(recorded, floats_refused=True)}) + b"\n":
        fail(_("edited after it was written: its bytes are not the record's canonical form (keys "
               "reordered or repeated, spaces or line breaks added); get the published copy"))
    shape = shape_problem(record)
    if shape:
        fail(_("not a run record emuscore wrote: {what}").format(what=shape))
    return record


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


def shape_problem(record: Mapping[str, Any]) -> str | None:
    """What in a (digest-checked) record is not of the type or size a record holds, or None:
    the digests prove the parts unchanged since they were digested, not that emuscore wrote
    them."""
    ruleset, data = record["ruleset"], record["data"]
    if not all(isinstance(ruleset.get(k), str) for k in ruleset):
        return _("the ruleset part needs id, version and text, each a text")
    if not {"id", "version", "text"} <= set(ruleset) <= {"id", "version", "text", "as_of"} \
            or set(data) != {"units", "indicators"}:
        return _("the ruleset part holds exactly id, version and text (and as_of), and the data "
                 "part units and indicators")
    units, indicators = data.get("units"), data.get("indicators")
    if not isinstance(units, list) or not isinstance(indicators, dict):
        return _("the data part needs units (a list) and indicators (an object)")
    seen: set[str] = set()
    for i, u in enumerate(units):
        if not isinstance(u, dict) or set(u) != {"id", "name", "cluster"} or not all(
                isinstance(v, str) for v in u.values()):
            return _("data unit {i} is not {{\"id\", \"name\", \"cluster\"}} texts").format(i=i)
        if not u["id"].strip() or not u["cluster"].strip():
            return _("data unit {i} has an empty id or cluster").format(i=i)
        if u["id"] in seen:
            return _("data lists unit {unit} twice").format(unit=u["id"])
        seen.add(u["id"])
    for name, spec in indicators.items():
        if not isinstance(spec, dict) or spec.get("kind") not in ("number", "date") \
                or not isinstance(spec.get("values"), list):
            return _("indicator '{name}' needs kind (number or date) and values (a list)").format(
                name=name)
        too_long = next((t for t in spec["values"] if isinstance(t, str) and len(t) > MAX_TEXT),
                        None)
        if too_long is not None:
            return _("indicator '{name}' has a value of {n} characters; a value has at most "
                     "{most}").format(name=name, n=len(too_long), most=MAX_TEXT)
        scale = spec.get("scale")
        if type(scale) is not int or not 0 <= scale <= MAX_SCALE:
            return _("indicator '{name}' has scale {scale!r}; a scale is a whole number from 0 to "
                     "{most}").format(name=name, scale=scale, most=MAX_SCALE)
    results, software = record["results"], record["software"]
    if not isinstance(results.get("units"), dict) or not all(
            isinstance(results.get(k), list) for k in ("proposals", "skips")):
        return _("the results part needs units (an object), proposals and skips (lists)")
    if set(results["units"]) != seen:
        odd = sorted(set(results["units"]) ^ seen)[:3]
        return _("the results and the data list different units ({units}...)").format(
            units=", ".join(map(repr, odd)))
    for unit, r in results["units"].items():
        if not _unit_result(r):
            return _("the results of unit {unit} are not those of a record").format(unit=unit)
    for kind in ("notes", "adjustments"):       # later parts: a record may lack them
        if kind in results and not (isinstance(results[kind], list)
                                    and all(isinstance(x, dict) for x in results[kind])):
            return _("the results' {kind} are not a list of objects").format(kind=kind)
    for kind, keys in (("proposals", ("award", "unit")), ("skips", ("award", "unit")),
                       ("notes", ("award", "scope", "kind"))):
        for entry in results.get(kind, []):
            if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in keys):
                return _("an entry of {kind} is not {keys} texts").format(kind=kind,
                                                                          keys=", ".join(keys))
            if (why := json_problem(entry.get("reason"))) is not None:
                return _("an entry of {kind} has a reason that is not a message: {why}").format(
                    kind=kind, why=why)
    if not all(isinstance(software.get(k), dict) for k in ("scorers", "gates")) or not all(
            _plugin_entry(v) for k in ("scorers", "gates") for v in software[k].values()) \
            or not all(isinstance(software.get(k), str) for k in ("emuscore", "python")):
        return _("the software part needs emuscore and python (texts), scorers and gates "
                 "(objects of plugin, version and used_by)")
    return None


def _texts(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _unit_result(r: Any) -> bool:
    """One unit's results as `results_part` writes them."""
    return (isinstance(r, dict) and _texts(r.get("criteria")) and _texts(r.get("groups"))
            and all(isinstance(r.get(k), str) for k in ("deductions", "bonus", "total"))
            and all(r.get(k) is None or isinstance(r.get(k), str) for k in ("class", "decided_by"))
            and type(r.get("rank")) is int and type(r.get("tied")) is bool
            and isinstance(r.get("awards"), list) and all(isinstance(a, str) for a in r["awards"]))


def _plugin_entry(v: Any) -> bool:
    return (isinstance(v, dict) and isinstance(v.get("plugin"), str)
            and isinstance(v.get("version"), str) and isinstance(v.get("used_by"), list)
            and all(isinstance(u, str) for u in v["used_by"]))


def _float_in_record(text: str) -> NoReturn:
    raise ValueError(f"it holds the float {text}; a run record writes every number as text")


def ruleset_of(record: Mapping[str, Any], registry: Registry) -> Ruleset:
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
    scale, shown = int(spec["scale"]), spec["values"]
    if len(shown) != size:
        raise UnusableRecord(f"the record's indicator '{name}' has {len(shown)} values for "
                             f"{size} units")
    missing = np.array([t is None for t in shown], bool)
    present = [t for t in shown if t is not None]
    if not all(type(t) is str for t in present) or not _pattern(kind, scale).fullmatch(
            "".join(t + "\n" for t in present)):
        bad = next(t for t in present if type(t) is not str
                   or not _pattern(kind, scale).fullmatch(f"{t}\n"))
        raise UnusableRecord(f"the record's indicator '{name}' has {bad!r}, which is not a "
                             f"{kind} at scale {scale}")
    try:
        parsed = ([datetime.date.fromisoformat(t).toordinal() for t in present] if kind == "date"
                  else [int(t.replace(".", "")) for t in present])
    except ValueError:
        raise UnusableRecord(f"the record's indicator '{name}' has an impossible date") from None
    values = [0] * size
    for i, v in zip(np.flatnonzero(~missing).tolist(), parsed, strict=True):
        values[i] = v
    big = max(map(abs, values), default=0) >= INT64_ROOM
    return Column(np.array(values, dtype=object if big else np.int64), scale, missing, kind)


@functools.cache
def _pattern(kind: str, scale: int) -> re.Pattern[str]:
    """Every present value of a column, each followed by a newline, exactly as written."""
    if kind == "date":
        return re.compile(r"(?:\d{4}-\d\d-\d\d\n)*")
    return re.compile(r"(?:-?\d+" + (rf"\.\d{{{scale}}}" if scale else "") + r"\n)*")


def run_record(record: Mapping[str, Any], registry: Registry) -> Result:
    """Score the record's data with its ruleset again, on the plugins installed now; a
    final record's adjustments, rulings and ballots are applied again from its council
    part."""
    ruleset, data = ruleset_of(record, registry), dataset_of(record)
    if "council" in record:
        from emuscore.council.apply import run_decided

        return run_decided(ruleset, data, record["council"], registry)
    return run(ruleset, data, registry)
