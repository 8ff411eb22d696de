"""The formula features of a ruleset, end to end: `scorer = "formula"` criteria (kinds,
ranges, references scored in dependency order, errors), gates and classification bands
with `when`, `criteria` beside `min_each`, ranking `keys` and `key:ID`, awards with their
own `order`, and explain / replay of runs that use them.

Every expected value is worked out here by hand or with fractions.Fraction (rounded
once with tests/oracle.py), never by the code under test."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import rows, ruleset, sheet
from emuscore import DataError, RulesetError, parse_ruleset, run
from emuscore.audit.explain import explain
from emuscore.audit.record import build_record
from emuscore.audit.replay import replay
from emuscore.exact import format_units
from emuscore.manager import default_registry
from oracle import rounded

REGISTRY = default_registry()


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """The 1-based line of the nth occurrence of `needle` in `text`."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return found[nth]


def points(result, criterion: str) -> list[str]:
    return [format_units(int(v), result.ruleset.scale)
            for v in result.scores.criteria[criterion]]


def shown(result, values) -> list[str]:
    return [format_units(int(v), result.ruleset.scale) for v in values]


def with_order(text: str, order: str, keys: str = "") -> str:
    """The ruleset text with another [ranking] order (and keys)."""
    return text.replace('order = ["total desc", "unit_id asc"]',
                        (f"keys = {keys}\n" if keys else "") + f"order = {order}")


def formula(cid: str, expr: str, *, group: str | None = "g", max_: str = "10",
            kind: str | None = None) -> str:
    return (f'[[criteria]]\nid = "{cid}"\n' + (f'group = "{group}"\n' if group else "")
            + 'scorer = "formula"\n' + (f'kind = "{kind}"\n' if kind else "")
            + f"max = {max_}\nexpr = \"{expr}\"\n\n")


# --- formula criteria: values, rounding once, kinds -------------------------------------

BUDGET = ("if thu_ngan_sach >= chi_tieu then 10 + min(0.5 * 100 * (thu_ngan_sach - chi_tieu)"
          " / chi_tieu, 2) else 10 * thu_ngan_sach / chi_tieu")


def test_the_worked_budget_example_scores_as_the_guide_says():
    rs = ruleset(formula("thu", BUDGET, max_="12"))
    result = run(rs, rows([{"thu_ngan_sach": t, "chi_tieu": c}
                           for t, c in [("120", "100"), ("101", "100"), ("90", "100"),
                                        ("100", "99")]]))
    # 10 + min(10, 2); 10 + min(0.5, 2); 10 * 90/100; 10 + 50/99 = 1040/99 = 10.505.. -> 10.51
    assert points(result, "thu") == ["12.00", "10.50", "9.00", "10.51"]
    assert str(rounded(Fraction(1040, 99))) == "10.51"


def test_a_formula_is_rounded_once_not_step_by_step():
    # 24449 / 10000 = 2.4449: once to 2 decimals 2.44; rounding to 3 first would give 2.45
    rs = ruleset(formula("c", "a / 10000"))
    assert points(run(rs, rows([{"a": "24449"}])), "c") == ["2.44"]


@pytest.mark.parametrize("mode, expected", [
    ("half-up", ["0.13", "0.34", "0.33"]),
    ("half-even", ["0.12", "0.34", "0.33"]),
    ("down", ["0.12", "0.33", "0.33"]),
    ("up", ["0.13", "0.34", "0.34"]),
])
def test_the_ruleset_rounding_mode_applies_to_formulas(mode, expected):
    # 1/8 = 0.125 (a tie), 1/3 + 1/200 = 0.33833.., 1/3 = 0.3333..
    rs = ruleset(formula("c", "a / b + e"), rounding=mode)
    result = run(rs, rows([{"a": "1", "b": "8", "e": "0"}, {"a": "1", "b": "3", "e": "0.005"},
                           {"a": "1", "b": "3", "e": "0"}]))
    assert points(result, "c") == expected


def test_scale_zero_and_scale_four_round_at_their_own_decimals():
    value = Fraction(2, 7) * 10    # 2.857142..
    for scale, want in ((0, "3"), (4, "2.8571")):
        rs = ruleset(formula("c", "20 / 7"), scale=scale)
        assert points(run(rs, rows([{"x": "1"}])), "c") == [want]
        assert str(rounded(value, scale)) == want


def test_a_deduction_formula_gives_the_points_taken_off_and_scores_negative():
    text = formula("p", "x", max_="10") + formula("d", "late * 0.25", group=None, max_="2",
                                                  kind="deduction")
    result = run(ruleset(text), rows([{"x": "7", "late": "3"}, {"x": "7", "late": "0"}]))
    assert points(result, "d") == ["-0.75", "0.00"]
    assert shown(result, result.scores.deductions) == ["-0.75", "0.00"]
    assert shown(result, result.scores.total) == ["6.25", "7.00"]       # 7 - 0.75


