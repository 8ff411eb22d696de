"""A ruleset's canonical text, comments kept (`emuscore fmt`).

Canonical means: sections' keys in the order the format documents them (a criterion's
id, group, title, scorer, max, then its scorer's own keys; an inline table's as the class
it is read into declares them), `key = value` with one space each side, inline tables as
`{ a = 1, b = 2 }` and one-line arrays as `[a, b]`, sub-tables after the keys, at most
one blank line in a row and one before each table header (with the comments above it),
no trailing spaces, one newline at the end. Comments stay with the key below them (or
the header below them); multi-line arrays keep their own layout and comments; numbers,
dates and strings keep the way they were written, so no value can change. The result is
checked to read back to exactly the same data, whatever the formatting did.
"""

from __future__ import annotations

import tomllib
import types
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Union, get_args, get_origin

import attrs

from emuscore.i18n import _
from emuscore.model import Criterion, IndicatorSpec
from emuscore.problems import EmuscoreError, Problem, RulesetError
from emuscore.schema import ARRAYS, TABLES
from emuscore.structure import toml_key, type_hints

SECTION_CLASSES: dict[str, type] = {**TABLES, **ARRAYS, "indicators": IndicatorSpec}
KEYED: dict[str, type] = {"indicators": IndicatorSpec}
"""Sections that are tables keyed by id (`[indicators.ID]`, or `ID = { ... }` inside
`[indicators]`): their entries keep the order they were written in, as criteria do."""
CRITERION_KEYS = ("id", "group", "title", "scorer", "max")
ScorerParams = Callable[[str], type | None]
"""A scorer's `Params` class by the scorer's name (None for an unknown scorer)."""


def _classes(section: str, table: Mapping[str, Any], scorer_params: ScorerParams) -> list[type]:
    """The attrs classes whose fields a table's keys are (a criterion's: Criterion's and its
    scorer's Params')."""
    if section == "criteria":
        scorer = table.get("scorer")
        params = scorer_params(scorer) if isinstance(scorer, str) else None
        return [Criterion, params] if params else [Criterion]
    cls = SECTION_CLASSES.get(section)
    return [cls] if cls else []


def _declared(cls: type) -> list[str]:
    return [toml_key(f) for f in attrs.fields(cls) if f.metadata.get("dump", True)]


def key_order(section: str, table: Mapping[str, Any], scorer_params: ScorerParams) -> list[str]:
    """What names a thing first (id, group, title, and a criterion's scorer and max), then
    the rest as the format declares it."""
    classes = _classes(section, table, scorer_params)
    if section == "criteria":
        return [*CRITERION_KEYS, *(k for cls in classes[1:] for k in _declared(cls))]
    declared = [k for cls in classes for k in _declared(cls)]
    first = [k for k in ("id", "title") if k in declared]
    return [*first, *(k for k in declared if k not in first)]


def _nested(classes: Sequence[type], key: str) -> type | None:
    """The attrs class a key's value is read into (a table, or each table of a list)."""
    for cls in classes:
        for f in attrs.fields(cls):
            if toml_key(f) == key:
                typ = type_hints(cls)[f.name]
                while get_origin(typ) in (Union, types.UnionType, tuple):
                    typ = next(a for a in get_args(typ) if a is not type(None))
                return typ if attrs.has(typ) else None
    return None


def _value(item: Any, cls: type | None = None) -> str:
    """One value in canonical form: an inline table `{ a = 1, b = 2 }` with its keys in
    the order of `cls` (the class it is read into), a one-line array `[a, b]`."""
    from tomlkit.items import Array, InlineTable

    if isinstance(item, InlineTable):
        pairs = [(k.key, k.as_string().strip(), v) for k, v in item.value.body if k is not None]
        rank = {k: i for i, k in enumerate(_declared(cls))} if cls else {}
        pairs.sort(key=lambda p: rank.get(p[0], len(rank)))
        shown = [f"{name} = {_value(v, _nested([cls], key) if cls else None)}" for key, name, v in pairs]
        return "{ " + ", ".join(shown) + " }" if shown else "{}"
    if isinstance(item, Array) and "\n" not in item.as_string():
        return "[" + ", ".join(_value(v, cls) for v in item) + "]"
    return str(item.as_string()).strip()


