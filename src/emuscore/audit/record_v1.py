"""Records of the first format, `emuscore-record/1`: read, checked and replayed as before.

A /1 record is one canonical JSON document (sorted keys) whose data lists one object per
unit and whose results hold one object per unit; its digests are SHA-256 of each part's
canonical JSON and of the whole record without `digests`. Records already published in
it stay readable: `read` checks one exactly as emuscore did when it wrote them, then
turns its data and results into the columns of the current format (`record.py`), keeping
its format and digests; `results_digest` is what replay compares a /1 record with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emuscore import reasons
from emuscore.audit.container import NotARecordFile, canonical, sha256
from emuscore.audit.decisions import decisions
from emuscore.audit.packed import pack_texts
from emuscore.exact import format_column
from emuscore.i18n import _
from emuscore.message import Message, from_json
from emuscore.result import Result

FORMAT = "emuscore-record/1"
PARTS = ("ruleset", "data", "results", "software")
NEWER_RESULTS = ("notes", "adjustments")
"""Keys of the results part that the first /1 records lack; replay leaves them out there."""


def _join(encoded: Mapping[str, bytes]) -> bytes:
    return b"{" + b",".join(canonical(k) + b":" + encoded[k] for k in sorted(encoded)) + b"}"


def read(record: dict[str, Any], text: bytes) -> dict[str, Any]:
    """Check a /1 record parsed from `text` (its digests and canonical bytes) and return it
    in the columns of the current format; raises NotARecordFile."""
    extra = sorted(set(record) - {"format", *PARTS, "council", "digests"})
    missing = [p for p in (*PARTS, "digests") if not isinstance(record.get(p), dict)]
    if missing:
        raise NotARecordFile(f"not a run record: part(s) {', '.join(missing)} missing")
    if extra:
        raise NotARecordFile(_("edited after it was written: it has key(s) {keys} that no "
                               "record has; get the published copy").format(
            keys=", ".join(map(repr, extra))))
    parts = (*PARTS, *(("council",) if "council" in record else ()))
    encoded = {k: canonical(record[k]) for k in ("format", *parts)}
    recorded = record["digests"]
    edited = [p for p in parts if recorded.get(p) != sha256(encoded[p])]
    if edited:
        raise NotARecordFile("edited after it was written: " + "; ".join(
            f"the {p} part no longer gives its recorded digest" for p in edited)
            + "; get the published copy")
    if recorded.get("record") != sha256(_join(encoded)) or set(recorded) != {*parts, "record"}:
        raise NotARecordFile("edited after it was written: digests.record does not match the "
                             "content; get the published copy")
    if text != _join({**encoded, "digests": canonical(recorded)}) + b"\n":
        raise NotARecordFile(_("edited after it was written: its bytes are not the record's "
                               "canonical form (keys reordered or repeated, spaces or line "
                               "breaks added); get the published copy"))
    return _columns(record)


def _columns(record: dict[str, Any]) -> dict[str, Any]:
    """The /1 record with its data and results in the current format's columns."""
    data, results = record["data"], record["results"]
    try:
        units = data["units"]
        ids = [u["id"] for u in units]
        out_data = {
            "units": {"id": ids, "name": [u["name"] for u in units],
                      "cluster": [u["cluster"] for u in units]},
            "indicators": {name: {"kind": spec["kind"], "scale": spec["scale"],
                                  "values": pack_texts(spec["values"])}
                           for name, spec in data["indicators"].items()}}
        rows = [results["units"][u] for u in ids]
        criteria = sorted({c for r in rows for c in r["criteria"]})
        groups = sorted({g for r in rows for g in r["groups"]})
        columns = {
            "criteria": {c: pack_texts([r["criteria"][c] for r in rows]) for c in criteria},
            "groups": {g: pack_texts([r["groups"][g] for r in rows]) for g in groups},
            **{k: pack_texts([r[k] for r in rows]) for k in ("deductions", "bonus", "total")},
            **{k: [r[k] for r in rows] for k in ("class", "rank", "tied", "decided_by")}}
    except (KeyError, TypeError, AttributeError) as e:
        raise NotARecordFile(_("not a run record emuscore wrote: {what}").format(
            what=f"{type(e).__name__} {e}")) from None
    return {**record, "data": out_data,
            "results": {**results, "units": columns}}


def with_text_reasons(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """The record with every stored reason as the English text a /1 record holds, to
    compare it with one: a reason that is a message's JSON becomes its /1 text."""
    results = record["results"]

    def texts(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**e, "reason": e["reason"] if isinstance(e["reason"], str)
                 else _text(from_json(e["reason"]))} for e in entries]

    kinds = [k for k in ("proposals", "skips", "notes") if k in results]
    return {**record, "results": {**results, **{k: texts(results[k]) for k in kinds}}}


def results_digest(result: Result, recorded: Mapping[str, Any]) -> str:
    """The digest a /1 record of `result` gives its results part (leaving out the keys
    the recorded results lack, as records written before them do)."""
    part = results_part(result)
    for key in NEWER_RESULTS:
        if key not in recorded:
            del part[key]
    return sha256(canonical(part))


def _text(reason: Message) -> str:
    """The English a /1 record held for a reason: a proposal's parts joined by ", " (its
    class by its label alone), a ballot after "; "; any other reason as it reads."""
    parts = reason.items()
    if not parts or parts[0].id != reasons.RANK:
        return reason.english()
    head = [str(p.arg("label")) if p.id == reasons.CLASS else p.english()
            for p in parts if p.id != reasons.BALLOT]
    return "; ".join([", ".join(head), *(p.english() for p in parts if p.id == reasons.BALLOT)])


def results_part(result: Result) -> dict[str, Any]:
    scale, scores = result.ruleset.scale, result.scores
    criteria = {c: format_column(v, scale) for c, v in scores.criteria.items()}
    groups = {g: format_column(v, scale) for g, v in scores.groups.items()}
    deductions, bonus, total = (format_column(v, scale) for v in
                                (scores.deductions, scores.bonus, scores.total))
    held: dict[str, list[str]] = {}
    for p in result.proposals:
        held.setdefault(p.unit, []).append(p.award)
    units = {}
    for i, unit in enumerate(result.data.unit_ids):
        units[unit] = {
            "criteria": {c: v[i] for c, v in criteria.items()},
            "groups": {g: v[i] for g, v in groups.items()},
            "deductions": deductions[i], "bonus": bonus[i], "total": total[i],
            "class": result.classes[i], "rank": int(result.ranks.rank[i]),
            "tied": bool(result.ranks.tied[i]), "decided_by": result.ranks.decided_by[i],
            "awards": held.get(unit, []),
        }
    return {
        "units": units,
        **decisions(result, _text),
    }

