"""Formulas where a ruleset decides besides criteria: gates, classification bands,
ranking keys, awards' own order; each against values worked out by hand."""

from __future__ import annotations

import pytest

import emuscore
from conftest import rows, sheet

CRITERIA = '''
[[criteria]]
id = "a"
group = "g"
scorer = "formula"
max = 10
expr = "x"

[[criteria]]
id = "b"
group = "g"
scorer = "formula"
max = 10
expr = "y"
'''
UNITS = [{"x": "9", "y": "1", "v": "0"}, {"x": "5", "y": "5", "v": "2"},
         {"x": "2", "y": "7", "v": "0"}]          # totals 10, 10, 9


def result(rest: str, units=UNITS, clusters=None, order='["total desc", "unit_id asc"]'):
    text = sheet(CRITERIA, rest=rest).replace('order = ["total desc", "unit_id asc"]',
                                              f"order = {order}")
    return emuscore.run(emuscore.parse_ruleset(text), rows(units, clusters))


def test_a_formula_gate_bars_the_units_it_is_false_for_with_the_values_it_read():
    got = result('[[gates]]\nid = "clean"\nwhen = "v == 0 and criterion.a >= 2"\n'
                 '[[awards]]\nid = "flag"\nper_cluster = 2\nrequires = { gates = ["clean"] }\n')
    assert [p.unit for p in got.proposals] == ["u1", "u3"]
    (skip,) = got.skips
    assert skip.unit == "u2"
    assert str(skip.reason) == ("gate clean (v == 0 and criterion.a >= 2) failed: v = 2, "
                           "criterion.a = 5.00")


def test_a_band_may_check_only_named_criteria_and_a_formula():
    got = result('[classification]\nbands = [\n'
                 '  { label = "top", min_each = 0.5, criteria = ["a"], when = "total >= 10" },\n'
                 '  { label = "rest" },\n]\n')
    # u1: a 9 >= 5 and total 10; u2: a 5 >= 5 and total 10; u3: a 2 < 5
    assert got.classes == ("top", "top", "rest")


def test_a_ranking_key_orders_by_its_exact_value_and_ties_share_a_rank():
    got = result('', order='["key:share desc"]\nkeys = [{ id = "share", expr = "x / (x + y)" }]')
    # x/(x+y): 9/10, 5/10, 2/9
    assert got.ranks.rank.tolist() == [1, 2, 3]
    tie = [{"x": "1", "y": "2", "v": "0"}, {"x": "2", "y": "4", "v": "0"}, {"x": "1", "y": "1", "v": "0"}]
    got = result('', units=tie, order='["key:share desc"]\nkeys = [{ id = "share", expr = "x / (x + y)" }]')
    assert got.ranks.rank.tolist() == [2, 2, 1]
    assert got.ranks.tied.tolist() == [True, True, False]


def test_values_that_differ_only_far_past_the_scale_still_rank_apart():
    units = [{"x": "1", "y": "1", "v": "0", "p": "1", "q": "3"},
             {"x": "1", "y": "1", "v": "0", "p": "333333333333", "q": "1000000000000"}]
    got = result('', units=units, order='["key:r desc"]\nkeys = [{ id = "r", expr = "p / q" }]')
    assert got.ranks.rank.tolist() == [1, 2]       # 1/3 > 0.333333333333


def test_an_award_with_its_own_order_picks_by_it_not_by_the_ranking():
    rest = ('[[awards]]\nid = "by_b"\nper_cluster = 1\norder = ["criterion:b desc", "unit_id asc"]\n'
            '[[awards]]\nid = "best_a"\nfrom_award = "by_b"\nshare = 1\n'
            'order = ["criterion:a desc"]\n')
    got = result(rest, clusters=["k1", "k1", "k2"])
    # by the ranking, k1's first is u1 (total 10 = 10, unit_id); by b it is u2 (5 > 1)
    assert [(p.award, p.unit) for p in got.proposals] == [
        ("by_b", "u2"), ("by_b", "u3"), ("best_a", "u2"), ("best_a", "u3")]


@pytest.mark.parametrize("rest, message", [
    ('[[gates]]\nid = "g1"\nindicator = "v"\nat_most = 0\nwhen = "v == 0"\n',
     "a gate is either a formula (when) or an indicator"),
    ('[[gates]]\nid = "g1"\nwhen = "v + 1"\n', "the formula gives a number but true/false is needed"),
    ('[classification]\nbands = [{ label = "x", criteria = ["a"] }, { label = "y" }]\n',
     "criteria lists what min_each checks; give min_each too"),
    ('[classification]\nbands = [{ label = "x", min_each = 0.5, criteria = ["aa"] }, { label = "y" }]\n',
     "no criterion 'aa'; did you mean 'a'?"),
])
def test_nonsense_in_a_formula_place_is_refused_with_its_line(rest, message):
    with pytest.raises(emuscore.RulesetError) as caught:
        emuscore.parse_ruleset(sheet(CRITERIA, rest=rest), "sheet.toml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("sheet.toml:")


def test_explain_lists_a_referenced_criterion_and_replay_of_formulas_is_identical():
    from emuscore.audit.explain import explain
    from emuscore.audit.record import build_record
    from emuscore.audit.replay import replay
    from emuscore.manager import default_registry

    half = CRITERIA + ('\n[[criteria]]\nid = "h"\ngroup = "g"\nscorer = "formula"\nmax = 5\n'
                       'expr = "if criterion.a > 6 then criterion.a / 2 else 0"\n')
    text = sheet(half)
    registry = default_registry()
    got = emuscore.run(emuscore.parse_ruleset(text), rows(UNITS), registry)
    assert got.scores.criteria["h"].tolist() == [450, 0, 0]          # 9 / 2 = 4.50
    record = build_record(got, registry)
    lines = explain(record, "u1", registry)
    at = lines.index(next(line for line in lines if line.startswith("  h [")))
    assert lines[at + 1] == "    inputs: criterion.a = 9.00"
    assert "    if criterion.a > 6 (column 1): true, so 'then'" in lines
    assert replay(record, registry).identical
