"""What differs between two run records: inputs (ruleset text, units, indicator values),
per-unit points, ranks, classes and awards, and the software that scored them."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Any

from emuscore.audit import record_v1
from emuscore.audit.packed import unpack_texts
from emuscore.audit.record import unit_results, units_of
from emuscore.dataset import natural_key
from emuscore.i18n import N_, _
from emuscore.message import Message, from_json, to_json

Record = Mapping[str, Any]
FIELDS = {"name": N_("name"), "cluster": N_("cluster")}
"""A unit's fields that `diff` names when they change."""


def compare(a: Record, b: Record) -> dict[str, Any]:
    """The differences from record `a` to record `b` (both checked, see
    `record.load_record`, or built here), as plain JSON-able values.

    `same` is true when the inputs and the results are equal; software differences alone
    (another Python, a newer plugin that scores alike) are listed but do not count."""
    if (a["format"] == record_v1.FORMAT) != (b["format"] == record_v1.FORMAT):
        # a record of the first format holds reasons as English text: compare them so
        a, b = record_v1.with_text_reasons(a), record_v1.with_text_reasons(b)
    same_results = a["digests"]["results"] == b["digests"]["results"]
    ra, rb = a["results"], b["results"]
    neither: dict[str, list[Any]] = {"only_in_a": [], "only_in_b": []}
    out: dict[str, Any] = {
        "digests": {"a": a["digests"]["record"], "b": b["digests"]["record"]},
        "ruleset": _ruleset(a["ruleset"], b["ruleset"]),
        "data": _data(a["data"], b["data"], same=a["digests"]["data"] == b["digests"]["data"]),
        # equal digests: equal results, so no walk over a national run's lists
        "units": [] if same_results else _units(a, b),
        "awards": {"gained": [], "lost": []} if same_results else _awards(ra, rb),
        "skips": neither if same_results else _skips(ra, rb),
        "software": _software(a["software"], b["software"]),
        "notes": neither if same_results else _notes(ra, rb),
        "adjustments": neither if same_results else _adjustments(ra, rb),
        "council": {"a": a.get("council"), "b": b.get("council")},
    }
    out["same"] = (not out["ruleset"]["changed"] and not any(out["data"].values())
                   and not out["units"] and not out["awards"]["gained"]
                   and not out["awards"]["lost"]
                   and (same_results or a["results"] == b["results"]))
    return out


def _ruleset(a: Record, b: Record) -> dict[str, Any]:
    lines = list(difflib.unified_diff(a["text"].splitlines(), b["text"].splitlines(),
                                      "a/ruleset", "b/ruleset", lineterm="", n=1))
    return {"changed": a["text"] != b["text"],
            "a": f"{a['id']} {a['version']}", "b": f"{b['id']} {b['version']}",
            "text_diff": lines}


def _data(a: Record, b: Record, same: bool) -> dict[str, Any]:
    empty: dict[str, Any] = {"units": {"id": [], "name": [], "cluster": []}, "indicators": {}}
    if same:                # equal digests: skip a value-by-value walk of a large table
        a = b = empty
    ua, ub = a["units"], b["units"]
    index_a = {u: i for i, u in enumerate(ua["id"])}
    index_b = {u: i for i, u in enumerate(ub["id"])}
    in_order = ua["id"] == ub["id"]         # the usual case: compare columns, not units
    both = sorted(index_a.keys() & index_b.keys(), key=natural_key)
    moved = []
    for field in ("name", "cluster"):
        if in_order and ua[field] == ub[field]:
            continue
        moved += [{"unit": u, "field": field, "a": ua[field][index_a[u]],
                   "b": ub[field][index_b[u]]}
                  for u in both if ua[field][index_a[u]] != ub[field][index_b[u]]]
    moved.sort(key=lambda m: (natural_key(m["unit"]), m["field"] != "name"))
    inds_a, inds_b = a["indicators"], b["indicators"]
    values = []
    for name in sorted(inds_a.keys() & inds_b.keys()):
        if inds_a[name]["values"] == inds_b[name]["values"] and in_order:
            continue
        va = unpack_texts(inds_a[name]["values"])
        vb = unpack_texts(inds_b[name]["values"])
        for u in both:
            x, y = va[index_a[u]], vb[index_b[u]]
            if x != y:
                values.append({"unit": u, "indicator": name, "a": x, "b": y})
    values.sort(key=lambda v: (natural_key(v["unit"]), v["indicator"]))
    return {
        "units_added": sorted(index_b.keys() - index_a.keys(), key=natural_key),
        "units_removed": sorted(index_a.keys() - index_b.keys(), key=natural_key),
        "units_changed": moved,
        "indicators_added": sorted(inds_b.keys() - inds_a.keys()),
        "indicators_removed": sorted(inds_a.keys() - inds_b.keys()),
        "values": values,
    }