def test_a_bonus_formula_adds_above_the_group_cap():
    text = formula("p", "x", max_="10") + formula("b", "0.5 * flags", group=None, max_="1",
                                                  kind="bonus")
    rs = ruleset(text, groups='[[groups]]\nid = "g"\nmax = 8\n')
    result = run(rs, rows([{"x": "10", "flags": "2"}, {"x": "5", "flags": "1"}]))
    assert shown(result, result.scores.groups["g"]) == ["8.00", "5.00"]
    assert shown(result, result.scores.bonus) == ["1.00", "0.50"]
    assert shown(result, result.scores.total) == ["9.00", "5.50"]


def test_a_points_formula_outside_any_group_is_refused():
    with pytest.raises(RulesetError, match="put the criterion in a group"):
        ruleset(formula("p", "x", group=None))


def test_a_value_above_max_is_an_error_naming_the_unit_and_criterion_never_cut():
    rs = ruleset(formula("ok", "1") + formula("c", "x / 3", max_="10"))
    with pytest.raises(DataError) as e:
        run(rs, rows([{"x": "3"}, {"x": "40"}]))
    text = str(e.value)
    # 40 / 3 = 13.33.. -> 13.33, above 10
    assert "criterion c" in text and "unit u2" in text and "13.33" in text and "max 10" in text
    assert "unit u1" not in text


def test_a_negative_value_is_an_error_naming_the_unit_and_criterion():
    rs = ruleset(formula("c", "x - 5"))
    with pytest.raises(DataError) as e:
        run(rs, rows([{"x": "6"}, {"x": "5"}, {"x": "1"}]))
    text = str(e.value)
    assert "criterion c" in text and "unit u3" in text and "negative" in text and "-4.00" in text


def test_a_deduction_formula_above_its_max_or_negative_is_an_error():
    rs = ruleset(formula("p", "1") + formula("d", "late * 0.25", group=None, max_="2",
                                             kind="deduction"))
    with pytest.raises(DataError, match=r"criterion d: unit u2: .*2\.25 points taken off"):
        run(rs, rows([{"late": "1"}, {"late": "9"}]))
    with pytest.raises(DataError, match=r"criterion d: unit u1: .*negative"):
        run(rs, rows([{"late": "-1"}]))


# --- references: criterion.ID and group.ID ---------------------------------------------

def test_a_formula_may_read_a_criterion_declared_after_it():
    text = formula("a", "criterion.b * 2 + x / 3") + formula("b", "if x >= 2 then 2 else x",
                                                             max_="4")
    result = run(ruleset(text), rows([{"x": "1"}, {"x": "5"}]))
    assert points(result, "b") == ["1.00", "2.00"]
    # a = b * 2 + x / 3 with b's rounded points: 2 + 1/3 = 2.33; 4 + 5/3 = 5.666.. = 5.67
    assert points(result, "a") == [str(rounded(2 + Fraction(1, 3))),
                                   str(rounded(4 + Fraction(5, 3)))] == ["2.33", "5.67"]
    assert shown(result, result.scores.total) == ["3.33", "7.67"]


def test_a_formula_reads_the_rounded_points_of_the_criterion_it_names():
    # b = 1/3 -> 0.33 points; a = b * 3 = 0.99 (not 1.00 from the exact 1/3)
    text = formula("a", "criterion.b * 3") + formula("b", "1 / 3")
    assert points(run(ruleset(text), rows([{"x": "0"}])), "a") == ["0.99"]


def test_a_bonus_reads_a_group_sum_capped_and_scored_after_all_its_members():
    groups = '[[groups]]\nid = "g"\nmax = 8\n\n[[groups]]\nid = "h"\nmax = 5\n'
    text = (formula("extra", "if group.g >= 8 then 1 else group.g / 10", group=None, max_="1",
                    kind="bonus")
            + formula("p", "x") + formula("q", "y", group="h", max_="5")
            + formula("r", "criterion.q / 5 + 1", max_="2"))
    rs = ruleset(text, groups=groups)
    result = run(rs, rows([{"x": "9", "y": "5"}, {"x": "3", "y": "2.5"}]))
    # g = min(p + r, 8): u1 min(9 + 2, 8) = 8 -> bonus 1; u2 3 + 1.5 = 4.5 -> 0.45
    assert shown(result, result.scores.groups["g"]) == ["8.00", "4.50"]
    assert points(result, "extra") == ["1.00", "0.45"]
    assert shown(result, result.scores.total) == ["14.00", "7.45"]     # 8 + 5 + 1; 4.5 + 2.5 + .45


