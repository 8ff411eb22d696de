"""A ruleset's canonical text, comments kept (`emuscore fmt`).

Canonical means: sections' keys in the order the format documents them (a criterion's
id, group, title, scorer, max, then its scorer's own keys), `key = value` with one space
each side, inline tables as `{ a = 1, b = 2 }` and one-line arrays as `[a, b]`, at most
one blank line in a row and one before each table header (with the comments above it),
no trailing spaces, one newline at the end. Comments stay with the key below them (or
the header below them); multi-line arrays keep their own layout and comments; numbers,
dates and strings keep the way they were written, so no value can change. The result is
checked to read back to exactly the same data, whatever the formatting did.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from emuscore.i18n import _
from emuscore.model import (
    AwardRule,
    Classification,
    DataFormat,
    Gate,
    Group,
    IndicatorSpec,
    Meta,
    Publication,
    Ranking,
)
from emuscore.problems import EmuscoreError, Problem, RulesetError
from emuscore.structure import toml_key

SECTION_CLASSES: dict[str, type] = {
    "ruleset": Meta, "groups": Group, "classification": Classification, "ranking": Ranking,
    "gates": Gate, "awards": AwardRule, "publication": Publication, "indicators": IndicatorSpec,
    "data": DataFormat}
CRITERION_KEYS = ("id", "group", "title", "scorer", "max")
ScorerKeys = Callable[[str], Sequence[str]]
"""The keys of a scorer's params in their declared order (none for an unknown scorer)."""


def key_order(section: str, table: dict[str, Any], scorer_keys: ScorerKeys) -> list[str]:
    """What names a thing first (id, group, title), then the rest as the format declares it."""
    if section == "criteria":
        scorer = table.get("scorer")
        return [*CRITERION_KEYS, *(scorer_keys(scorer) if isinstance(scorer, str) else ())]
    cls = SECTION_CLASSES.get(section)
    declared = [toml_key(f) for f in attrs.fields(cls)] if cls else []
    first = [k for k in ("id", "title") if k in declared]
    return [*first, *(k for k in declared if k not in first)]


def _value(item: Any) -> str:
    """One value in canonical form (inline tables and one-line arrays rewritten)."""
    from tomlkit.items import Array, InlineTable

    if isinstance(item, InlineTable):
        pairs = [f"{k.as_string().strip()} = {_value(v)}" for k, v in item.value.body if k is not None]
        return "{ " + ", ".join(pairs) + " }" if pairs else "{}"
    if isinstance(item, Array) and "\n" not in item.as_string():
        return "[" + ", ".join(_value(v) for v in item) + "]"
    return str(item.as_string()).strip()


def _body(section: str, container: Any, scorer_keys: ScorerKeys) -> list[str]:
    """The lines of one table's body: key-values in canonical order, each with the comment
    lines above it; comments after the last key stay last."""
    from tomlkit.items import AoT, Comment, Table, Whitespace

    segments: list[tuple[str, list[str]]] = []
    pending: list[str] = []
    for key, item in container.body:
        if isinstance(item, Comment):
            pending.append(item.as_string().strip())
        elif isinstance(item, Whitespace):
            pending += [""] * item.as_string().count("\n")
        elif isinstance(item, Table | AoT):      # a sub-table: kept as written
            segments.append(("\0", [*pending, *item.as_string().rstrip("\n").split("\n")]))
            pending = []
        else:
            line = f"{key.as_string().strip()} = {_value(item)}"
            if item.trivia.comment:
                line += "  " + item.trivia.comment.strip()
            segments.append((key.key, [*pending, line]))
            pending = []
    order = key_order(section, {k: v for k, v in container.items()}, scorer_keys)
    rank = {k: i for i, k in enumerate(order)}
    segments.sort(key=lambda s: rank.get(s[0], len(rank)))
    return [line for _k, lines in segments for line in lines] + pending


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


def canonical(text: str, source: str, scorer_keys: ScorerKeys) -> str:
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
            lines += _body("", _Plain(top), scorer_keys)
            top = []
            lines += _table(key.as_string().strip(), key.key, item, scorer_keys)
        elif key is not None and isinstance(item, AoT):
            lines += _body("", _Plain(top), scorer_keys)
            top = []
            for table in item.body:
                lines += [f"[[{key.as_string().strip()}]]", *_body(key.key, table.value, scorer_keys)]
        else:
            top.append((key, item))
    lines += _body("", _Plain(top), scorer_keys)
    out = _tidy(lines)
    if tomllib.loads(out, parse_float=Decimal) != before:
        raise EmuscoreError(Problem(_("fmt would change what the ruleset says, so it left the file "
                                      "as it is; please report this"), source))
    return out


def _table(name: str, section: str, item: Any, scorer_keys: ScorerKeys) -> list[str]:
    """A [table] and its body; a table written only through its sub-tables
    (`[indicators.ID]` headers, no `[indicators]`) as those sub-tables, in their order."""
    from tomlkit.items import Table

    if not item.is_super_table():
        return [f"[{name}]", *_body(section, item.value, scorer_keys)]
    lines: list[str] = []
    for key, sub in item.value.body:
        if key is not None and isinstance(sub, Table):
            lines += _table(f"{name}.{key.as_string().strip()}", section, sub, scorer_keys)
        else:
            lines += sub.as_string().rstrip("\n").split("\n")
    return lines


class _Plain:
    """Top-level lines (comments, and keys outside any table) shaped like a container."""

    def __init__(self, body: list[tuple[Any, Any]]) -> None:
        self.body = body

    def items(self) -> list[tuple[str, Any]]:
        return [(k.key, v) for k, v in self.body if k is not None]


__all__ = ["canonical", "key_order"]
