"""The attainment bonus relative to the cluster's best actual (DOMAIN.md: "some give the
full bonus only to the cluster's best and scale others by (A−T)/(A_best−T)"), selected
by `bonus = { cap = ..., relative_to_best = true, best = "actual" }`, beside the
relative-excess form that `relative_to_best = true` alone keeps meaning."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import oracle
from emuscore import RulesetError, parse_ruleset
from emuscore.exact import ROUNDING_MODES
from emuscore.ruleset import dump_ruleset

# The tests register nothing, so the one sandbox the fixture gives is the same for every
# example hypothesis draws: sharing it between examples is safe.
shared_sandbox = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

LEADER = "bonus = { cap = 1, relative_to_best = true, best = \"actual\" }"
REPRO = [{"unit_id": "U1", "t": "100", "a": "200"}, {"unit_id": "U2", "t": "50", "a": "100"}]


def criterion(bonus: str = LEADER, max_: Decimal | int = 4, direction: str = "higher",
              below: Decimal | int = 1) -> str:
    return (f'scorer = "attainment"\nmax = {max_}\nactual = "a"\ntarget = "t"\n'
            f'direction = "{direction}"\nbelow = {below}\n{bonus}\n')


# --- the issue's example ---------------------------------------------------------------

def test_the_issue_example_scales_by_excess_over_the_best_actual(emuscore_plugins):
    # U1: 4 + 1 x (200-100)/(200-100) = 5; U2: 4 + 1 x (100-50)/(200-50) = 4 + 1/3
    assert emuscore_plugins.points(criterion(), REPRO) == {"U1": Decimal("5.00"),
                                                          "U2": Decimal("4.33")}


def test_relative_to_best_alone_keeps_the_relative_excess_form(emuscore_plugins):
    # both units are 100% over their targets, so e/e_best = 1 for both
    want = {"U1": Decimal("5.00"), "U2": Decimal("5.00")}
    assert emuscore_plugins.points(criterion("bonus = { cap = 1, relative_to_best = true }"),
                                   REPRO) == want
    explicit = 'bonus = { cap = 1, relative_to_best = true, best = "relative_excess" }'
    assert emuscore_plugins.points(criterion(explicit), REPRO) == want


def test_lower_is_better_mirrors_it(emuscore_plugins):
    # excess T-A, best = lowest actual (20): U1 4 + (100-20)/(100-20) = 5,
    # U2 4 + (50-40)/(50-20) = 4.33, U3 over its target 30: 4 x 30/45 = 2.67
    table = [{"unit_id": "U1", "t": "100", "a": "20"}, {"unit_id": "U2", "t": "50", "a": "40"},
             {"unit_id": "U3", "t": "30", "a": "45"}]
    assert emuscore_plugins.points(criterion(direction="lower"), table) == {
        "U1": Decimal("5.00"), "U2": Decimal("4.33"), "U3": Decimal("2.67")}


def test_no_excess_means_no_bonus_and_the_best_need_not_be_over_its_own_target(emuscore_plugins):
    # nobody over target: below-target and at-target points only
    none_over = [{"unit_id": "U1", "t": "100", "a": "100"}, {"unit_id": "U2", "t": "50", "a": "25"}]
    assert emuscore_plugins.points(criterion(), none_over) == {"U1": Decimal("4.00"),
                                                              "U2": Decimal("2.00")}
    # the best actual (250) is under its own target; U2 is over its own:
    # 4 + (100-50)/(250-50) = 4.25, and nobody gets the whole cap
    best_under = [{"unit_id": "U1", "t": "300", "a": "250"}, {"unit_id": "U2", "t": "50", "a": "100"}]
    assert emuscore_plugins.points(criterion(), best_under) == {"U1": Decimal("3.33"),
                                                               "U2": Decimal("4.25")}


def test_every_unit_tied_for_the_best_gets_the_cap_and_clusters_are_separate(emuscore_plugins):
    table = [{"unit_id": "U1", "cluster_id": "k1", "t": "100", "a": "200"},
             {"unit_id": "U2", "cluster_id": "k1", "t": "150", "a": "200"},
             {"unit_id": "U3", "cluster_id": "k1", "t": "50", "a": "125"},
             {"unit_id": "U4", "cluster_id": "k2", "t": "50", "a": "100"}]
    assert emuscore_plugins.points(criterion(), table) == {
        "U1": Decimal("5.00"), "U2": Decimal("5.00"), "U3": Decimal("4.50"), "U4": Decimal("5.00")}


def test_explain_shows_the_formula_with_the_numbers(emuscore_plugins):
    steps = emuscore_plugins.explain(criterion(), REPRO, "U2")
    assert steps[-1] == ("target met: 4 + 1 x (100 - 50)/(200 - 50) = 4.333333333333… "
                         "(200 is the best actual in the cluster)")


# --- against an independent Fraction oracle ------------------------------------------------

def leader_oracle(units: list[tuple[str, Decimal, Decimal]], ms: Decimal, cap: Decimal,
                  below: Decimal, direction: str) -> list[Fraction]:
    """The rule written the plain way: A clamped at 0, A_best the best A of the cluster,
    below target max*below*A/T (lower: T/A), at or over max + cap*(A-T)/(A_best-T)
    (lower: (T-A)/(T-A_best)), no bonus without excess."""
    higher = direction == "higher"
    actual = [max(Fraction(a), Fraction(0)) for _, a, _ in units]
    best: dict[str, Fraction] = {}
    for (c, _, _), a in zip(units, actual, strict=True):
        best[c] = a if c not in best else (max if higher else min)(best[c], a)
    out = []
    for (c, _, target), a in zip(units, actual, strict=True):
        t, m = Fraction(target), Fraction(ms)
        if higher and a < t:
            out.append(m * Fraction(below) * a / t)
        elif not higher and a > t:
            out.append(m * Fraction(below) * t / a)
        else:
            excess, room = (a - t, best[c] - t) if higher else (t - a, t - best[c])
            out.append(m + (Fraction(cap) * excess / room if excess > 0 else 0))
    return out


def amounts(low, high, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=low, max_value=high, places=places, allow_nan=False,
                       allow_infinity=False)


# small values (int64 arithmetic), VND-sized ones (10**14 with decimals: object ints), and a
# few repeated values so that units tie for the best actual
actuals = st.one_of(amounts(-5, 1000, 2), amounts(0, 10**14, 3),
                    st.sampled_from([Decimal(100), Decimal("250.5"), Decimal("98765432109876.123")]))
targets = st.one_of(amounts("0.01", 1000, 2), amounts(1, 10**14, 3),
                    st.sampled_from([Decimal(50), Decimal(100), Decimal("250.5")]))
units = st.lists(st.tuples(st.sampled_from(["k1", "k2", "k3"]), actuals, targets),
                 min_size=1, max_size=10)


def table(rows: list[tuple[str, Decimal, Decimal]]) -> list[dict[str, object]]:
    return [{"unit_id": f"U{i}", "cluster_id": c, "a": a, "t": t}
            for i, (c, a, t) in enumerate(rows, 1)]


@shared_sandbox
@given(units, st.sampled_from(["higher", "lower"]), amounts("0.5", 10, 2), amounts(0, 5, 2),
       amounts(0, 1, 2), st.integers(0, 4), st.sampled_from(ROUNDING_MODES))
def test_leader_relative_bonus_matches_the_oracle(emuscore_plugins, rows, direction, ms, cap,
                                                   below, scale, mode):
    assume(ms.scaleb(scale) == ms.scaleb(scale).to_integral_value())
    bonus = f'bonus = {{ cap = {cap}, relative_to_best = true, best = "actual" }}'
    got = emuscore_plugins.points(criterion(bonus, ms, direction, below), table(rows), scale, mode)
    want = [oracle.rounded(v, scale, mode)
            for v in leader_oracle(rows, ms, cap, below, direction)]
    assert list(got.values()) == want


# --- laws -------------------------------------------------------------------------------

small_units = st.lists(st.tuples(st.sampled_from(["k1", "k2"]), amounts(0, 1000, 2),
                                 amounts(1, 1000, 2)), min_size=2, max_size=8)


@shared_sandbox
@given(small_units, st.integers(0, 7), amounts("0.01", 500, 2), st.sampled_from(["higher", "lower"]))
def test_a_better_actual_never_lowers_the_units_own_score(emuscore_plugins, rows, who, step,
                                                          direction):
    """Holds for every unit, the leader too (a leader that improves stays the leader), when
    the others stay the same; `lower` improves by less."""
    who %= len(rows)
    sign = 1 if direction == "higher" else -1
    better = [(c, max(a + sign * step, Decimal(0)) if i == who else a, t)
              for i, (c, a, t) in enumerate(rows)]
    before = emuscore_plugins.points(criterion(direction=direction), table(rows))
    after = emuscore_plugins.points(criterion(direction=direction), table(better))
    assert after[f"U{who + 1}"] >= before[f"U{who + 1}"]


@shared_sandbox
@given(small_units, amounts("0.01", 500, 2))
def test_a_better_best_actual_never_raises_anyone_elses_score(emuscore_plugins, rows, step):
    """What does NOT hold in a leader-relative rule is "more actual never lowers anyone":
    raising the cluster's best actual shrinks the others' share of the cap."""
    leader = max(range(len(rows)), key=lambda i: (rows[i][0] == rows[0][0], rows[i][1]))
    better = [(c, a + step if i == leader else a, t) for i, (c, a, t) in enumerate(rows)]
    before = emuscore_plugins.points(criterion(), table(rows))
    after = emuscore_plugins.points(criterion(), table(better))
    for i in range(len(rows)):
        if i != leader:
            assert after[f"U{i + 1}"] <= before[f"U{i + 1}"]


def test_raising_the_leader_does_lower_the_others(emuscore_plugins):
    raised = [{"unit_id": "U1", "t": "100", "a": "350"}, REPRO[1]]
    assert emuscore_plugins.points(criterion(), raised)["U2"] == Decimal("4.17")  # 4 + 50/300


@shared_sandbox
@given(small_units, amounts(0, 5, 2))
def test_scores_stay_within_bounds_and_the_best_over_target_gets_max_plus_cap(emuscore_plugins,
                                                                               rows, cap):
    bonus = f'bonus = {{ cap = {cap}, relative_to_best = true, best = "actual" }}'
    got = emuscore_plugins.points(criterion(bonus), table(rows))
    best = {c: max(a for k, a, _ in rows if k == c) for c, _, _ in rows}
    for i, (c, a, t) in enumerate(rows, 1):
        assert 0 <= got[f"U{i}"] <= 4 + cap
        if a == best[c] and a > t:
            assert got[f"U{i}"] == 4 + cap


# --- ruleset checks point at the bonus line -----------------------------------------------

def ruleset_text(bonus: str) -> str:
    return ('[ruleset]\nid = "t"\ntitle = "test"\nversion = "1"\n\n'
            '[[groups]]\nid = "g"\nmax = 100\n\n'
            '[[criteria]]\nid = "x"\ngroup = "g"\nscorer = "attainment"\nmax = 4\n'
            f'actual = "a"\ntarget = "t"\n{bonus}\n\n'
            '[ranking]\norder = ["total desc", "unit_id asc"]\n')


def problem_on_bonus_line(bonus: str) -> str:
    text = ruleset_text(bonus)
    line = text.splitlines().index(bonus) + 1
    with pytest.raises(RulesetError) as caught:
        parse_ruleset(text, "sheet.toml")
    (problem,) = caught.value.problems
    assert problem.line == line, str(problem)
    assert str(problem).startswith(f"sheet.toml:{line}: criteria[0] (x).bonus")
    return problem.message


def test_a_bonus_with_neither_form_says_so():
    message = problem_on_bonus_line("bonus = { cap = 1 }")
    assert message.startswith("bonus needs per_percent (points per percent over target) or "
                              "relative_to_best = true")
    assert "neither is given" in message
    assert problem_on_bonus_line("bonus = { cap = 1, relative_to_best = false }") == message


def test_a_bonus_with_both_forms_says_so():
    assert problem_on_bonus_line("bonus = { cap = 1, per_percent = 0.05, relative_to_best = true }"
                                 ) == "bonus takes per_percent or relative_to_best = true, not both"


def test_best_needs_relative_to_best():
    message = problem_on_bonus_line('bonus = { cap = 1, per_percent = 0.05, best = "actual" }')
    assert message == 'best = "actual" applies only with relative_to_best = true'


def test_an_unknown_best_is_refused_with_the_choices():
    message = problem_on_bonus_line('bonus = { cap = 1, relative_to_best = true, best = "leader" }')
    assert re.search(r"must be one of 'relative_excess', 'actual', got 'leader'", message)


def test_rulesets_without_best_dump_as_before():
    dumped = dump_ruleset(parse_ruleset(ruleset_text("bonus = { cap = 1, relative_to_best = true }")))
    assert "best" not in dumped.replace("relative_to_best", "")
    leader = dump_ruleset(parse_ruleset(ruleset_text(LEADER)))
    assert parse_ruleset(leader).criteria[0].params.bonus.best == "actual"