def _units(a: Record, b: Record) -> list[dict[str, Any]]:
    ids_a, ids_b = a["data"]["units"]["id"], b["data"]["units"]["id"]
    if ids_a == ids_b:      # the same units in the same order: only the columns that differ
        wanted = sorted(_changed_units(a, b), key=natural_key)
    else:
        wanted = sorted(set(ids_a) | set(ids_b), key=natural_key)
    ra, rb = unit_results(a, wanted), unit_results(b, wanted)
    names = {u["id"]: u for u in (*units_of(a), *units_of(b))}
    out = []
    for unit in wanted:
        x, y = ra.get(unit), rb.get(unit)
        if x == y:
            continue
        row: dict[str, Any] = {"unit": unit, "name": names[unit]["name"],
                               "cluster": names[unit]["cluster"]}
        if x is None or y is None:
            row["only_in"] = "b" if x is None else "a"
            out.append(row)
            continue
        for key in ("total", "rank", "class", "tied", "decided_by", "awards", "deductions", "bonus"):
            if x[key] != y[key]:
                row[key] = {"a": x[key], "b": y[key]}
        for key in ("criteria", "groups"):
            changed = {k: {"a": x[key].get(k), "b": y[key].get(k)}
                       for k in sorted(x[key].keys() | y[key].keys())
                       if x[key].get(k) != y[key].get(k)}
            if changed:
                row[key] = changed
        out.append(row)
    return out


def _changed_units(a: Record, b: Record) -> set[str]:
    """The units (of two records of the same units in the same order) whose results
    differ in any column or in their awards."""
    ids = a["data"]["units"]["id"]
    ca, cb = a["results"]["units"], b["results"]["units"]
    pairs = [(ca[k], cb[k]) for k in ("deductions", "bonus", "total", "class", "rank", "tied",
                                      "decided_by")]
    for k in ("criteria", "groups"):
        for name in ca[k].keys() | cb[k].keys():
            if name not in ca[k] or name not in cb[k]:
                return set(ids)             # a criterion or group on one side only
            pairs.append((ca[k][name], cb[k][name]))
    changed: set[str] = set()
    for x, y in pairs:
        if x == y:
            continue
        xs = unpack_texts(x) if isinstance(x, str) else x
        ys = unpack_texts(y) if isinstance(y, str) else y
        changed.update(u for u, p, q in zip(ids, xs, ys, strict=True) if p != q)
    held_a, held_b = _held(a), _held(b)
    changed.update(u for u in held_a.keys() | held_b.keys() if held_a.get(u) != held_b.get(u))
    return changed


def _held(record: Record) -> dict[str, list[str]]:
    held: dict[str, list[str]] = {}
    for p in record["results"]["proposals"]:
        held.setdefault(p["unit"], []).append(p["award"])
    return held