def test_a_cycle_of_references_is_a_ruleset_error_with_lines_and_the_path():
    text = sheet(formula("a", "criterion.b + 1") + formula("b", "if x > 0 then criterion.a else 0"))
    with pytest.raises(RulesetError) as e:
        parse_ruleset(text)
    problems = {p.line: p.message for p in e.value.problems}
    a_line, b_line = line_of(text, "expr =", 0), line_of(text, "expr =", 1)
    assert "a -> b -> a" in problems[a_line] and "cycle" in problems[a_line]
    assert "b -> a -> b" in problems[b_line]
    assert str(e.value).startswith(f"<ruleset>:{a_line}: criteria[0] (a).expr")


def test_a_criterion_reading_its_own_group_is_a_cycle():
    with pytest.raises(RulesetError, match=r"cycle: c -> c"):
        ruleset(formula("c", "group.g / 2"))


def test_an_unknown_reference_is_a_ruleset_error_with_line_and_did_you_mean():
    text = sheet(formula("total_score", "criterion.qualty + group.gg") + formula("quality", "q"))
    with pytest.raises(RulesetError) as e:
        parse_ruleset(text)
    line = line_of(text, "expr =", 0)
    messages = [p.message for p in e.value.problems if p.line == line]
    assert any("no criterion 'qualty'; did you mean 'quality'?" in m for m in messages)
    assert any("no group 'gg'; did you mean 'g'?" in m for m in messages)


def test_a_criterion_formula_may_not_read_total_which_exists_only_after_scoring():
    # `total` (like `deductions` and `bonus`) exists only once every criterion is scored:
    # refused where the formula is written, not at run time as a missing column
    text = sheet(formula("c", "total / 2"))
    with pytest.raises(RulesetError) as e:
        parse_ruleset(text)
    assert e.value.problems[0].line == line_of(text, "expr =")
    assert "total" in str(e.value)


def test_a_syntax_error_points_at_the_expr_line_with_column_and_caret():
    text = sheet(formula("c", "a + * b"))
    with pytest.raises(RulesetError) as e:
        parse_ruleset(text)
    (problem,) = e.value.problems
    assert problem.line == line_of(text, 'expr = "a + * b"')
    assert problem.where == "criteria[0] (c).expr"
    # `expr = "a + * b"`: the formula starts at column 9 of the line, its 5th character
    # ('*') is at column 13
    assert problem.column == 13
    assert str(problem).startswith(f"<ruleset>:{problem.line}:13: criteria[0] (c).expr: expected")
    lines = problem.message.splitlines()
    assert lines[1:] == ["    a + * b", "        ^"]            # caret under the formula's 5th


def test_a_formula_on_lines_of_its_own_keeps_the_formula_column():
    text = sheet(formula("c", "x").replace('expr = "x"', 'expr = """\na + * b"""'))
    with pytest.raises(RulesetError) as e:
        parse_ruleset(text)
    (problem,) = e.value.problems
    assert problem.column is None and problem.line == line_of(text, 'expr = """')
    assert problem.message.startswith("column 5: expected")


def test_a_type_error_points_at_the_expr_line_with_column_and_caret():
    text = sheet(formula("ok", "1") + formula("c", "a + (b > 2)"))
    with pytest.raises(RulesetError) as e:
        parse_ruleset(text)
    (problem,) = e.value.problems
    assert problem.line == line_of(text, 'expr = "a + (b > 2)"')
    assert problem.column == 13
    lines = problem.message.splitlines()
    assert "true/false" in lines[0]
    assert lines[1:] == ["    a + (b > 2)", "        ^"]


def test_a_missing_indicator_is_named_with_did_you_mean_before_scoring():
    rs = ruleset(formula("c", "thu_ngan_sach / 10"))
    with pytest.raises(DataError) as e:
        run(rs, rows([{"thu_ngan_sah": "5"}]))
    assert "criterion c" in str(e.value)
    assert "needs indicator 'thu_ngan_sach'" in str(e.value)
    assert "did you mean 'thu_ngan_sah'?" in str(e.value)


def test_division_by_zero_names_the_unit_criterion_and_formula():
    rs = ruleset(formula("c", "10 / n"))
    with pytest.raises(DataError) as e:
        run(rs, rows([{"n": "3"}, {"n": "4"}, {"n": "0"}]))
    text = str(e.value)
    assert "criterion c" in text and "unit u3" in text and "10 / n" in text
    assert "division by zero" in text


def test_division_by_zero_in_a_branch_not_taken_is_no_error():
    rs = ruleset(formula("c", "if n == 0 then 0 else 10 / n"))
    assert points(run(rs, rows([{"n": "4"}, {"n": "0"}])), "c") == ["2.50", "0.00"]


