"""Static checks: every name known, every function called with the right arity, every
operand of the right type (number or boolean). The result is a typed `Program`."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal, TypeAlias

from attrs import frozen

from emuscore.formula.errors import MAX_DEPTH, MAX_ROUND_DIGITS, FormulaError
from emuscore.formula.nodes import (
    Binary,
    BoolOp,
    Call,
    Compare,
    Expr,
    If,
    Name,
    Not,
    Number,
    Unary,
    to_text,
    tree_depth,
)
from emuscore.formula.parser import parse
from emuscore.i18n import _, ngettext
from emuscore.problems import did_you_mean

Type: TypeAlias = Literal["number", "boolean"]

CLUSTER_AGGREGATES = ("cluster_max", "cluster_min", "cluster_sum", "cluster_mean", "cluster_count")
ALL_AGGREGATES = ("all_max", "all_min", "all_sum", "all_mean", "all_count")
AGGREGATES = frozenset(CLUSTER_AGGREGATES + ALL_AGGREGATES)

# name: (fewest arguments, most arguments or None for any, how to call it)
FUNCTIONS: dict[str, tuple[int, int | None, str]] = {
    "min": (2, None, "min(a, b, ...)"),
    "max": (2, None, "max(a, b, ...)"),
    "abs": (1, 1, "abs(x)"),
    "clamp": (3, 3, "clamp(x, lo, hi)"),
    "round": (2, 2, "round(x, n)"),
    "floor": (1, 1, "floor(x)"),
    "ceil": (1, 1, "ceil(x)"),
    "has": (1, 1, "has(x)"),
    "coalesce": (2, None, "coalesce(x, y, ...)"),
    **{name: (1, 1, f"{name}(x)") for name in sorted(AGGREGATES)},
}
"""Every function a formula may call (`if(cond, a, b)` is parsed as an `if` expression)."""


@frozen(eq=False)
class Program:
    """A checked formula: its tree, its text, its type and the names it reads (in the
    order they first appear), for the host's dependency ordering."""

    expr: Expr
    text: str
    type: Type
    names: tuple[str, ...]

    def source(self, node: Expr) -> str:
        """The text of one node as written (or printed, for trees built by hand)."""
        return source_of(self.text, node)


def source_of(text: str, node: Expr) -> str:
    if text and 0 < node.column < node.end <= len(text) + 1:
        return text[node.column - 1:node.end - 1]
    return to_text(node)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _arguments(k: int, at_least: bool) -> str:
    return (ngettext("at least {n} argument", "at least {n} arguments", k) if at_least else
            ngettext("{n} argument", "{n} arguments", k)).format(n=k)


