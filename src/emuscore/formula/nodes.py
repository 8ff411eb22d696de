"""The syntax tree of a formula, and printing it back to text.

Nodes are frozen attrs classes. Their positions (`column`, `end`, `op_column`, 1-based
into the formula text, `end` one past the last character) do not take part in equality,
so `parse("a+b") == parse("a + b")`."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TypeAlias

from attrs import field, frozen

from emuscore.exact import format_units


def _position() -> int:
    return field(default=0, eq=False, kw_only=True)


@frozen
class Number:
    value: Fraction
    column: int = _position()
    end: int = _position()


@frozen
class Name:
    text: str
    column: int = _position()
    end: int = _position()


@frozen
class Unary:
    op: str  # "-"
    operand: Expr
    column: int = _position()
    end: int = _position()


@frozen
class Binary:
    op: str  # "+", "-", "*", "/"
    left: Expr
    right: Expr
    column: int = _position()
    end: int = _position()
    op_column: int = _position()


@frozen
class Compare:
    op: str  # "==", "!=", "<", "<=", ">", ">="
    left: Expr
    right: Expr
    column: int = _position()
    end: int = _position()
    op_column: int = _position()


@frozen
class BoolOp:
    op: str  # "and", "or"
    left: Expr
    right: Expr
    column: int = _position()
    end: int = _position()
    op_column: int = _position()


@frozen
class Not:
    operand: Expr
    column: int = _position()
    end: int = _position()


@frozen
class If:
    cond: Expr
    then: Expr
    orelse: Expr
    column: int = _position()
    end: int = _position()


@frozen
class Call:
    name: str
    args: tuple[Expr, ...]
    column: int = _position()
    end: int = _position()


Expr: TypeAlias = Number | Name | Unary | Binary | Compare | BoolOp | Not | If | Call


def children(node: Expr) -> tuple[Expr, ...]:
    if isinstance(node, Unary | Not):
        return (node.operand,)
    if isinstance(node, Binary | Compare | BoolOp):
        return (node.left, node.right)
    if isinstance(node, If):
        return (node.cond, node.then, node.orelse)
    if isinstance(node, Call):
        return node.args
    return ()


def tree_depth(node: Expr) -> int:
    """How deep the tree is (a leaf is 1), without recursion."""
    deepest = 0
    stack = [(node, 1)]
    while stack:
        n, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((c, d + 1) for c in children(n))
    return deepest


def fraction_text(value: Fraction) -> str:
    """An exact value as a decimal when it terminates ('12.5', '-0.25'), else 'n/d'."""
    num, den = value.numerator, value.denominator
    twos = fives = 0
    d = den
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        return f"{num}/{den}"
    places = max(twos, fives)
    return format_units(num * 10**places // den, places)


# Binding power of each form: a child printed where a higher one is needed gets parentheses.
_IF, _OR, _AND, _NOT, _CMP, _ADD, _MUL, _NEG, _ATOM = range(9)
_BINARY = {"+": _ADD, "-": _ADD, "*": _MUL, "/": _MUL}
_BOOL = {"or": _OR, "and": _AND}


def to_text(node: Expr, substitute: Callable[[Expr], str | None] | None = None) -> str:
    """The formula text of a tree, with the fewest parentheses that parse back to the
    same tree. `substitute` may replace any node's text (explanations put values in)."""
    text, _ = _print(node, substitute)
    return text


def _print(node: Expr, sub: Callable[[Expr], str | None] | None) -> tuple[str, int]:
    if sub is not None:
        replaced = sub(node)
        if replaced is not None:
            return replaced, (_NEG if replaced.startswith("-") else _ATOM)

    def at(child: Expr, level: int) -> str:
        text, power = _print(child, sub)
        return f"({text})" if power < level else text

    if isinstance(node, Number):
        if node.value.denominator == 1 or fraction_text(node.value).find("/") < 0:
            text = fraction_text(node.value)
            return text, (_NEG if node.value < 0 else _ATOM)
        return f"({node.value.numerator} / {node.value.denominator})", _ATOM
    if isinstance(node, Name):
        return node.text, _ATOM
    if isinstance(node, Unary):
        return f"-{at(node.operand, _NEG)}", _NEG
    if isinstance(node, Binary):
        level = _BINARY[node.op]
        return f"{at(node.left, level)} {node.op} {at(node.right, level + 1)}", level
    if isinstance(node, Compare):
        return f"{at(node.left, _ADD)} {node.op} {at(node.right, _ADD)}", _CMP
    if isinstance(node, BoolOp):
        level = _BOOL[node.op]
        return f"{at(node.left, level)} {node.op} {at(node.right, level + 1)}", level
    if isinstance(node, Not):
        return f"not {at(node.operand, _NOT)}", _NOT
    if isinstance(node, If):
        return (f"if {at(node.cond, _IF)} then {at(node.then, _IF)} else {at(node.orelse, _IF)}",
                _IF)
    args = ", ".join(at(a, _IF) for a in node.args)
    return f"{node.name}({args})", _ATOM