def test_a_missing_value_unguarded_is_an_error_guarded_it_is_not():
    unguarded = ruleset(formula("c", "a + b"))
    with pytest.raises(DataError) as e:
        run(unguarded, rows([{"a": "1", "b": "2"}, {"a": "1", "b": ""}]))
    text = str(e.value)
    assert "unit u2" in text and "'b' is missing" in text and "has(b)" in text
    assert "coalesce(b, 0)" in text
    guarded = ruleset(formula("c", "a + coalesce(b, 0.5)")
                      + formula("d", "if has(b) then b else 3"))
    result = run(guarded, rows([{"a": "1", "b": "2"}, {"a": "1", "b": ""}]))
    assert points(result, "c") == ["3.00", "1.50"]
    assert points(result, "d") == ["2.00", "3.00"]


# --- gates with when --------------------------------------------------------------------

CLEAN = formula("c1", "if a >= t then 10 else 10 * a / t") + formula("c2", "q", max_="5")
GATE_AWARD = '''
[[gates]]
id = "clean"
when = "v == 0 and criterion.c2 >= 1"

[[awards]]
id = "flag"
per_cluster = 1
requires = { gates = ["clean"] }
'''


def test_a_gate_formula_decides_eligibility_and_the_reason_lists_the_values_read():
    rs = ruleset(CLEAN, rest=GATE_AWARD)
    result = run(rs, rows([{"a": "100", "t": "99", "q": "4", "v": "1"},     # 14.00, v = 1
                           {"a": "99", "t": "100", "q": "3", "v": "0"},     # 12.90
                           {"a": "100", "t": "100", "q": "0.5", "v": "0"}]))  # 10.50, c2 < 1
    assert [(p.award, p.unit) for p in result.proposals] == [("flag", "u2")]
    (skip,) = result.skips
    assert skip.unit == "u1"
    assert "gate clean" in str(skip.reason)
    assert "v = 1" in str(skip.reason) and "criterion.c2 = 4.00" in str(skip.reason)


def test_a_gate_formula_may_read_total_and_deductions():
    rest = GATE_AWARD.replace('when = "v == 0 and criterion.c2 >= 1"',
                              'when = "total >= 13 and deductions == 0"')
    rs = ruleset(CLEAN, rest=rest)
    result = run(rs, rows([{"a": "99", "t": "100", "q": "3", "v": "0"},      # 12.90
                           {"a": "100", "t": "100", "q": "3", "v": "0"}]))   # 13.00
    assert [p.unit for p in result.proposals] == ["u2"]


def test_a_gate_formula_with_a_missing_value_is_an_error_unless_guarded():
    data = rows([{"a": "100", "t": "100", "q": "3", "v": ""},
                 {"a": "90", "t": "100", "q": "3", "v": "0"}])
    with pytest.raises(DataError, match=r"gate clean: unit u1: 'v' is missing"):
        run(ruleset(CLEAN, rest=GATE_AWARD), data)
    guarded = GATE_AWARD.replace('"v == 0 and', '"coalesce(v, 0) == 0 and')
    assert [p.unit for p in run(ruleset(CLEAN, rest=guarded), data).proposals] == ["u1"]


@pytest.mark.parametrize("extra", ['indicator = "v"', "at_most = 0", 'indicator = "v"\nequals = 0'])
def test_a_gate_with_both_when_and_an_indicator_test_is_refused(extra):
    rest = GATE_AWARD.replace('id = "clean"\n', f'id = "clean"\n{extra}\n')
    text = sheet(CLEAN, rest=rest)
    with pytest.raises(RulesetError) as e:
        parse_ruleset(text)
    assert "not both" in str(e.value)
    assert e.value.problems[0].line == line_of(text, "[[gates]]")


def test_a_gate_formula_that_is_not_true_false_is_refused_with_its_column():
    rest = GATE_AWARD.replace('"v == 0 and criterion.c2 >= 1"', '"v + 1"')
    text = sheet(CLEAN, rest=rest)
    with pytest.raises(RulesetError) as e:
        parse_ruleset(text)
    (problem,) = e.value.problems
    assert problem.line == line_of(text, 'when = "v + 1"')
    line = text.splitlines()[problem.line - 1]
    assert problem.column == line.index('"v + 1"') + 2       # the formula's 1st character
    assert "true/false" in str(e.value)


# --- classification bands with when and criteria -----------------------------------------

BANDS = '''
[classification]
bands = [
  { label = "excellent", min_total = 12, min_each = 0.9, criteria = ["c1"], when = "v == 0" },
  { label = "good", min_each = 0.5 },
  { label = "other" },
]
'''