class _Checker:
    def __init__(self, text: str, names: Collection[str]) -> None:
        self.text = text
        self.known = names if isinstance(names, set | frozenset | dict) else frozenset(names)
        self.errors: list[FormulaError] = []
        self.reads: dict[str, None] = {}

    def error(self, message: str, node: Expr, kind: str, column: int | None = None) -> None:
        self.errors.append(FormulaError(message, column if column is not None else node.column,
                                        text=self.text, kind=kind))

    def src(self, node: Expr) -> str:
        return _short(source_of(self.text, node))

    def want(self, node: Expr, want: Type, what: str) -> None:
        got = self.type(node)
        if got == want or got is None:
            return
        if want == "number":
            self.error(_("{what} needs a number, but `{source}` is true/false").format(
                what=what, source=self.src(node)), node, "type")
        else:
            self.error(_("{what} needs true/false, but `{source}` is a number; compare it, e.g. "
                         "`{source} > 0`").format(what=what, source=self.src(node)), node, "type")

    def type(self, node: Expr) -> Type | None:
        """The node's type, or None when an error already made it unknown."""
        if isinstance(node, Number):
            return "number"
        if isinstance(node, Name):
            if node.text not in self.known:
                if node.text in FUNCTIONS:
                    self.error(_("{name} is a function; call it as {usage}").format(
                        name=node.text, usage=FUNCTIONS[node.text][2]), node, "name")
                else:
                    self.error(_("unknown name '{name}'{suggestion}").format(
                        name=node.text, suggestion=did_you_mean(node.text, self.known)), node, "name")
                return "number"
            self.reads.setdefault(node.text, None)
            return "number"
        if isinstance(node, Unary):
            self.want(node.operand, "number", _("unary '-'"))
            return "number"
        if isinstance(node, Binary):
            self.want(node.left, "number", f"'{node.op}'")
            self.want(node.right, "number", f"'{node.op}'")
            return "number"
        if isinstance(node, Compare):
            self.want(node.left, "number", f"'{node.op}'")
            self.want(node.right, "number", f"'{node.op}'")
            return "boolean"
        if isinstance(node, BoolOp):
            self.want(node.left, "boolean", f"'{node.op}'")
            self.want(node.right, "boolean", f"'{node.op}'")
            return "boolean"
        if isinstance(node, Not):
            self.want(node.operand, "boolean", "'not'")
            return "boolean"
        if isinstance(node, If):
            self.want(node.cond, "boolean", _("the condition of 'if'"))
            then, orelse = self.type(node.then), self.type(node.orelse)
            if then is not None and orelse is not None and then != orelse:
                names = {"number": _("a number"), "boolean": _("true/false")}
                self.error(_("the branches of 'if' must be of one type: 'then' gives {then}, "
                             "'else' gives {orelse}").format(then=names[then], orelse=names[orelse]),
                           node.orelse, "type")
                return None
            return then if then is not None else orelse
        return self.call(node)

    def call(self, node: Call) -> Type | None:
        name, args = node.name, node.args
        if name not in FUNCTIONS:
            if name.lower() in FUNCTIONS:
                hint = _("; functions are lowercase: write {function}(").format(function=name.lower())
            elif name in self.known:
                hint = _("; '{name}' is a name, not a function (write {name} * (...) to "
                         "multiply)").format(name=name)
            else:
                hint = did_you_mean(name, FUNCTIONS)
            self.error(_("unknown function '{name}'{hint}").format(name=name, hint=hint), node, "name")
            for a in args:
                self.type(a)
            return None
        low, high, usage = FUNCTIONS[name]
        if len(args) < low or (high is not None and len(args) > high):
            self.error(_("{function} takes {expected} ({usage}), got {n}").format(
                function=name, expected=_arguments(low, high is None), usage=usage, n=len(args)),
                node, "type")
            for a in args:
                self.type(a)
            return "boolean" if name == "has" else "number"
        if name == "round":
            self.want(args[0], "number", "round()")
            n = args[1]
            if not (isinstance(n, Number) and n.value.denominator == 1
                    and 0 <= n.value <= MAX_ROUND_DIGITS):
                self.error(_("round(x, n): n must be a whole number from 0 to {limit}, written as "
                             "a number").format(limit=MAX_ROUND_DIGITS), n, "type")
            return "number"
        for a in args:
            self.want(a, "number", f"{name}()")
        if name == "clamp":
            lo, hi = args[1], args[2]
            if isinstance(lo, Number) and isinstance(hi, Number) and lo.value > hi.value:
                self.error(_("clamp(x, lo, hi): lo ({lo}) is greater than hi ({hi})").format(
                    lo=self.src(lo), hi=self.src(hi)), lo, "bounds")
        return "boolean" if name == "has" else "number"


def check(formula: Expr | str, names: Collection[str], want: Type = "number") -> Program:
    """Parse (if text) and check a formula against the names the host knows.

    Raises FormulaError; when several mistakes are found they are all in `.errors`."""
    if isinstance(formula, str):
        text, expr = formula, parse(formula)
    else:
        if not isinstance(formula, Number | Name | Unary | Binary | Compare | BoolOp | Not | If
                          | Call):
            raise FormulaError(_("a formula must be text or a parsed tree, not {type}").format(
                type=type(formula).__name__), kind="syntax")
        text, expr = "", formula
        if tree_depth(expr) > MAX_DEPTH:
            raise FormulaError(_("formula more than {limit} operations deep").format(limit=MAX_DEPTH),
                               kind="limit")
    if want not in ("number", "boolean"):
        raise ValueError(f"want must be 'number' or 'boolean', not {want!r}")
    checker = _Checker(text, names)
    got = checker.type(expr)
    if not checker.errors and got != want:
        gives = "true/false" if got == "boolean" else "a number"
        needs = "true/false" if want == "boolean" else "a number"
        checker.error(f"the formula gives {gives} but {needs} is needed", expr, "type", 1)
    if checker.errors:
        raise FormulaError.many(checker.errors)
    return Program(expr, text, want, tuple(checker.reads))
