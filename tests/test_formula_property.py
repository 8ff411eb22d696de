"""Property: on random well-typed formulas over random columns, the vectorised evaluator
gives the oracle's exact value on every unit, and raises exactly when the oracle raises,
with the same kind of error at the same unit.

Trees are printed to text and parsed back, so the printer and the parser are covered:
the parsed tree must equal the generated one."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emuscore.exact import Column
from emuscore.formula import (
    AGGREGATES,
    Binary,
    BoolOp,
    Call,
    Compare,
    Env,
    Expr,
    FormulaError,
    If,
    Name,
    Not,
    Number,
    NumberValue,
    Unary,
    check,
    evaluate,
    explain,
    fraction_text,
    parse,
    to_points,
    to_text,
)
from formula_oracle import Oracle, OracleError, round_half

NAMES = ("a", "b", "c", "grp.x")
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)

LITERALS = [Fraction(0), Fraction(1), Fraction(2), Fraction(1, 2), Fraction(13, 4), Fraction(100),
            Fraction(10**14), Fraction(3, 1000), Fraction(123456789012345678901234567, 1000)]

SETTINGS = settings(max_examples=400, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def numbers(draw: st.DrawFn, depth: int) -> Expr:
    if depth <= 0 or draw(st.integers(0, 4)) == 0:
        if draw(st.booleans()):
            return Name(draw(st.sampled_from(NAMES)))
        return Number(draw(st.sampled_from(LITERALS)))
    d = depth - 1
    form = draw(st.sampled_from(["neg", "arith", "arith", "arith", "guarded", "if", "minmax",
                                 "abs", "round", "floorceil", "clamp", "coalesce", "aggregate",
                                 "aggregate", "product"]))
    if form == "neg":
        return Unary("-", draw(numbers(d)))
    if form == "arith":
        return Binary(draw(st.sampled_from("+-*/")), draw(numbers(d)), draw(numbers(d)))
    if form == "product":  # long chains of big factors reach the size limit
        factors = st.one_of(numbers(0), st.sampled_from([Number(Fraction(10**29)),
                                                          Number(Fraction(7, 10**29))]))
        chain = draw(factors)
        for _ in range(draw(st.integers(2, 8))):
            chain = Binary(draw(st.sampled_from("*/+")), chain, draw(factors))
        return chain
    if form == "guarded":
        num, den = draw(numbers(d)), draw(numbers(d))
        return If(Compare("==", den, Number(Fraction(0))), Number(Fraction(0)),
                  Binary("/", num, den))
    if form == "if":
        return If(draw(booleans(d)), draw(numbers(d)), draw(numbers(d)))
    if form == "minmax":
        k = draw(st.integers(2, 3))
        return Call(draw(st.sampled_from(["min", "max"])), tuple(draw(numbers(d)) for _ in range(k)))
    if form == "abs":
        return Call("abs", (draw(numbers(d)),))
    if form == "round":
        places = draw(st.sampled_from([0, 1, 2, 12]))
        return Call("round", (draw(numbers(d)), Number(Fraction(places))))
    if form == "floorceil":
        return Call(draw(st.sampled_from(["floor", "ceil"])), (draw(numbers(d)),))
    if form == "clamp":
        x, lo, hi = draw(numbers(d)), draw(numbers(d)), draw(numbers(d))
        if isinstance(lo, Number) and isinstance(hi, Number) and lo.value > hi.value:
            lo, hi = hi, lo
        return Call("clamp", (x, lo, hi))
    if form == "coalesce":
        k = draw(st.integers(2, 3))
        return Call("coalesce", tuple(draw(numbers(d)) for _ in range(k)))
    return Call(draw(st.sampled_from(sorted(AGGREGATES))), (draw(numbers(d)),))


@st.composite
def booleans(draw: st.DrawFn, depth: int) -> Expr:
    form = draw(st.sampled_from(["compare", "compare", "has"] if depth <= 0 else
                                ["compare", "compare", "has", "and", "or", "not", "if"]))
    d = max(depth - 1, 0)
    if form == "compare":
        op = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]))
        return Compare(op, draw(numbers(d)), draw(numbers(d)))
    if form == "has":
        return Call("has", (draw(numbers(d)),))
    if form in ("and", "or"):
        return BoolOp(form, draw(booleans(d)), draw(booleans(d)))
    if form == "not":
        return Not(draw(booleans(d)))
    return If(draw(booleans(d)), draw(booleans(d)), draw(booleans(d)))


VALUES = st.one_of(st.integers(-20, 20), st.sampled_from([0, 0, 1, -1, INT64_MAX, INT64_MIN,
                                                          10**14, -(10**14), 10**18, 2**61]))


@st.composite
def envs(draw: st.DrawFn) -> tuple[Env, dict[str, list[Fraction | None]], list[int]]:
    n = draw(st.integers(1, 7))
    cluster = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    columns: dict[str, Column] = {}
    plain: dict[str, list[Fraction | None]] = {}
    for i, name in enumerate(NAMES):
        scale = draw(st.integers(0, 3))
        values = draw(st.lists(VALUES, min_size=n, max_size=n))
        # "a" is never missing; the others are missing now and then, or often.
        chance = [0, 1, 2, 4][i]
        missing = [draw(st.integers(0, 9)) < chance for _ in range(n)]
        columns[name] = Column(np.array(values, dtype=np.int64), scale, np.array(missing))
        plain[name] = [None if m else Fraction(v, 10**scale) for v, m in zip(values, missing,
                                                                              strict=True)]
    rounding = draw(st.sampled_from(["half-up", "half-even", "down", "up"]))
    env = Env(columns, np.array(cluster, dtype=np.int64), tuple(f"U{i}" for i in range(n)),
              rounding)
    return env, plain, cluster


def _compare(expr: Expr, want: str, env: Env, plain: dict[str, list[Fraction | None]],
             cluster: list[int], live: list[bool] | None) -> None:
    text = to_text(expr)
    parsed = parse(text)
    assert parsed == expr, text
    program = check(text, set(NAMES), want)  # type: ignore[arg-type]
    units = [u for u in range(env.size) if live is None or live[u]]
    oracle = Oracle(plain, cluster, env.rounding)
    try:
        expected = oracle.run(parsed, units)
    except OracleError as e:
        raised = e
    else:
        raised = None
    mask = None if live is None else np.array(live)
    try:
        got = evaluate(program, env, mask)
    except FormulaError as e:
        assert raised is not None, f"{text}: raised {e} but the oracle gave a value"
        assert (e.kind, e.unit) == (raised.kind, env.unit_ids[raised.unit]), f"{text}: {e}"
        return
    assert raised is None, f"{text}: the oracle raised {raised}, the evaluator did not"
    if isinstance(got, NumberValue):
        points = to_points(got, 2, env.rounding)
        for u, x in expected.items():
            assert isinstance(x, Fraction)
            assert int(points[u]) == round_half(x * 100, env.rounding), text
    for u in range(env.size):
        assert bool(got.missing[u]) == (u not in expected)
        if u not in expected:
            continue
        if isinstance(got, NumberValue):
            assert int(got.den[u]) > 0
            assert Fraction(int(got.num[u]), int(got.den[u])) == expected[u], text
            assert int(got.den[u]) == expected[u].denominator  # type: ignore[union-attr]
        else:
            assert bool(got.value[u]) is expected[u], text


@SETTINGS
@given(st.data(), envs())
def test_numbers_equal_the_oracle(data: st.DataObject, world: tuple) -> None:  # type: ignore[type-arg]
    env, plain, cluster = world
    expr = data.draw(numbers(4), label="formula")
    live = data.draw(st.one_of(st.none(), st.lists(st.booleans(), min_size=env.size,
                                                   max_size=env.size)), label="live")
    _compare(expr, "number", env, plain, cluster, live)


@SETTINGS
@given(st.data(), envs())
def test_booleans_equal_the_oracle(data: st.DataObject, world: tuple) -> None:  # type: ignore[type-arg]
    env, plain, cluster = world
    expr = data.draw(booleans(3), label="formula")
    _compare(expr, "boolean", env, plain, cluster, None)


@st.composite
def products(draw: st.DrawFn) -> Expr:
    """Long chains of big factors (and their sums and guards): the size limit's cases."""
    factors = st.sampled_from([Number(Fraction(10**29)), Name("a"), Number(Fraction(10**29)),
                               Number(Fraction(7, 10**29)), Name("b"), Number(Fraction(3))])
    chain = draw(factors)
    for _ in range(draw(st.integers(4, 12))):
        chain = Binary(draw(st.sampled_from("**/+-")), chain, draw(factors))
    wrap = draw(st.sampled_from(["", "sum", "mean", "max", "if", "min"]))
    if wrap in ("sum", "mean", "max"):
        return Call(f"cluster_{wrap}", (chain,))
    if wrap == "min":
        return Call("min", (chain, draw(numbers(1))))
    if wrap == "if":
        return If(Compare(">", Name("a"), Number(Fraction(0))), chain, draw(numbers(1)))
    return chain


