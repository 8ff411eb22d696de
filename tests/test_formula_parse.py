"""Parsing and checking: the tree, and every mistake as one line with the right column."""

from __future__ import annotations

import pickle
import time
from fractions import Fraction

import pytest

from emuscore.formula import (
    MAX_LENGTH,
    Binary,
    BoolOp,
    Call,
    Compare,
    FormulaError,
    If,
    Name,
    Not,
    Number,
    Unary,
    check,
    parse,
    to_text,
)

NAMES = {"thu_ngan_sach", "chi_tieu", "a", "b", "c", "group.targets", "điểm_thưởng"}


def error(text: str, names: set[str] = NAMES, want: str = "number") -> FormulaError:
    with pytest.raises(FormulaError) as caught:
        check(text, names, want)  # type: ignore[arg-type]
    return caught.value


# -- the tree


def test_precedence_and_associativity() -> None:
    assert parse("a + b * c - 2") == Binary("-", Binary("+", Name("a"), Binary("*", Name("b"),
                                                                             Name("c"))),
                                            Number(Fraction(2)))
    assert parse("a / b / c") == Binary("/", Binary("/", Name("a"), Name("b")), Name("c"))
    assert parse("-a * b") == Binary("*", Unary("-", Name("a")), Name("b"))
    assert parse("not a > 1 and b < 2 or c == 3") == BoolOp(
        "or", BoolOp("and", Not(Compare(">", Name("a"), Number(Fraction(1)))),
                     Compare("<", Name("b"), Number(Fraction(2)))),
        Compare("==", Name("c"), Number(Fraction(3))))


def test_numbers_are_exact_decimals() -> None:
    assert parse("0.25") == Number(Fraction(1, 4))
    assert parse("1.5") == Number(Fraction(3, 2))
    assert parse("0.1") == Number(Fraction(1, 10))
    assert parse("1" + "0" * 29) == Number(Fraction(10**29))


def test_names_dotted_and_vietnamese() -> None:
    assert parse("group.targets") == Name("group.targets")
    assert parse("criterion.c1 + điểm_thưởng") == Binary("+", Name("criterion.c1"),
                                                         Name("điểm_thưởng"))
    # A name typed in decomposed Unicode is the same name.
    assert parse("die\u0302\u0309m") == Name("điểm".replace("đ", "d"))


def test_if_forms_mean_the_same() -> None:
    words = parse("if a > 0 then 1 else 2")
    assert parse("if(a > 0, 1, 2)") == words
    assert parse("if (a > 0) then 1 else 2") == words
    assert parse("if (a) > 0 then 1 else 2") == words
    nested = parse("if a > 0 then 1 else if a < 0 then -1 else 0")
    assert isinstance(nested, If) and isinstance(nested.orelse, If)
    # An else branch reaches as far right as it can.
    assert parse("if a > 0 then 1 else 2 + 3") == If(
        Compare(">", Name("a"), Number(Fraction(0))), Number(Fraction(1)),
        Binary("+", Number(Fraction(2)), Number(Fraction(3))))


def test_calls_and_positions() -> None:
    tree = parse("10 + min(a, b)")
    assert isinstance(tree, Binary) and tree.op_column == 4
    call = tree.right
    assert call == Call("min", (Name("a"), Name("b")))
    assert (call.column, call.end) == (6, 15)


def test_print_round_trip_keeps_needed_parentheses() -> None:
    for text in ["a - (b - c)", "(a + b) * c", "a / (b * c)", "-(a + b)", "(if a > 0 then 1 else 2) + 3",
                 "not (a > 1 and b > 1)", "(a > 1) == (b > 1)"]:
        assert to_text(parse(text)) == text


def test_check_reports_names_read_and_type() -> None:
    program = check("if has(b) then b / chi_tieu else a + b", NAMES)
    assert program.names == ("b", "chi_tieu", "a")
    assert program.type == "number"
    assert check("a > 1 and has(c)", NAMES, "boolean").type == "boolean"


# -- mistakes, each one line with the column