def _awards(a: Record, b: Record) -> dict[str, list[dict[str, Any]]]:
    """Proposals gained and lost from a to b, each with b's reason as recorded (a message's
    JSON, or an older record's text): the proposal's reason for a gain, the reason it was
    passed over (if it was reached) for a loss."""
    pa = {(p["award"], p["unit"]) for p in a["proposals"]}
    pb = {(p["award"], p["unit"]): p["reason"] for p in b["proposals"]}
    passed = {(s["award"], s["unit"]): s["reason"] for s in b["skips"]}

    def listed(pairs: set[tuple[str, str]], why: Mapping[tuple[str, str], Any]) -> list[dict[str, Any]]:
        return [{"award": w, "unit": u, **({"reason": why[w, u]} if (w, u) in why else {})}
                for w, u in sorted(pairs, key=lambda p: (p[0], natural_key(p[1])))]

    lost = pa - pb.keys()
    not_reached = to_json(Message.of(N_("not reached: the places went to units above it")))
    for award, unit in lost:        # not reached: no skip says why, so say it here
        passed.setdefault((award, unit), not_reached)
    return {"gained": listed(pb.keys() - pa, pb), "lost": listed(lost, passed)}


def _skips(a: Record, b: Record) -> dict[str, list[dict[str, Any]]]:
    """Reasons for passing a unit over that only one side gives, compared by what the
    record holds (a message's id and arguments), never by a translation."""
    def keyed(skips: list[dict[str, Any]]) -> dict[tuple[str, str, str], Any]:
        return {(s["award"], s["unit"], _key(s["reason"])): s["reason"] for s in skips}

    sa, sb = keyed(a["skips"]), keyed(b["skips"])

    def listed(keys: set[tuple[str, str, str]], reasons: Mapping[tuple[str, str, str], Any]
               ) -> list[dict[str, Any]]:
        return [{"award": w, "unit": u, "reason": reasons[w, u, r]}
                for w, u, r in sorted(keys, key=lambda s: (s[0], natural_key(s[1]), s[2]))]

    return {"only_in_a": listed(sa.keys() - sb.keys(), sa),
            "only_in_b": listed(sb.keys() - sa.keys(), sb)}


def _key(reason: Any) -> str:
    """A recorded reason as one comparable text: its canonical JSON."""
    return json.dumps(reason, sort_keys=True, ensure_ascii=False)


def shown(reason: Any) -> str:
    """A recorded reason (a message's JSON, or an older record's text) in the interface
    language."""
    return from_json(reason).shown()


def _notes(a: Record, b: Record) -> dict[str, list[dict[str, str]]]:
    """Why an award or a cluster has no recipient: the notes only one side gives (a record
    written before notes existed has none)."""
    return _one_side(a.get("notes", []), b.get("notes", []))


def _adjustments(a: Record, b: Record) -> dict[str, list[dict[str, Any]]]:
    """The adjustments (old value, new value, reason, stage) only one side applied."""
    return _one_side(a.get("adjustments", []), b.get("adjustments", []))


def _one_side(xa: list[Any], xb: list[Any]) -> dict[str, list[Any]]:
    """The entries of each list that the other lacks, in their order (compared by their
    canonical JSON: a national run has tens of thousands of notes)."""
    ka = {json.dumps(x, sort_keys=True) for x in xa}
    kb = {json.dumps(x, sort_keys=True) for x in xb}
    return {"only_in_a": [x for x in xa if json.dumps(x, sort_keys=True) not in kb],
            "only_in_b": [x for x in xb if json.dumps(x, sort_keys=True) not in ka]}


def _software(a: Record, b: Record) -> dict[str, Any]:
    out: dict[str, Any] = {k: {"a": a[k], "b": b[k]} for k in ("emuscore", "python") if a[k] != b[k]}
    for kind in ("scorers", "gates"):
        xs, ys = a.get(kind, {}), b.get(kind, {})
        moved = {}
        for name in sorted(xs.keys() | ys.keys()):
            x, y = xs.get(name), ys.get(name)
            used = bool((x or {}).get("used_by") or (y or {}).get("used_by"))
            if used and _plugin(x) != _plugin(y):
                moved[name] = {"a": _plugin(x), "b": _plugin(y)}
        if moved:
            out[kind] = moved
    return out


def _plugin(scorer: Mapping[str, Any] | None) -> str | None:
    return None if scorer is None else f"{scorer['plugin']} {scorer['version']}"