def test_band_criteria_limit_what_min_each_checks_and_when_must_hold():
    rs = ruleset(CLEAN, rest=BANDS)
    result = run(rs, rows([
        {"a": "99", "t": "100", "q": "3", "v": "0"},    # c1 9.9 >= 9, c2 3 < 4.5 unchecked
        {"a": "100", "t": "99", "q": "4", "v": "1"},    # when false -> good (c2 4 >= 2.5)
        {"a": "85", "t": "100", "q": "5", "v": "0"},    # total 13.5 but c1 8.5 < 9 -> good
        {"a": "40", "t": "100", "q": "5", "v": "0"},    # c1 4 < 5 -> other
    ]))
    assert result.classes == ("excellent", "good", "good", "other")


def test_a_band_when_may_read_criteria_groups_and_deductions():
    text = CLEAN + formula("d", "late * 0.5", group=None, max_="2", kind="deduction")
    rest = ('[classification]\nbands = [\n'
            '  { label = "clean", when = "deductions == 0 and group.g >= 10" },\n'
            '  { label = "other" },\n]\n')
    result = run(ruleset(text, rest=rest),
                 rows([{"a": "100", "t": "100", "q": "1", "late": "0"},    # g 11, no deduction
                       {"a": "100", "t": "100", "q": "1", "late": "1"},    # -0.5
                       {"a": "80", "t": "100", "q": "1", "late": "0"}]))   # g 9
    assert result.classes == ("clean", "other", "other")


def test_band_criteria_without_min_each_are_refused():
    text = sheet(CLEAN, rest=BANDS.replace("min_each = 0.9, ", ""))
    with pytest.raises(RulesetError, match="give min_each too") as e:
        parse_ruleset(text)
    assert e.value.problems[0].line == line_of(text, 'label = "excellent"')


def test_an_unknown_band_criterion_is_refused_with_did_you_mean():
    text = sheet(formula("quality", "q") + formula("growth", "x"),
                 rest=BANDS.replace('["c1"]', '["growth", "qualty"]'))
    with pytest.raises(RulesetError) as e:
        parse_ruleset(text)
    (problem,) = e.value.problems
    assert "no criterion 'qualty'; did you mean 'quality'?" in problem.message
    assert problem.where.endswith("criteria[1]")


def test_the_last_band_may_not_have_a_when():
    rest = BANDS.replace('{ label = "other" }', '{ label = "other", when = "v == 1" }')
    with pytest.raises(RulesetError, match="catch-all"):
        ruleset(CLEAN, rest=rest)


# --- ranking keys -----------------------------------------------------------------------

ONE = formula("c1", "1")


def keyed(expr: str, order: str = '["key:share desc"]', criteria: str = ONE, rest: str = ""):
    return parse_ruleset(with_order(sheet(criteria, rest=rest), order,
                                    f'[{{ id = "share", expr = "{expr}" }}]'))


def test_a_ranking_key_compares_exactly_beyond_ten_decimals_and_ties_share_a_rank():
    rs = keyed("a / t")
    result = run(rs, rows([{"a": "1", "t": "3"},                              # 1/3
                           {"a": "0.33333333333", "t": "1"},                  # 1/3 - 1/(3*10^11)
                           {"a": "2", "t": "6"},                              # 1/3
                           {"a": "0.333333333334", "t": "1"}]))               # 1/3 + 1/(3*10^12)
    assert list(result.ranks.rank) == [2, 4, 2, 1]
    assert list(result.ranks.tied) == [True, False, True, False]


def test_a_ranking_key_separates_values_differing_at_the_fifteenth_decimal():
    rs = keyed("a / t", '["total desc", "key:share asc"]')
    result = run(rs, rows([{"a": "1000000000000001", "t": "1000000000000000"},
                           {"a": "1", "t": "1"}]))
    assert list(result.ranks.rank) == [2, 1]
    assert result.ranks.decided_by == ("key:share asc", "key:share asc")


def test_a_ranking_key_may_read_scores():
    text = formula("p", "x") + formula("q", "y", group="h", max_="10")
    groups = '[[groups]]\nid = "g"\nmax = 10\n\n[[groups]]\nid = "h"\nmax = 10\n'
    rs = parse_ruleset(with_order(sheet(text, groups=groups), '["key:share desc", "unit_id asc"]',
                                  '[{ id = "share", expr = "group.g / total" }]'))
    # shares 6/8, 2/9, 5/6: u3 first, then u1, then u2
    result = run(rs, rows([{"x": "6", "y": "2"}, {"x": "2", "y": "7"}, {"x": "5", "y": "1"}]))
    assert list(result.ranks.rank) == [2, 3, 1]


def test_ranking_key_errors_are_reported():
    with pytest.raises(RulesetError, match="no key 'shar'; did you mean 'share'"):
        keyed("a / t", '["key:shar desc"]')
    with pytest.raises(RulesetError, match=r"ranking\.keys\[0\] \(share\)\.expr: no criterion 'c2'"):
        keyed("a / criterion.c2")
    with pytest.raises(DataError, match=r"ranking key share: unit u2: division by zero"):
        run(keyed("a / t"), rows([{"a": "1", "t": "3"}, {"a": "1", "t": "0"}]))
    with pytest.raises(DataError, match=r"ranking key share: needs indicator 't'"):
        run(keyed("a / t"), rows([{"a": "1"}]))


