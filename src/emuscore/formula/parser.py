"""Tokenizer and Pratt parser: formula text to a tree of `nodes`.

Hostile text is refused early and clearly: text over `MAX_LENGTH` before any scanning,
parentheses nested over `MAX_NESTING` while tokenizing, any deeper nesting of prefix
operators or calls before the parser recurses further, literals over `MAX_DIGITS`, and
trees deeper than `MAX_DEPTH` as they are built, so no input can exhaust the stack."""

from __future__ import annotations

import unicodedata
from fractions import Fraction
from typing import NoReturn

import attrs
from attrs import frozen

from emuscore.formula.errors import MAX_DEPTH, MAX_DIGITS, MAX_LENGTH, MAX_NESTING, FormulaError
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
)
from emuscore.i18n import N_, _

KEYWORDS = frozenset({"and", "or", "not", "if", "then", "else"})
_DIGITS = "0123456789"
_TWO = ("==", "!=", "<=", ">=")
_ONE = "+-*/(),<>"
# Operators from other languages, with what to write instead.
_FOREIGN = {
    "**": N_("no power operator; write x * x"),
    "^": N_("no power operator; write x * x"),
    "<>": N_("write != for 'not equal'"),
    "=>": N_("write >= for 'greater or equal'"),
    "=<": N_("write <= for 'less or equal'"),
    "&&": N_("write 'and'"),
    "||": N_("write 'or'"),
    "=": N_("write == to compare ('=' alone is not an operator)"),
    "!": N_("write 'not'"),
    "&": N_("write 'and'"),
    "|": N_("write 'or'"),
    "%": N_("no operator %; write x / 100"),
    ";": N_("separate arguments with ',' (not ';')"),
}


@frozen
class Token:
    kind: str  # "num", "name", "op", "kw", "end"
    text: str
    offset: int  # 0-based
    value: Fraction | None = None

    @property
    def column(self) -> int:
        return self.offset + 1

    def describe(self) -> str:
        if self.kind == "end":
            return _("the end of the formula")
        if self.kind == "name":
            return _("name '{name}'").format(name=self.text)
        if self.kind == "num":
            return _("number {number}").format(number=self.text)
        return f"'{self.text}'"


def _name_start(c: str) -> bool:
    return c == "_" or c.isalpha()


def _name_char(c: str) -> bool:
    return c == "_" or c in _DIGITS or c.isalpha() or unicodedata.category(c).startswith("M")


