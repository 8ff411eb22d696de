"""Ranking, classification and award laws on generated clusters."""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import rows, ruleset
from emuscore import parse_ruleset, run
from emuscore.exact import format_units
from emuscore.io.csv_data import dataset_from_rows
from emuscore.ruleset import can_tie

SHEET = '''
[[criteria]]
id = "growth"
group = "g"
scorer = "attainment"
max = 6
actual = "a"
target = "t"
bonus = { per_percent = 0.1, cap = 1 }

[[criteria]]
id = "quality"
group = "g"
scorer = "bands"
max = 4
value = "v"
thresholds = [{ at_least = 90, points = 4 }, { at_least = 70, points = 2 }]

[[criteria]]
id = "late"
scorer = "deduction"
max = 2
count = "late"
points = 0.5

[[criteria]]
id = "flag_bonus"
scorer = "bonus"
max = 1
count = "flagged"
points = 1
'''

AWARDS = '''
[classification]
bands = [
  { label = "excellent", min_total = 9, min_each = 0.8 },
  { label = "good", min_total = 7 },
  { label = "other" },
]

[[gates]]
id = "clean"
indicator = "violations"
at_most = 0

[[awards]]
id = "flag"
per_cluster = 1
requires = { classification = "good", gates = ["clean"] }

[[awards]]
id = "top"
from_award = "flag"
share = 0.4

[[awards]]
id = "merit"
per_cluster = 2
exclude = ["flag"]
requires = { min_total = 5, gates = ["clean"] }
'''

unit_values = st.fixed_dictionaries({
    "a": st.sampled_from(["0", "5", "8", "10", "11", "12.5"]),
    "t": st.sampled_from(["10"]),
    "v": st.sampled_from(["60", "75", "95"]),
    "late": st.integers(0, 3),
    "flagged": st.integers(0, 1),
    "violations": st.sampled_from([0, 0, 0, 1]),
})
clusters = st.lists(st.tuples(unit_values, st.sampled_from(["k1", "k2", "k3"])), min_size=1,
                    max_size=24)


def build(order: str = '["total desc", "deductions desc", "unit_id asc"]'):
    rs = ruleset(SHEET, rest=AWARDS)
    text = rs.text.replace('order = ["total desc", "unit_id asc"]', f"order = {order}")
    return parse_ruleset(text)


def outcome(result):
    """Everything a unit gets, keyed by unit id (so row order cannot hide in it)."""
    by_unit = {}
    for i, unit in enumerate(result.data.unit_ids):
        by_unit[unit] = (format_units(int(result.scores.total[i]), 2), result.classes[i],
                         int(result.ranks.rank[i]), bool(result.ranks.tied[i]),
                         result.ranks.decided_by[i], tuple(result.awards_of(unit)))
    return by_unit, sorted((s.award, s.unit, str(s.reason)) for s in result.skips)


def dataset_of(units, permutation=None):
    named = [({**v}, c, f"u{i}") for i, (v, c) in enumerate(units, 1)]
    if permutation is not None:
        named = [named[i] for i in permutation]
    return dataset_from_rows({"unit_id": uid, "name": uid, "cluster_id": c, **v}
                             for v, c, uid in named)


@given(clusters, st.randoms(use_true_random=False),
       st.sampled_from(['["total desc", "deductions desc", "unit_id asc"]',
                        '["total desc", "group:g desc"]']))
@settings(max_examples=60, deadline=None)
def test_row_order_changes_nothing(units, rnd, order):
    rs = build(order)
    permutation = list(range(len(units)))
    rnd.shuffle(permutation)
    assert outcome(run(rs, dataset_of(units))) == outcome(run(rs, dataset_of(units, permutation)))


@given(clusters, st.sampled_from(['["total desc", "unit_id asc"]', '["total desc"]']))
@settings(max_examples=80, deadline=None)
def test_quotas_always_hold_and_ineligible_units_never_get_an_award(units, order):
    result = run(build(order), dataset_of(units))
    data = result.data
    awards = {a: [p.unit for p in result.proposals if p.award == a] for a in ("flag", "top", "merit")}
    index = data.index()
    for award, per_cluster in (("flag", 1), ("merit", 2)):
        for cluster in data.cluster_ids:
            assert sum(data.clusters[index[u]] == cluster for u in awards[award]) <= per_cluster
    assert len(awards["top"]) <= math.floor(Decimal("0.4") * len(awards["flag"]))
    assert set(awards["top"]) <= set(awards["flag"])
    assert not set(awards["merit"]) & set(awards["flag"])
    for unit in awards["flag"] + awards["merit"]:
        assert data.indicators["violations"].decimal(index[unit]) == 0
    for unit in awards["flag"]:
        assert result.classes[index[unit]] in ("excellent", "good")
    for unit in awards["merit"]:
        assert result.scores.total[index[unit]] >= 500