# --- awards with their own order --------------------------------------------------------

TWO_GROUPS = '[[groups]]\nid = "g"\nmax = 100\n\n[[groups]]\nid = "h"\nmax = 100\n'
TWO = formula("p", "x", max_="100") + formula("q", "y", group="h", max_="100")
ORDERED_AWARDS = '''
[[awards]]
id = "flag"
per_cluster = 3

[[awards]]
id = "top"
from_award = "flag"
share = 0.34
order = ["group:h desc", "unit_id asc"]

[[awards]]
id = "top_by_rank"
from_award = "flag"
share = 0.34

[[awards]]
id = "merit"
per_cluster = 1
order = ["criterion:q desc", "unit_id asc"]
'''
THREE = [{"x": "10", "y": "1"}, {"x": "2", "y": "8"}, {"x": "1", "y": "2"}]   # 11, 10, 3


def test_a_share_award_with_its_own_order_picks_by_that_order():
    result = run(ruleset(TWO, groups=TWO_GROUPS, rest=ORDERED_AWARDS), rows(THREE))
    assert list(result.ranks.rank) == [1, 2, 3]
    picked = {a: [p.unit for p in result.proposals if p.award == a]
              for a in ("flag", "top", "top_by_rank", "merit")}
    assert picked["flag"] == ["u1", "u2", "u3"]
    assert picked["top"] == ["u2"]             # floor(0.34 * 3) = 1, best by group h
    assert picked["top_by_rank"] == ["u1"]     # the ranking's order: best total
    assert picked["merit"] == ["u2"]           # per cluster, by criterion q


def test_an_award_order_by_a_ranking_key():
    rest = ORDERED_AWARDS.replace('order = ["group:h desc", "unit_id asc"]',
                                  'order = ["key:share desc"]')
    rs = parse_ruleset(with_order(sheet(TWO, groups=TWO_GROUPS, rest=rest),
                                  '["total desc", "unit_id asc"]',
                                  '[{ id = "share", expr = "group.h / total" }]'))
    result = run(rs, rows(THREE))   # shares 1/11, 8/10, 2/3
    assert [p.unit for p in result.proposals if p.award == "top"] == ["u2"]


def test_units_tied_on_an_awards_own_order_for_its_last_slot_go_to_the_council():
    rest = ORDERED_AWARDS.replace('["criterion:q desc", "unit_id asc"]', '["criterion:q desc"]')
    result = run(ruleset(TWO, groups=TWO_GROUPS, rest=rest),
                 rows([{"x": "10", "y": "5"}, {"x": "2", "y": "5"}, {"x": "1", "y": "2"}]))
    assert [p for p in result.proposals if p.award == "merit"] == []
    tied = [s for s in result.skips if s.award == "merit"]
    assert {s.unit for s in tied} == {"u1", "u2"}
    assert all("council decides" in str(s.reason) for s in tied)


def test_an_award_order_entry_is_checked():
    rest = ORDERED_AWARDS.replace('"criterion:q desc"', '"criterion:qq desc"')
    with pytest.raises(RulesetError, match=r"awards\[3\] \(merit\)\.order\[0\]: no criterion 'qq'"):
        ruleset(TWO, groups=TWO_GROUPS, rest=rest)


# --- explain and replay -----------------------------------------------------------------

def test_explain_shows_a_formula_with_its_values_the_branch_and_the_exact_value():
    rs = ruleset(formula("thu", BUDGET, max_="12"))
    result = run(rs, rows([{"thu_ngan_sach": "90", "chi_tieu": "100"},
                           {"thu_ngan_sach": "100", "chi_tieu": "99"}]))
    lines = [line.strip() for line in explain(build_record(result, REGISTRY), "u2", REGISTRY)]
    assert ("with its values: if 100 >= 99 then 10 + min(0.5 * 100 * (100 - 99) / 99, 2) "
            "else 10 * 100 / 99") in lines
    assert "if thu_ngan_sach >= chi_tieu (column 1): true, so 'then'" in lines
    assert "exact value before rounding: 1040/99" in lines
    assert any(line.startswith("= 10.51 points") for line in lines)
    other = [line.strip() for line in explain(build_record(result, REGISTRY), "u1", REGISTRY)]
    assert "if thu_ngan_sach >= chi_tieu (column 1): false, so 'else'" in other
    assert "exact value before rounding: 9" in other


