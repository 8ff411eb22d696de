"""One unit's evaluation in words: the formula with its values, the branch each `if`
took, each aggregate's value (and which unit supplied a max or min), the exact result."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from emuscore.formula.checker import AGGREGATES, Program
from emuscore.formula.evaluator import Env, Evaluation, Num
from emuscore.formula.nodes import Call, Expr, If, Name, children, fraction_text, to_text
from emuscore.i18n import _


def _value_text(value: Fraction) -> str:
    text = fraction_text(value)
    return f"({text})" if value < 0 or "/" in text else text


def explain(program: Program, env: Env, unit: int) -> list[str]:
    """Lines explaining `program` for the unit at index `unit`. Never raises for the
    unit's data: an error the unit meets is the last line."""
    if not 0 <= unit < env.size:
        raise IndexError(f"unit index {unit} is outside 0..{env.size - 1}")
    trace: dict[int, object] = {}
    run = Evaluation(program, env, trace)
    rows = np.array([unit])
    value = run.run(rows)
    problem = run.first_problem(value, rows)
    ids = env.unit_ids

    def substitute(node: Expr) -> str | None:
        if isinstance(node, Name):
            column = env.columns[node.text]
            if column.missing[unit]:
                return _("missing")
            return _value_text(Fraction(int(column.values[unit]), 10**column.scale))
        if isinstance(node, Call) and node.name in AGGREGATES:
            # The names inside range over the cluster: show the value, or the call as written.
            got = trace.get(id(node))
            if not isinstance(got, tuple) or got[0] == "fault":
                return program.source(node)
            return _("missing") if got[0] is None else _value_text(got[0])
        return None

    lines = [_("unit {unit}: {formula}").format(unit=ids[unit],
                                                formula=program.text or to_text(program.expr)),
             _("with its values: {formula}").format(formula=to_text(program.expr, substitute))]
    stack: list[Expr] = [program.expr]
    while stack:
        node = stack.pop()
        stack.extend(reversed(children(node)))
        seen = trace.get(id(node))
        if seen is None:
            continue
        if isinstance(node, If):
            cond = program.source(node.cond)
            if seen == "fault":
                lines.append(_("if {condition} (column {column}): could not be decided").format(
                    condition=cond, column=node.column))
            else:
                taken = _("true, so 'then'") if seen == "then" else _("false, so 'else'")
                lines.append(_("if {condition} (column {column}): {taken}").format(
                    condition=cond, column=node.column, taken=taken))
        elif isinstance(node, Call):
            assert isinstance(seen, tuple)
            got, which = seen
            text = program.source(node)
            if got == "fault":
                lines.append(_("{call} = could not be computed (see the error)").format(call=text))
            elif got is None:
                lines.append((_("{call} = missing (no unit of the cluster has a value)")
                              if node.name.startswith("cluster_") else
                              _("{call} = missing (no unit of the data has a value)")).format(call=text))
            else:
                source = ""
                if which is not None and node.name.endswith(("_max", "_min")):
                    source = _(" (from unit {unit})").format(unit=ids[which])
                assert isinstance(got, Fraction)
                lines.append(f"{text} = {fraction_text(got)}{source}")
    if problem is not None:
        lines.append(_("error: {message}").format(message=problem.message))
    elif isinstance(value, Num):
        exact = value.q.fraction(0)
        lines.append(_("exact value before rounding: {value}").format(value=fraction_text(exact)))
    else:
        lines.append(_("value: {value}").format(value=_("true") if bool(value.value[0]) else _("false")))
    return lines