@SETTINGS
@given(products(), envs())
def test_big_values_equal_the_oracle(expr: Expr, world: tuple) -> None:  # type: ignore[type-arg]
    env, plain, cluster = world
    _compare(expr, "number", env, plain, cluster, None)


@SETTINGS
@given(st.data(), envs())
def test_explain_names_the_unit_that_supplied_the_extreme(data: st.DataObject,
                                                          world: tuple) -> None:  # type: ignore[type-arg]
    env, plain, cluster = world
    fn = data.draw(st.sampled_from(["cluster_max", "cluster_min", "all_max", "all_min"]))
    arg = data.draw(numbers(2))
    call = Call(fn, (arg,))
    program = check(to_text(call), set(NAMES))
    oracle = Oracle(plain, cluster, env.rounding)
    for u in range(env.size):
        lines = explain(program, env, u)
        try:
            value = oracle.run(program.expr, [u])[u]
        except OracleError:
            assert lines[-1].startswith("error: unit ")
            continue
        assert isinstance(program.expr, Call)
        supplier = oracle.supplier(program.expr, u)
        assert supplier is not None
        assert f"{program.text} = {fraction_text(value)} (from unit U{supplier})" in lines  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None, database=None)
@given(numbers(5))
def test_printed_formulas_parse_back_to_the_same_tree(expr: Expr) -> None:
    assert parse(to_text(expr)) == expr