@pytest.mark.parametrize(("text", "column", "words"), [
    ("thu_ngan_sah + 1", 1, "unknown name 'thu_ngan_sah'; did you mean 'thu_ngan_sach'?"),
    ("1 + group.target", 5, "did you mean 'group.targets'?"),
    ("mxa(a, b)", 1, "unknown function 'mxa'; did you mean 'max'?"),
    ("MIN(a, b)", 1, "functions are lowercase: write min("),
    ("a(b + 1)", 1, "'a' is a name, not a function"),
    ("a + clamp(a, 1)", 5, "clamp takes 3 arguments (clamp(x, lo, hi)), got 2"),
    ("min(a)", 1, "min takes at least 2 arguments"),
    ("abs(a, b)", 1, "abs takes 1 argument (abs(x)), got 2"),
    ("if(a > 1, 2)", 1, "if(cond, a, b) takes 3 arguments, got 2"),
    ("round(a, 1.5)", 10, "n must be a whole number from 0 to 12"),
    ("round(a, 13)", 10, "n must be a whole number from 0 to 12"),
    ("round(a, b)", 10, "n must be a whole number from 0 to 12"),
    ("1 + (a > 2)", 5, "'+' needs a number, but `(a > 2)` is true/false"),
    ("min(a, has(b))", 8, "min() needs a number, but `has(b)` is true/false"),
    ("if a then 1 else 2", 4, "the condition of 'if' needs true/false, but `a` is a number"),
    ("a and b > 1", 1, "'and' needs true/false"),
    ("if a > 1 then 1 else b > 2", 22, "branches of 'if' must be of one type"),
    ("a > 1", 1, "the formula gives true/false but a number is needed"),
    ("clamp(a, 5, 1)", 10, "lo (5) is greater than hi (1)"),
    ("a < b < c", 7, "comparisons cannot be chained"),
    ("a == b != c", 8, "comparisons cannot be chained"),
    ("a ** 2", 3, "no power operator; write x * x"),
    ("a ^ 2", 3, "no power operator; write x * x"),
    ("10**10**10", 3, "no power operator"),
    ("(a + 1", 7, "'(' at column 1 is never closed"),
    ("min(a, (b + 1)", 15, "'(' of min at column 4 is never closed"),
    ("a + 1)", 6, "unmatched ')'"),
    ("a + 1 b", 7, "unexpected name 'b' after a complete expression"),
    ("a 2", 3, "unexpected number 2"),
    ("a = 1", 3, "write == to compare"),
    ("a <> 1", 3, "write != for 'not equal'"),
    ("a > 1 AND b > 1", 7, "keywords are lowercase: write 'and'"),
    ("a > 1 && b > 1", 7, "write 'and'"),
    ("min(a; b)", 6, "separate arguments with ','"),
    ("a + ", 5, "the formula ends where a value was expected"),
    ("", 1, "the formula is empty"),
    ("a + $", 5, "unexpected character '$'"),
    ("1e5", 2, "no exponent notation"),
    (".5", 1, "write a leading zero"),
    ("1.", 1, "digits after its decimal point"),
    ("1.2.3", 1, "two decimal points"),
    ("2a", 2, "a number cannot run into a name"),
    ("if a > 1 then 2", 16, "needs an 'else' branch"),
    ("if a > 1 else 2", 10, "the 'if' at column 1 needs 'then' before 'else'"),
    ("if a > 1 2 else 3", 10, "(expected 'then')"),
    ("a then 1", 3, "'then' without a matching 'if'"),
    ("min(a,, b)", 7, "expected an argument of min()"),
    ("group. targets", 7, "expected a name after '.'"),
    ("a + +b", 5, "no unary '+'"),
    ("a, b", 2, "',' outside a function call"),
])
def test_each_mistake_has_its_message_and_column(text: str, column: int, words: str) -> None:
    e = error(text)
    assert words in e.message
    assert e.column == column
    assert "\n" not in e.message