@given(clusters)
@settings(max_examples=60, deadline=None)
def test_ranks_follow_the_declared_order_and_ties_share_a_rank(units):
    result = run(build('["total desc"]'), dataset_of(units))
    total, rank = result.scores.total, result.ranks.rank
    n = result.data.size
    for i in range(n):
        for j in range(n):
            if result.data.clusters[i] != result.data.clusters[j]:
                continue
            if total[i] > total[j]:
                assert rank[i] < rank[j]
            if total[i] == total[j]:
                assert rank[i] == rank[j]
        above = sum(1 for j in range(n) if result.data.clusters[j] == result.data.clusters[i]
                    and total[j] > total[i])
        assert rank[i] == above + 1


def test_a_tie_for_the_last_slot_goes_to_the_council_not_to_input_order():
    rs = build('["total desc"]')
    same = {"a": "10", "t": "10", "v": "95", "late": 0, "flagged": 0, "violations": 0}
    result = run(rs, rows([same, same, {**same, "v": "60"}]))
    assert [p for p in result.proposals if p.award == "flag"] == []
    tied = [s for s in result.skips if s.award == "flag" and "council decides" in str(s.reason)]
    assert {s.unit for s in tied} == {"u1", "u2"}
    assert list(result.ranks.rank) == [1, 1, 3] and list(result.ranks.tied) == [True, True, False]


def test_an_ineligible_leader_is_skipped_with_the_reason_and_the_next_unit_gets_the_flag():
    rs = build()
    leader = {"a": "12", "t": "10", "v": "95", "late": 0, "flagged": 1, "violations": 1}
    second = {**leader, "a": "10", "flagged": 0, "violations": 0}
    result = run(rs, rows([leader, second]))
    assert result.awards_of("u2") == ["flag"]
    skip = next(s for s in result.skips if s.award == "flag")
    assert skip.unit == "u1" and "gate clean" in str(skip.reason) and "violations = 1" in str(skip.reason)


def test_the_share_award_rounds_its_quota_down():
    rs = build()
    leader = {"a": "10", "t": "10", "v": "95", "late": 0, "flagged": 0, "violations": 0}
    result = run(rs, rows([leader] * 4, clusters=["k1", "k2", "k3", "k4"]))
    assert len([p for p in result.proposals if p.award == "flag"]) == 4
    assert len([p for p in result.proposals if p.award == "top"]) == 1   # floor(0.4 * 4)


def test_classification_needs_every_criterion_at_its_share_of_max():
    rs = build()
    # 6 + 1 bonus + 4 = 11 in total, but "quality" 2 of 4 is under 80%: good, not excellent
    strong = {"a": "20", "t": "10", "v": "75", "late": 0, "flagged": 0, "violations": 0}
    result = run(rs, rows([strong, {**strong, "v": "95"}]))
    assert result.classes == ("good", "excellent")


def test_groups_are_capped_at_their_maximum_and_bonus_comes_on_top():
    rs = ruleset(SHEET, groups='[[groups]]\nid = "g"\nmax = 8\n')
    result = run(rs, rows([{"a": "20", "t": "10", "v": "95", "late": 1, "flagged": 1}]))
    assert format_units(int(result.scores.groups["g"][0]), 2) == "8.00"
    assert format_units(int(result.scores.total[0]), 2) == "8.50"    # 8 - 0.5 + 1


def test_validation_says_when_the_order_can_leave_ties():
    assert can_tie(build('["total desc", "group:g desc"]'))
    assert not can_tie(build('["total desc", "unit_id asc"]'))


def test_the_deciding_tie_break_is_reported_per_unit():
    rs = build('["total desc", "deductions desc", "unit_id asc"]')
    base = {"a": "10", "t": "10", "v": "95", "late": 0, "flagged": 0, "violations": 0}
    # u1 and u2 tie on total (u2 has a bonus and a late report), u3 ties u1 exactly
    result = run(rs, rows([base, {**base, "late": 2, "flagged": 1}, base]))
    assert result.ranks.decided_by == ("unit_id asc", "deductions desc", "unit_id asc")
    assert list(result.ranks.rank) == [1, 3, 2]


def test_units_below_the_last_recipient_were_not_passed_over_so_get_no_skip():
    rs = build()
    good = {"a": "10", "t": "10", "v": "95", "late": 0, "flagged": 0, "violations": 0}
    result = run(rs, rows([good, {**good, "a": "5", "violations": 1}]))
    assert result.awards_of("u1") == ["flag"]
    assert [s for s in result.skips if s.award == "flag"] == []


def test_with_max_rank_only_the_leading_places_are_candidates_and_others_are_not_skipped():
    rs = ruleset(SHEET, rest=AWARDS.replace('requires = { classification = "good"',
                                            'requires = { max_rank = 1, classification = "good"'))
    leader = {"a": "12", "t": "10", "v": "95", "late": 0, "flagged": 1, "violations": 1}
    second = {**leader, "a": "10", "flagged": 0, "violations": 0}
    result = run(rs, rows([leader, second, second]))
    assert [p for p in result.proposals if p.award == "flag"] == []
    assert [(s.unit, "gate clean" in str(s.reason)) for s in result.skips if s.award == "flag"] == [
        ("u1", True)]