def render(d: Mapping[str, Any], a_name: str = "a", b_name: str = "b") -> list[str]:
    """The differences as lines for a terminal; `a_name`/`b_name` label the two sides."""
    lines = _council_lines(d, a_name, b_name)
    rs = d["ruleset"]
    if rs["changed"]:
        lines.append(_("ruleset changed: {a} ({a_name}) -> {b} ({b_name})").format(
            a=rs["a"], a_name=a_name, b=rs["b"], b_name=b_name))
        lines.extend(f"  {line}" for line in rs["text_diff"])
    data = d["data"]
    for key, what in (("units_added", N_("units added: {units}")),
                      ("units_removed", N_("units removed: {units}")),
                      ("indicators_added", N_("indicators added: {units}")),
                      ("indicators_removed", N_("indicators removed: {units}"))):
        if data[key]:
            lines.append(_(what).format(units=", ".join(data[key])))
    for m in data["units_changed"]:
        lines.append(_("unit {unit}: {field} {a} -> {b}").format(
            unit=m["unit"], field=_(FIELDS.get(m["field"], m["field"])), a=m["a"], b=m["b"]))
    if data["values"]:
        lines.append(_("{n} indicator value(s) changed:").format(n=len(data["values"])))
        lines.extend("  " + _("unit {unit}  {indicator}: {a} -> {b}").format(
                         unit=v["unit"], indicator=v["indicator"], a=_show(v["a"]), b=_show(v["b"]))
                     for v in data["values"])
    if d["units"]:
        lines.append(_("{n} unit(s) scored differently:").format(n=len(d["units"])))
        unit, cluster, total, rank = _("unit"), _("cluster"), _("total"), _("rank")
        uw = max(len(unit), *(len(u["unit"]) for u in d["units"]))
        cw = max(len(cluster), *(len(u["cluster"]) for u in d["units"]))
        lines.append(f"  {unit:<{uw}}  {cluster:<{cw}}  {total:<16}  {rank:<7}  "
                     + _("class / awards"))
        for u in d["units"]:
            lines.extend(_unit_lines(u, uw, cw))
    for sign, key, how in (("+", "gained", N_("gained")), ("-", "lost", N_("lost"))):
        for p in d["awards"][key]:
            why = f": {shown(p['reason'])}" if p.get("reason") else ""
            lines.append(_("award {sign} {award}: unit {unit} ({how}){why}").format(
                sign=sign, award=p["award"], unit=p["unit"], how=_(how), why=why))
    for key, side in (("only_in_a", a_name), ("only_in_b", b_name)):
        for skip in d["skips"][key]:
            lines.append(_("passed over for {award} only in {side}: unit {unit}: {reason}").format(
                award=skip["award"], side=side, unit=skip["unit"], reason=shown(skip["reason"])))
    for key, side in (("only_in_a", a_name), ("only_in_b", b_name)):
        for note in d.get("notes", {}).get(key, []):
            scope = f" ({note['scope']})" if note["scope"] else ""
            lines.append(_("note on {award}{scope} only in {side}: {reason}").format(
                award=note["award"], scope=scope, side=side, reason=shown(note["reason"])))
    return lines + software_lines(d["software"], a_name, b_name)


def adjustment_line(x: Mapping[str, Any]) -> str:
    """One applied adjustment: stage, cell, old -> new, reason, who and when."""
    later = _(" (a later stage changed it again)") if x["superseded"] else ""
    return _("[{stage}] unit {unit} {indicator}: {old} -> {new}{later}: {reason} ({by}, {date})").format(
        stage=x["stage"], unit=x["unit"], indicator=x["indicator"], old=_show(x["old"]),
        new=x["new"], later=later, reason=x["reason"], by=x["by"], date=x["date"])


