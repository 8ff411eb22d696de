"""What changed from one ruleset to the next, in the words a council member reads: groups
and criteria added, removed or re-weighted (their maximum changed), a criterion's way of
scoring changed (thresholds, targets, points), classes, ranking order and tie-breaks,
eligibility conditions, award quotas and requirements, and the objection period.

Items are matched by id and named by their title (the id where there is none)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from emuscore.i18n import _
from emuscore.model import Criterion, Ruleset
from emuscore.structure import unstructure


def _shown(value: Any) -> str:
    """A TOML value as an author wrote it: 7 not 7.00, a list as [a, b], a table as {k = v}."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(map(_shown, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_shown(v)}" for k, v in value.items()) + "}"
    if value is None:
        return _("(none)")
    return str(value)


def _name(item: Any) -> str:
    return f"{item.title} ({item.id})" if getattr(item, "title", None) else str(item.id)


def _changes(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[str]:
    """'key: old → new' for each key whose value differs (keys in either); two lists of
    tables of the same length (a criterion's thresholds) item by item, numbered from 1."""
    out = []
    for k in [*old, *(k for k in new if k not in old)]:
        was, now = old.get(k), new.get(k)
        if was == now:
            continue
        if (isinstance(was, list) and isinstance(now, list) and len(was) == len(now)
                and all(isinstance(x, dict) for x in [*was, *now])):
            for i, (a, b) in enumerate(zip(was, now, strict=True), 1):
                out += _changes(a, b, f"{prefix}{k} {i}, ")
        else:
            out.append(f"{prefix}{k}: {_shown(was)} → {_shown(now)}")
    return out


def _table(item: Any, skip: Sequence[str] = ()) -> dict[str, Any]:
    table = unstructure(item)
    return {k: v for k, v in table.items() if k not in skip}


def _criterion_table(c: Criterion) -> dict[str, Any]:
    return {"scorer": c.scorer, **unstructure(c.params)} if c.params is not None else {"scorer": c.scorer}


def _by_id(items: Sequence[Any]) -> dict[str, Any]:
    return {item.id: item for item in items}


def _max(item: Any) -> str:
    return _shown(item.max) if item.max is not None else _("no cap")


def _groups(old: Ruleset, new: Ruleset) -> Iterator[str]:
    was, now = _by_id(old.groups), _by_id(new.groups)
    for gid, g in now.items():
        if gid not in was:
            yield _("group added: {group}, at most {max} points").format(group=_name(g), max=_max(g))
        elif was[gid].max != g.max:
            yield _("group re-weighted: {group}, at most {old} → {new} points").format(
                group=_name(g), old=_max(was[gid]), new=_max(g))
    for gid, g in was.items():
        if gid not in now:
            yield _("group removed: {group} (was at most {max} points)").format(
                group=_name(g), max=_max(g))


def _criteria(old: Ruleset, new: Ruleset) -> Iterator[str]:
    was, now = _by_id(old.criteria), _by_id(new.criteria)
    for cid, c in now.items():
        if cid not in was:
            yield _("criterion added: {criterion}, {max} points, in group {group}, scored by "
                    "{scorer}").format(
                criterion=_name(c), max=_max(c), group=c.group or _("(none: outside the groups)"),
                scorer=c.scorer)
            continue
        before = was[cid]
        if before.max != c.max:
            yield _("criterion re-weighted: {criterion}, {old} → {new} points").format(
                criterion=_name(c), old=_max(before), new=_max(c))
        if before.group != c.group:
            yield _("criterion moved: {criterion}, from group {old} to group {new}").format(
                criterion=_name(c), old=_shown(before.group), new=_shown(c.group))
        changed = _changes(_criterion_table(before), _criterion_table(c))
        if changed:
            yield _("criterion scored differently: {criterion}: {changes}").format(
                criterion=_name(c), changes="; ".join(changed))
    for cid, c in was.items():
        if cid not in now:
            yield _("criterion removed: {criterion} (was {max} points)").format(
                criterion=_name(c), max=_max(c))


def _classification(old: Ruleset, new: Ruleset) -> Iterator[str]:
    was = {b.label: b for b in (old.classification.bands if old.classification else ())}
    now = {b.label: b for b in (new.classification.bands if new.classification else ())}
    for label, band in now.items():
        if label not in was:
            yield _("class added: {label} ({rule})").format(
                label=label, rule=_shown(_table(band, ("label",))))
        else:
            changed = _changes(_table(was[label], ("label",)), _table(band, ("label",)))
            if changed:
                yield _("class thresholds changed: {label}: {changes}").format(
                    label=label, changes="; ".join(changed))
    for label in was:
        if label not in now:
            yield _("class removed: {label}").format(label=label)
    if list(was) != list(now) and set(was) == set(now):
        yield _("classes checked in a new order: {old} → {new}").format(
            old=", ".join(was), new=", ".join(now))


def _ranking(old: Ruleset, new: Ruleset) -> Iterator[str]:
    if old.ranking != new.ranking:
        yield _("ranking order and tie-breaks changed: {old} → {new}").format(
            old=", ".join(old.ranking.order), new=", ".join(new.ranking.order))


def _listed(kind_added: str, kind_changed: str, kind_removed: str,
            was: dict[str, Any], now: dict[str, Any]) -> Iterator[str]:
    for item_id, item in now.items():
        if item_id not in was:
            yield kind_added.format(item=_name(item), rule=_shown(_table(item, ("id", "title"))))
        else:
            changed = _changes(_table(was[item_id], ("id", "title")), _table(item, ("id", "title")))
            if changed:
                yield kind_changed.format(item=_name(item), changes="; ".join(changed))
    for item_id, item in was.items():
        if item_id not in now:
            yield kind_removed.format(item=_name(item))


def _publication(old: Ruleset, new: Ruleset) -> Iterator[str]:
    was = old.publication.objection_days if old.publication else None
    now = new.publication.objection_days if new.publication else None
    if was != now:
        yield _("objection period changed: {old} → {new} working days").format(
            old=_shown(was), new=_shown(now))


def differences(old: Ruleset, new: Ruleset) -> list[str]:
    """One line per change from `old` to `new`, most consequential first; [] when the two
    score alike (comments, order of keys and layout aside)."""
    lines = []
    if old.meta.effective != new.meta.effective:
        def period(r: Ruleset) -> str:
            e = r.meta.effective
            return _("{start} to {end}").format(start=e.from_, end=e.to) if e else _("(none)")
        lines.append(_("in force: {old} → {new}").format(old=period(old), new=period(new)))
    scale = _changes({"scale": old.meta.scale, "rounding": old.meta.rounding},
                     {"scale": new.meta.scale, "rounding": new.meta.rounding})
    if scale:
        lines.append(_("rounding of every score changed: {changes}").format(changes="; ".join(scale)))
    lines += _groups(old, new)
    lines += _criteria(old, new)
    lines += _classification(old, new)
    lines += _ranking(old, new)
    lines += _listed(_("condition added: {item} ({rule})"),
                     _("condition changed: {item}: {changes}"),
                     _("condition removed: {item}"), _by_id(old.gates), _by_id(new.gates))
    lines += _listed(_("award added: {item} ({rule})"),
                     _("award quota or requirements changed: {item}: {changes}"),
                     _("award removed: {item}"), _by_id(old.awards), _by_id(new.awards))
    lines += _publication(old, new)
    return lines


__all__ = ["differences"]