def _body(section: str, container: Any, scorer_params: ScorerParams, path: str,
          classes: list[type] | None = None, by_id: list[type] | None = None) -> list[str]:
    """The lines of one table's body: key-values in canonical order, each with the comment
    lines above it, then its sub-tables (`[path.key]`, `[[path.key]]`) each with its own
    body; comments after the last key stay last. `classes`: what the table is read into,
    when it is not a section (a sub-table); `by_id`: what a sub-table that is no field of
    those classes is read into (the tables of a table keyed by id)."""
    from tomlkit.items import AoT, Comment, Table, Whitespace

    table = {k: v for k, v in container.items()}
    if classes is None and section in KEYED:      # ids as keys: the author's order stays
        classes, order, by_id = [], [], [KEYED[section]]
    elif classes is None:
        classes = _classes(section, table, scorer_params)
        order = key_order(section, table, scorer_params)
    else:
        order = [k for cls in classes for k in _declared(cls)]
    segments: list[tuple[str, list[str]]] = []
    subtables: list[str] = []
    pending: list[str] = []
    for key, item in container.body:
        if isinstance(item, Comment):
            pending.append(item.as_string().strip())
        elif isinstance(item, Whitespace):
            pending += [""] * item.as_string().count("\n")
        elif isinstance(item, Table | AoT):
            name = f"{path}.{key.as_string().strip()}"
            nested = _nested(classes, key.key)
            inner = [nested] if nested else (by_id or [])
            subtables += pending
            for one in (item.body if isinstance(item, AoT) else [item]):
                header = f"[[{name}]]" if isinstance(item, AoT) else f"[{name}]"
                subtables += ["", header, *_body("", one.value, scorer_params, name, inner)]
            pending = []
        else:
            cls = _nested(classes, key.key) or (by_id[0] if by_id and not classes else None)
            line = f"{key.as_string().strip()} = {_value(item, cls)}"
            if item.trivia.comment:
                line += "  " + item.trivia.comment.strip()
            segments.append((key.key, [*pending, line]))
            pending = []
    rank = {k: i for i, k in enumerate(order)}
    segments.sort(key=lambda s: rank.get(s[0], len(rank)))
    return [line for _k, lines in segments for line in lines] + pending + subtables


def _tidy(lines: list[str]) -> str:
    """At most one blank line in a row, one before each header and the comments above it,
    none at the start or the end."""
    out: list[str] = []
    for line in (x.rstrip() for x in lines):
        if line == "" and (not out or out[-1] == ""):
            continue
        if line.startswith("["):
            at = len(out)
            while at > 0 and out[at - 1].startswith("#"):
                at -= 1
            if at > 0 and out[at - 1] != "":
                out.insert(at, "")
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def canonical(text: str, source: str, scorer_params: ScorerParams) -> str:
    """`text` in canonical form; RulesetError if it is not TOML."""
    import tomlkit
    from tomlkit.exceptions import ParseError
    from tomlkit.items import AoT, Table

    try:
        before = tomllib.loads(text, parse_float=Decimal)
        doc = tomlkit.parse(text)
    except (tomllib.TOMLDecodeError, ParseError) as e:
        raise RulesetError(Problem(_("not valid TOML: {reason}").format(reason=e), source)) from None
    lines: list[str] = []
    top: list[tuple[Any, Any]] = []
    for key, item in doc.body:
        if key is not None and isinstance(item, Table):
            lines += _body("", _Plain(top), scorer_params, "")
            top = []
            lines += _table(key.as_string().strip(), key.key, item, scorer_params)
        elif key is not None and isinstance(item, AoT):
            name = key.as_string().strip()
            lines += _body("", _Plain(top), scorer_params, "")
            top = []
            for table in item.body:
                lines += [f"[[{name}]]", *_body(key.key, table.value, scorer_params, name)]
        else:
            top.append((key, item))
    lines += _body("", _Plain(top), scorer_params, "")
    out = _tidy(lines)
    if tomllib.loads(out, parse_float=Decimal) != before:
        raise EmuscoreError(Problem(_("fmt would change what the ruleset says, so it left the file "
                                      "as it is; please report this"), source))
    return out


def _table(name: str, section: str, item: Any, scorer_params: ScorerParams) -> list[str]:
    """A [table] and its body; a table written only through its sub-tables (no `[section]`
    header: `[[classification.bands]]`, or `[section.ID]` for a table of tables keyed by
    id) as those sub-tables: a field's as its class, a keyed one as one of the section's."""
    if not item.is_super_table():
        return [f"[{name}]", *_body(section, item.value, scorer_params, name)]
    own = _classes(section, {}, scorer_params)
    return _body(section, item.value, scorer_params, name, classes=own, by_id=own)


class _Plain:
    """Top-level lines (comments, and keys outside any table) shaped like a container."""

    def __init__(self, body: list[tuple[Any, Any]]) -> None:
        self.body = body

    def items(self) -> list[tuple[str, Any]]:
        return [(k.key, v) for k, v in self.body if k is not None]


__all__ = ["canonical", "key_order"]