def _council_lines(d: Mapping[str, Any], a_name: str, b_name: str) -> list[str]:
    """The council's decisions behind the differences: adjustments, rulings, ballots."""
    lines = []
    for key, side in (("only_in_a", a_name), ("only_in_b", b_name)):
        changes = d.get("adjustments", {}).get(key, [])
        if changes:
            lines.append(_("adjustments applied in {side}:").format(side=side))
            lines.extend("  " + adjustment_line(x) for x in changes)
    for side, name in (("a", a_name), ("b", b_name)):
        council = d.get("council", {}).get(side)
        other = d.get("council", {}).get("b" if side == "a" else "a")
        if not council or council == other:
            continue
        lines.append(_("{name} is the final record of proposal {digest}, decided {decided}").format(
            name=name, digest=council["proposal"]["record"], decided=council["decided"]))
        if council.get("before_deadline"):
            lines.append(_("  decided before the objection deadline {deadline}: {reason}").format(
                deadline=council["deadline"], reason=council["before_deadline"]))
        for r in council["rulings"]:
            if r["decision"] == "settle":
                lines.append(_("  ruling on {award}: {unit} over {over}: {reason} ({by}, {date})").format(
                    award=r["award"], unit=r["unit_id"], over=", ".join(r["over"]),
                    reason=r["reason"], by=r["by"], date=r["date"]))
            else:
                lines.append(_("  ruling on {award}: {unit} withheld: {reason} ({by}, {date})").format(
                    award=r["award"], unit=r["unit_id"], reason=r["reason"], by=r["by"],
                    date=r["date"]))
        for b in council["ballots"] or []:
            lines.append(_("  ballot on {award}: {unit} {yes} yes, {no} no, {members} members").format(
                award=b["award"], unit=b["unit_id"], yes=b["yes"], no=b["no"], members=b["members"]))
    return lines


def software_lines(sw: Mapping[str, Any], a_name: str = "a", b_name: str = "b") -> list[str]:
    lines = [f"{key} {sw[key]['a']} ({a_name}) -> {sw[key]['b']} ({b_name})"
             for key in ("emuscore", "python") if key in sw]
    for kind, what in (("scorers", N_("scorer {name}: {a} ({a_name}) -> {b} ({b_name})")),
                       ("gates", N_("gate {name}: {a} ({a_name}) -> {b} ({b_name})"))):
        for name, s in sw.get(kind, {}).items():
            lines.append(_(what).format(name=name, a=s["a"] or _("not installed"), a_name=a_name,
                                        b=s["b"] or _("not installed"), b_name=b_name))
    return lines


def _show(value: str | None) -> str:
    return _("missing") if value is None else value


def _change(u: Mapping[str, Any], key: str) -> str:
    if key not in u:
        return "="
    return f"{_show(u[key]['a'])} -> {_show(u[key]['b'])}"


def _tie_change(u: Mapping[str, Any]) -> str:
    """How the tie-break moved: a ranking entry, "tied" (the ranking does not separate the
    unit from a neighbour: a last place is left to the council) or "none" (alone)."""
    def side(s: str) -> str:
        tied = u["tied"][s] if "tied" in u else None
        entry = u["decided_by"][s] if "decided_by" in u else None
        if entry is not None:
            return str(entry)
        return _("tied") if tied else _("none")
    return f"{side('a')} -> {side('b')}"


def _unit_lines(u: Mapping[str, Any], uw: int, cw: int) -> list[str]:
    head = f"  {u['unit']:<{uw}}  {u['cluster']:<{cw}}  "
    if "only_in" in u:
        return [head + _("only in {side}").format(side=u["only_in"])]
    extra = []
    if "class" in u:
        extra.append(_("class {a} -> {b}").format(a=u["class"]["a"] or "-", b=u["class"]["b"] or "-"))
    if "awards" in u:
        extra.append(_("awards [{a}] -> [{b}]").format(a=";".join(u["awards"]["a"]),
                                                       b=";".join(u["awards"]["b"])))
    if "tied" in u or "decided_by" in u:
        extra.append(_("tie-break {change}").format(change=_tie_change(u)))
    lines = [f"{head}{_change(u, 'total'):<16}  {_change(u, 'rank'):<7}  {'; '.join(extra)}".rstrip()]
    for key in ("criteria", "groups"):
        if key in u:
            lines.append(" " * (uw + 4) + ", ".join(f"{k} {_show(v['a'])} -> {_show(v['b'])}"
                                                    for k, v in u[key].items()))
    return lines
