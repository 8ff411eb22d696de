"""Formulas as a ruleset uses them: compiled once from their text, evaluated against the
data and, after scoring, against the scores. Which names a ruleset may use is decided
here: an indicator by its name, `criterion.ID`, `group.ID`, and after scoring `total`,
`deductions` and `bonus`."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from emuscore.formula.checker import Program, Type, check
from emuscore.formula.errors import FormulaError
from emuscore.formula.nodes import Expr, Name, children
from emuscore.formula.parser import parse
from emuscore.i18n import _

REFERENCE_PREFIXES = ("criterion.", "group.")
SCORE_NAMES = ("total", "deductions", "bonus")
"""Names a formula evaluated after scoring (a gate, a band, a ranking key) may read."""


def _names(tree: Expr) -> Iterator[str]:
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, Name):
            yield node.text
        todo.extend(children(node))


@functools.lru_cache(maxsize=4096)
def program(text: str, want: Type = "number") -> Program:
    """The checked formula. Every name parses as known here: whether it exists is for the
    ruleset (criteria, groups) and the data (indicators) to say, with their own messages."""
    return check(text, set(_names(parse(text))), want)


def references(p: Program) -> tuple[str, ...]:
    """The criteria and groups a formula reads."""
    return tuple(n for n in p.names if n.startswith(REFERENCE_PREFIXES))


def indicators(p: Program) -> tuple[str, ...]:
    """The data's indicators a formula reads."""
    return tuple(n for n in p.names if not n.startswith(REFERENCE_PREFIXES)
                 and n not in SCORE_NAMES)


def shown(error: FormulaError) -> str:
    """A formula error as a ruleset reports it: the column, the message, then the formula
    and a caret under the spot, each on its own indented line."""
    lines = []
    for e in error.errors:
        at = _("column {column}: ").format(column=e.column) if e.column is not None else ""
        lines.append(at + e.message + "".join(f"\n    {line}" for line in e.caret_lines()))
    return "\n".join(lines)


def problems(text: str, want: Type, criterion_ids: list[str], group_ids: list[str],
             scored: bool) -> list[str]:
    """What is wrong with a formula of the ruleset: its syntax and types, and the criteria
    and groups it names (`scored`: it is evaluated after scoring, so it may read `total`)."""
    from emuscore.problems import did_you_mean

    try:
        p = program(text, want)
    except FormulaError as e:
        return [shown(e)]
    out = []
    ids = {"criterion": criterion_ids, "group": group_ids}
    for name in references(p):
        kind, _dot, ref = name.partition(".")
        if ref not in ids[kind]:
            out.append((_("no criterion '{id}'{suggestion} (the formula reads '{name}')")
                        if kind == "criterion" else
                        _("no group '{id}'{suggestion} (the formula reads '{name}')")).format(
                id=ref, suggestion=did_you_mean(ref, ids[kind]), name=name))
    if not scored:
        out += [_("'{name}' is known only after scoring; read criterion.ID or group.ID "
                  "instead").format(name=n) for n in p.names if n in SCORE_NAMES]
    return out