def test_explain_shows_a_deduction_formula_counted_negative_and_a_reference_read():
    text = (formula("p", "x") + formula("r", "criterion.p / 4")
            + formula("d", "late * 0.25", group=None, max_="2", kind="deduction"))
    result = run(ruleset(text), rows([{"x": "3", "late": "3"}]))
    lines = [line.strip() for line in explain(build_record(result, REGISTRY), "u1", REGISTRY)]
    assert "with its values: 3 / 4" in lines                       # r reads p's 3.00
    assert "with its values: 3 * 0.25" in lines
    assert "exact value before rounding: 0.75" in lines            # both r and d: 3/4
    assert "a deduction: the points taken off count negative" in lines
    assert any(line.startswith("= -0.75 points") for line in lines)
    assert any("criterion.p = 3.00" in line for line in lines)


def test_explain_works_when_the_ranking_uses_a_key():
    rs = keyed("a / t", '["total desc", "key:share desc"]')
    result = run(rs, rows([{"a": "1", "t": "3"}, {"a": "1", "t": "4"}]))
    lines = explain(build_record(result, REGISTRY), "u1", REGISTRY)
    assert any("rank 1 set by 'key:share desc' against u2" in line for line in lines)


FULL = (formula("c1", BUDGET, max_="12") + formula("c2", "criterion.c1 / 4 + coalesce(q, 0)",
                                                   max_="5")
        + formula("d", "late * 0.25", group=None, max_="2", kind="deduction"))
FULL_REST = '''
[classification]
bands = [
  { label = "excellent", min_total = 12, min_each = 0.9, criteria = ["c1"], when = "v == 0" },
  { label = "other" },
]

[[gates]]
id = "clean"
when = "v == 0 and deductions > -1"

[[awards]]
id = "flag"
per_cluster = 1
requires = { gates = ["clean"] }

[[awards]]
id = "top"
from_award = "flag"
share = 0.5
order = ["group:g desc", "unit_id asc"]
'''


def full_result(order: str = '["total desc", "key:r desc"]'):
    rs = parse_ruleset(with_order(sheet(FULL, rest=FULL_REST), order,
                                  '[{ id = "r", expr = "thu_ngan_sach / chi_tieu" }]'))
    values = [("100", "99", "0.5", "0", "0"), ("120", "100", "", "1", "0"),
              ("90", "100", "1", "0", "2"), ("101", "100", "0", "0", "0"),
              ("99", "100", "2", "0", "4")]
    return run(rs, rows([{"thu_ngan_sach": a, "chi_tieu": t, "q": q, "late": late, "v": v}
                         for a, t, q, late, v in values], ["k1", "k1", "k2", "k2", "k2"]))


def test_replay_of_a_run_with_formulas_is_identical():
    result = full_result()
    # c1 1040/99 -> 10.51, 12, 9, 10.5, 9.9; c2 = c1 / 4 + q
    assert points(result, "c1") == ["10.51", "12.00", "9.00", "10.50", "9.90"]
    assert points(result, "c2") == [str(rounded(Fraction(1051, 400) + Fraction(1, 2))),
                                    "3.00", "3.25", "2.63", str(rounded(Fraction(99, 40) + 2))]
    record = json.loads(json.dumps(build_record(result, REGISTRY)))
    again = replay(record, REGISTRY)
    assert again.identical, again.lines()
    assert again.lines()[0].startswith("identical ")


def test_explain_of_a_run_with_formula_gates_bands_and_award_orders():
    # the ranking without its key (explaining a key is tested above)
    result = full_result('["total desc", "unit_id asc"]')
    lines = [line.strip() for line in explain(build_record(result, REGISTRY), "u4", REGISTRY)]
    assert "with its values: if 101 >= 100 then 10 + min(0.5 * 100 * (101 - 100) / 100, 2) " \
           "else 10 * 101 / 100" in lines
    assert "exact value before rounding: 10.5" in lines          # 10 + 1/2
    assert "with its values: 10.5 / 4 + coalesce(0, 0)" in lines   # criterion.c1 read
    assert "exact value before rounding: 2.625" in lines         # 10.5 / 4 -> 2.63
    # c1 10.50 is under 0.9 of 12 = 10.8; the band's when holds (v = 0); total 13.13
    excellent = next(line for line in lines if line.startswith("excellent:"))
    assert "total 13.13 >= 12" in excellent
    assert "c1 10.50 < 10.8" in excellent
    assert "when v == 0: true (v = 0)" in excellent and excellent.endswith("not met")
    # u2 has no q: the guarded formula shows it missing and takes coalesce's 0
    u2 = [line.strip() for line in explain(build_record(result, REGISTRY), "u2", REGISTRY)]
    assert "with its values: 12 / 4 + coalesce(missing, 0)" in u2
    assert "exact value before rounding: 3" in u2