def test_render_puts_a_caret_under_the_column() -> None:
    e = error("a + thu_ngan_sah")
    assert e.render().splitlines() == [
        "column 5: unknown name 'thu_ngan_sah'; did you mean 'thu_ngan_sach'?",
        "a + thu_ngan_sah",
        "    ^",
    ]
    assert e.caret_lines() == ["a + thu_ngan_sah", "    ^"]
    multi = error("a +\n\tzz * 2")
    assert multi.caret_lines() == ["\tzz * 2", "\t^"]


def test_long_lines_are_cut_around_the_caret() -> None:
    e = error("a + " * 100 + "zz")
    line, caret = e.caret_lines()
    assert len(line) <= 102 and line.endswith("zz")
    assert line[caret.index("^")] == "z"


def test_every_mistake_is_reported_at_once() -> None:
    e = error("xx + min(yy) + (a > 1)")
    assert [(x.column, x.kind) for x in e.errors] == [(1, "name"), (6, "type"), (10, "name"),
                                                      (16, "type")]
    assert e.errors[2].message == "unknown name 'yy'"
    assert (e.column, e.message) == (1, "unknown name 'xx'")
    assert len(e.problems) == 4
    assert str(e).splitlines()[3] == ("column 16: '+' needs a number, but `(a > 1)` is true/false")
    assert len(e.render().splitlines()) == 12


def test_errors_survive_pickling() -> None:
    e = error("xx + (a > 1)")
    back = pickle.loads(pickle.dumps(e))
    assert (back.message, back.column, back.kind, back.text) == (e.message, 1, "name", e.text)
    assert [x.message for x in back.errors] == [x.message for x in e.errors]
    assert str(back) == str(e)


def test_kinds() -> None:
    assert error("a ** 2").kind == "syntax"
    assert error("zz").kind == "name"
    assert error("1 + (a > 1)").kind == "type"
    assert error("1" * 31).kind == "limit"


# -- hostile text: a clear error, at once


def quick(text: str, words: str, seconds: float = 0.5) -> FormulaError:
    start = time.perf_counter()
    with pytest.raises(FormulaError) as caught:
        check(text, NAMES)
    assert time.perf_counter() - start < seconds
    assert words in caught.value.message
    return caught.value


def test_deep_nesting_is_refused_without_recursion() -> None:
    quick("(" * 10_000 + "a" + ")" * 10_000, f"the limit is {MAX_LENGTH}")
    e = quick("(" * 4_000 + "a" + ")" * 4_000, "parentheses nested more than 64 deep")
    assert e.column == 65
    quick("-" * 9_000 + "a", "nested more than 64 deep")
    quick("not " * 2_000 + "a > 1", "nested more than 64 deep")
    quick("abs(" * 1_500 + "a" + ")" * 1_500, "nested more than 64 deep")
    quick("if a > 0 then " * 400 + "1" + " else 0" * 400, "nested more than 64 deep")
    quick("a" + " + a" * 2_400, "more than 200 operations deep")
    # 64 levels are fine, and so is a long (but not too deep) sum.
    assert check("(" * 64 + "a" + ")" * 64, NAMES).names == ("a",)
    assert check(" + ".join(["a"] * 150), NAMES).names == ("a",)


def test_huge_text_is_refused_at_once() -> None:
    e = quick("a + " * 250_000 + "a", "formula is 1000001 characters long; the limit is 10000",
              seconds=0.05)
    assert e.kind == "limit"


def test_long_literals_are_refused() -> None:
    e = quick("1" * 500, "number has 500 digits; the limit is 30")
    assert e.column == 1
    quick("a + 0." + "0" * 40 + "1", "digits; the limit is 30")
    assert check("1" * 30, NAMES).names == ()


def test_control_characters_and_other_junk() -> None:
    assert "'\\x00'" in quick("a\x00", "unexpected character").message
    quick("a + 12 ☃", "unexpected character '☃'")
    with pytest.raises(FormulaError):
        check(b"a + 1", NAMES)  # type: ignore[arg-type]