def _shown(c: str) -> str:
    return repr(c) if not c.isprintable() or c.isspace() else f"'{c}'"


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`, ending with an "end" token; raises FormulaError."""
    if not isinstance(text, str):
        raise FormulaError(_("a formula must be text, not {type}").format(type=type(text).__name__),
                           kind="syntax")
    if len(text) > MAX_LENGTH:
        raise FormulaError(_("formula is {n} characters long; the limit is {limit}").format(
            n=len(text), limit=MAX_LENGTH), kind="limit")

    def fail(message: str, offset: int, kind: str = "syntax") -> NoReturn:
        raise FormulaError(message, offset + 1, text=text, kind=kind)

    tokens: list[Token] = []
    depth = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        start = i
        if c in _DIGITS or (c == "." and i + 1 < n and text[i + 1] in _DIGITS):
            if c == ".":
                fail(_("write a leading zero: 0.5, not .5"), start)
            while i < n and text[i] in _DIGITS:
                i += 1
            frac = ""
            if i < n and text[i] == ".":
                i += 1
                f0 = i
                while i < n and text[i] in _DIGITS:
                    i += 1
                frac = text[f0:i]
                if not frac:
                    fail(_("a number needs digits after its decimal point"), start)
            digits = text[start:i].replace(".", "")
            if len(digits) > MAX_DIGITS:
                fail(_("number has {n} digits; the limit is {limit}").format(
                    n=len(digits), limit=MAX_DIGITS), start, "limit")
            if i < n and text[i] == ".":
                fail(_("malformed number (two decimal points)"), start)
            if i < n and _name_char(text[i]):
                if text[i] in "eE":
                    fail(_("no exponent notation; write the number out in full"), i)
                fail(_("a number cannot run into a name; put an operator after {number}").format(
                    number=text[start:i]), i)
            value = Fraction(int(digits), 10 ** len(frac))
            tokens.append(Token("num", text[start:i], start, value))
            continue
        if _name_start(c):
            while True:
                while i < n and _name_char(text[i]):
                    i += 1
                if i < n and text[i] == ".":
                    if i + 1 < n and _name_start(text[i + 1]):
                        i += 1
                        continue
                    fail(_("expected a name after '.'"), i + 1 if i + 1 < n else i)
                break
            word = unicodedata.normalize("NFC", text[start:i])
            tokens.append(Token("kw" if word in KEYWORDS else "name", word, start))
            continue
        two = text[i:i + 2]
        if two in _FOREIGN:
            fail(_(_FOREIGN[two]), start)
        if two in _TWO:
            tokens.append(Token("op", two, start))
            i += 2
            continue
        if c in _FOREIGN:
            fail(_(_FOREIGN[c]), start)
        if c in _ONE:
            if c == "(":
                depth += 1
                if depth > MAX_NESTING:
                    fail(_("parentheses nested more than {limit} deep").format(limit=MAX_NESTING),
                         start, "limit")
            elif c == ")":
                depth = max(depth - 1, 0)
            tokens.append(Token("op", c, start))
            i += 1
            continue
        fail(_("unexpected character {character}").format(character=_shown(c)), start)
    tokens.append(Token("end", "", n))
    return tokens


# Left binding powers of the infix operators.
_INFIX = {"or": 1, "and": 2, "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4,
          "+": 5, "-": 5, "*": 6, "/": 6}
_COMPARE = frozenset({"==", "!=", "<", "<=", ">", ">="})
_NOT_BP = 3
_NEG_BP = 7


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.nesting = 0

    # -- helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.pos + k, len(self.tokens) - 1)]

    def advance(self) -> Token:
        t = self.tokens[self.pos]
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return t

    def fail(self, message: str, column: int, kind: str = "syntax") -> NoReturn:
        raise FormulaError(message, column, text=self.text, kind=kind)

    def is_op(self, text: str) -> bool:
        return self.tok.kind == "op" and self.tok.text == text

    def is_kw(self, text: str) -> bool:
        return self.tok.kind == "kw" and self.tok.text == text

    def deeper(self, column: int) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            self.fail(_("formula nested more than {limit} deep").format(limit=MAX_NESTING), column,
                      "limit")

    def depth_ok(self, depth: int, column: int) -> int:
        if depth > MAX_DEPTH:
            self.fail(_("formula more than {limit} operations deep; split it into parts").format(
                limit=MAX_DEPTH), column, "limit")
        return depth

    def unexpected(self, after: str = "") -> NoReturn:
        t = self.tok
        if t.kind == "op" and t.text == ")":
            self.fail(_("unmatched ')'"), t.column)
        if t.kind == "op" and t.text == ",":
            self.fail(_("',' outside a function call's parentheses"), t.column)
        if t.kind == "kw" and t.text in ("then", "else"):
            self.fail(_("'{keyword}' without a matching 'if'").format(keyword=t.text), t.column)
        if t.kind == "name" and t.text.lower() in KEYWORDS:
            self.fail(_("keywords are lowercase: write '{keyword}'").format(keyword=t.text.lower()),
                      t.column)
        self.fail(_("unexpected {token}{where}; expected an operator or the end").format(
            token=t.describe(), where=after), t.column)

    # -- grammar
    def parse(self) -> Expr:
        if self.tok.kind == "end":
            self.fail(_("the formula is empty"), 1)
        node, _depth = self.expr(0)
        if self.tok.kind != "end":
            self.unexpected(_(" after a complete expression"))
        return node

    def expr(self, min_bp: int, first: tuple[Expr, int] | None = None) -> tuple[Expr, int]:
        """An expression of operators binding tighter than `min_bp`; `first`, when given,
        is its already parsed first operand."""
        left, depth = first if first is not None else self.prefix()
        bare_compare = False
        while True:
            t = self.tok
            op = t.text
            if t.kind not in ("op", "kw") or op not in _INFIX:
                return left, depth
            bp = _INFIX[op]
            if bp <= min_bp:
                return left, depth
            if op in _COMPARE and bare_compare:
                self.fail(_("comparisons cannot be chained; write a < b and b < c"), t.column)
            self.advance()
            right, rdepth = self.expr(bp)
            depth = self.depth_ok(max(depth, rdepth) + 1, t.column)
            column, end = left.column, right.end
            if op in _COMPARE:
                left = Compare(op, left, right, column=column, end=end, op_column=t.column)
                bare_compare = True
            elif op in ("and", "or"):
                left = BoolOp(op, left, right, column=column, end=end, op_column=t.column)
                bare_compare = False
            else:
                left = Binary(op, left, right, column=column, end=end, op_column=t.column)
                bare_compare = False

    def prefix(self) -> tuple[Expr, int]:
        t = self.tok
        if t.kind == "num":
            self.advance()
            assert t.value is not None
            return Number(t.value, column=t.column, end=t.column + len(t.text)), 1
        if t.kind == "name":
            self.advance()
            if self.is_op("("):
                return self.call(t)
            return Name(t.text, column=t.column, end=t.column + len(t.text)), 1
        if t.kind == "op" and t.text == "-":
            self.advance()
            self.deeper(t.column)
            operand, depth = self.expr(_NEG_BP)
            self.nesting -= 1
            return (Unary("-", operand, column=t.column, end=operand.end),
                    self.depth_ok(depth + 1, t.column))
        if t.kind == "op" and t.text == "(":
            return self.group()
        if t.kind == "kw" and t.text == "not":
            self.advance()
            self.deeper(t.column)
            operand, depth = self.expr(_NOT_BP)
            self.nesting -= 1
            return (Not(operand, column=t.column, end=operand.end),
                    self.depth_ok(depth + 1, t.column))
        if t.kind == "kw" and t.text == "if":
            return self.if_expr()
        if t.kind == "end":
            self.fail(_("the formula ends where a value was expected"), t.column)
        if t.kind == "op" and t.text == "+":
            self.fail(_("no unary '+'; just write the number"), t.column)
        if t.kind == "op" and t.text == ")":
            self.fail(_("expected a value before ')'"), t.column)
        self.fail(_("expected a number, a name or '(' but found {token}").format(token=t.describe()),
                  t.column)

    def group(self) -> tuple[Expr, int]:
        opening = self.advance()
        self.deeper(opening.column)
        inner, depth = self.expr(0)
        closing = self.tok
        self.close(opening, "'('")
        self.nesting -= 1
        # the node spans its parentheses, so that its source text is balanced
        return attrs.evolve(inner, column=opening.column, end=closing.column + 1), depth

    def close(self, opening: Token, what: str) -> None:
        if self.is_op(")"):
            self.advance()
            return
        if self.tok.kind == "end":
            self.fail(_("{what} at column {column} is never closed").format(
                what=what, column=opening.column), self.tok.column)
        self.unexpected(_(" inside the parentheses opened at column {column}").format(
            column=opening.column))

    def call(self, name: Token) -> tuple[Expr, int]:
        opening = self.advance()
        self.deeper(name.column)
        args: list[Expr] = []
        depth = 0
        if not self.is_op(")"):
            while True:
                if self.is_op(",") or self.is_op(")"):
                    self.fail(_("expected an argument of {function}()").format(function=name.text),
                              self.tok.column)
                arg, d = self.expr(0)
                args.append(arg)
                depth = max(depth, d)
                if self.is_op(","):
                    self.advance()
                    continue
                break
        end = self.tok.column + 1
        self.close(opening, _("'(' of {function}").format(function=name.text))
        self.nesting -= 1
        node = Call(name.text, tuple(args), column=name.column, end=end)
        return node, self.depth_ok(depth + 1, name.column)

    def if_expr(self) -> tuple[Expr, int]:
        start = self.advance()
        self.deeper(start.column)
        if self.is_op("("):
            # `if (` opens either if(cond, a, b) or a parenthesised start of the condition.
            opening = self.advance()
            self.deeper(opening.column)
            first, d1 = self.expr(0)
            if self.is_op(","):
                result = self.if_function(start, opening, first, d1)
                self.nesting -= 2
                return result
            self.close(opening, "'('")
            self.nesting -= 1
            cond, depth = self.expr(0, (first, d1))
        else:
            cond, depth = self.expr(0)
        result = self.if_rest(start, cond, depth)
        self.nesting -= 1
        return result

    def if_function(self, start: Token, opening: Token, first: Expr,
                    depth: int) -> tuple[Expr, int]:
        args = [first]
        while self.is_op(","):
            self.advance()
            if self.is_op(",") or self.is_op(")"):
                self.fail(_("expected an argument of {function}()").format(function="if"), self.tok.column)
            arg, d = self.expr(0)
            args.append(arg)
            depth = max(depth, d)
        end = self.tok.column + 1
        self.close(opening, _("'(' of {function}").format(function="if"))
        if len(args) != 3:
            self.fail(_("if(cond, a, b) takes 3 arguments, got {n}").format(n=len(args)),
                      start.column, "type")
        node = If(args[0], args[1], args[2], column=start.column, end=end)
        return node, self.depth_ok(depth + 1, start.column)

    def if_rest(self, start: Token, cond: Expr, d1: int) -> tuple[Expr, int]:
        if not self.is_kw("then"):
            if self.is_kw("else"):
                self.fail(_("the 'if' at column {column} needs 'then' before 'else'").format(
                    column=start.column), self.tok.column)
            if self.tok.kind == "end":
                self.fail(_("the 'if' at column {column} needs 'then' and 'else'").format(
                    column=start.column), self.tok.column)
            self.unexpected(_(" in the condition of the 'if' at column {column} (expected "
                              "'then')").format(column=start.column))
        self.advance()
        then, d2 = self.expr(0)
        if not self.is_kw("else"):
            if self.tok.kind == "end":
                self.fail(_("the 'if' at column {column} needs an 'else' branch").format(
                    column=start.column), self.tok.column)
            self.unexpected(_(" in the 'then' branch of the 'if' at column {column} (expected "
                              "'else')").format(column=start.column))
        self.advance()
        orelse, d3 = self.expr(0)
        node = If(cond, then, orelse, column=start.column, end=orelse.end)
        return node, self.depth_ok(max(d1, d2, d3) + 1, start.column)


def parse(text: str) -> Expr:
    """The tree of a formula; raises FormulaError (with a column) on any mistake."""
    return _Parser(text).parse()