def test_what_it_would_take_finds_the_input_change_for_a_formula_criterion():
    # b = x, max 5; the award needs a total of 4. x = 4 gives it (x = 5 too, x = 6 is an
    # error above max): the explanation must say x 4 instead of 3.
    rest = '[[awards]]\nid = "flag"\nper_cluster = 1\nrequires = { min_total = 4 }\n'
    rs = ruleset(formula("b", "x", max_="5"), rest=rest)
    assert run(rs, rows([{"x": "4"}])).awards_of("u1") == ["flag"]
    result = run(rs, rows([{"x": "3"}]))
    lines = explain(build_record(result, REGISTRY), "u1", REGISTRY)
    assert any("x 4 instead of 3" in line for line in lines), lines


def test_what_it_would_take_counts_the_criteria_that_read_the_one_changed():
    # a = criterion.b, b = min(x, 5): each point of x is two on the total, so x = 4
    # (total 8) already wins a min_total of 8; "x 5 instead of 3" is not the least change.
    rest = '[[awards]]\nid = "flag"\nper_cluster = 1\nrequires = { min_total = 8 }\n'
    rs = ruleset(formula("a", "criterion.b") + formula("b", "min(x, 5)", max_="5"), rest=rest)
    assert run(rs, rows([{"x": "4"}])).awards_of("u1") == ["flag"]
    result = run(rs, rows([{"x": "3"}]))
    lines = explain(build_record(result, REGISTRY), "u1", REGISTRY)
    assert any("x 4 instead of 3" in line for line in lines), lines
    assert not any("x 5 instead of 3" in line for line in lines), lines


# --- property: a formula criterion and a key: ranking against Fractions -------------------

# a few common values make equal keys (ties) likely; the rest are any decimals
amount = st.one_of(st.sampled_from([Decimal(v) for v in ("0", "5", "10", "10.5", "20")]),
                   st.builds(lambda n, d: Decimal(n).scaleb(-d), st.integers(0, 50_000),
                             st.integers(0, 3)))
target = st.one_of(st.sampled_from([Decimal(v) for v in ("10", "20", "10.00")]),
                   st.builds(lambda n, d: Decimal(n).scaleb(-d), st.integers(1, 50_000),
                             st.integers(0, 3)))
units = st.lists(st.tuples(amount, target, st.integers(0, 8), st.sampled_from(["k1", "k2"]),
                           st.sampled_from(["", "", "0.25", "0.7"])), min_size=1, max_size=12)

PROPERTY = (formula("c", "if a >= t then 10 + min(50 * (a - t) / t, 2) else 10 * a / t",
                    max_="12")
            + formula("d", "late * 0.125 + coalesce(m, 0)", group=None, max_="2",
                      kind="deduction"))


def budget(a: Fraction, t: Fraction) -> Fraction:
    return 10 + min(50 * (a - t) / t, Fraction(2)) if a >= t else 10 * a / t


@given(units, st.integers(0, 4), st.sampled_from(["half-up", "half-even", "down", "up"]))
@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
def test_formula_points_and_key_ranking_equal_the_fraction_computation(values, scale, mode):
    rs = parse_ruleset(with_order(sheet(PROPERTY, scale=scale, rounding=mode),
                                  '["key:r desc"]', '[{ id = "r", expr = "a / t - criterion.c'
                                  ' / 100000" }]'))
    if all(m == "" for *_, m in values):      # an indicator nobody has is not in the data
        values = [(*values[0][:4], "0"), *values[1:]]
    data = rows([{"a": a, "t": t, "late": late, "m": m} for a, t, late, _, m in values],
                [k for _, _, _, k, _ in values])
    result = run(rs, data)
    unit = Decimal(1).scaleb(-scale)
    c = [rounded(budget(Fraction(a), Fraction(t)), scale, mode) for a, t, *_ in values]
    d = [rounded(Fraction(late, 8) + (Fraction(Decimal(m)) if m else 0), scale, mode)
         for _, _, late, _, m in values]
    assert [int(v) for v in result.scores.criteria["c"]] == [int(x / unit) for x in c]
    assert [int(v) for v in result.scores.criteria["d"]] == [-int(x / unit) for x in d]
    assert [int(v) for v in result.scores.total] == [int((x - y) / unit)
                                                     for x, y in zip(c, d, strict=True)]
    key = [Fraction(a) / Fraction(t) - Fraction(x) / 100000
           for (a, t, *_), x in zip(values, c, strict=True)]
    for k in ("k1", "k2"):
        members = [i for i, v in enumerate(values) if v[3] == k]
        ordered = sorted(members, key=lambda i: key[i], reverse=True)
        for i in members:
            first = next(j for j, m in enumerate(ordered) if key[m] == key[i])
            equal = sum(1 for m in members if key[m] == key[i])
            assert result.ranks.rank[i] == first + 1, (i, key)
            assert bool(result.ranks.tied[i]) == (equal > 1)
