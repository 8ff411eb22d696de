"""`explain`: the report's sections, and "what it would have taken" checked by re-running the
engine with each suggested change and seeing the award move."""

from __future__ import annotations

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import rows, ruleset
from emuscore import run
from emuscore.audit.explain import explain, least, what_it_takes
from emuscore.audit.record import build_record
from emuscore.cli import main
from emuscore.manager import default_registry
from test_audit_record import AWARDS, SHEET, small_result
from test_audit_replay import scored

unit_values = st.fixed_dictionaries({
    "a": st.sampled_from(["0", "3.5", "6.9", "7", "7.7", "9"]),
    "t": st.sampled_from(["7", "7.5"]),
    "v": st.sampled_from(["50", "79.9", "85", "99"]),
    "late": st.integers(0, 4),
    "violations": st.sampled_from([0, 0, 0, 1]),
})
units_st = st.lists(st.tuples(unit_values, st.sampled_from(["k1", "k2"])), min_size=2, max_size=12)


def gets_flag(values, clusters, unit):
    result = run(ruleset(SHEET, rest=AWARDS), rows(values, clusters))
    return unit in [p.unit for p in result.proposals if p.award == "flag"]


@given(units_st)
@settings(max_examples=40, deadline=None)
def test_every_suggested_change_wins_the_award_in_a_rerun_and_one_step_less_does_not(units):
    values, clusters = [dict(v) for v, _ in units], [c for _, c in units]
    result = run(ruleset(SHEET, rest=AWARDS), rows(values, clusters))
    winners = {p.unit for p in result.proposals}
    for i, unit in enumerate(result.data.unit_ids):
        if unit in winners:
            continue
        taking = what_it_takes(result, unit, "flag", default_registry())
        if values[i]["violations"]:
            assert taking.blocked and "gate clean" in taking.blocked
            continue
        for alone in taking.alone:
            for change in alone.changes:
                changed = [dict(v) for v in values]
                changed[i][change.indicator] = change.new
                assert gets_flag(changed, clusters, unit), (unit, alone, change)
                col = result.data.indicators[change.indicator]
                step = 10 ** col.scale if change.indicator == "late" else 1
                old = int(col.values[i])
                back = change.units - step if change.units > old else change.units + step
                if back != old:
                    changed[i][change.indicator] = str(back / 10**col.scale) if col.scale else str(back)
                    assert not gets_flag(changed, clusters, unit), (unit, alone, change, back)


def test_least_finds_the_first_true_and_none_when_out_of_reach():
    assert least(lambda k: k >= 37, 1000) == 37
    assert least(lambda k: k >= 1, 1) == 1
    assert least(lambda k: k >= 5000, 1000) is None
    assert least(lambda k: True, 0) is None


def test_explain_shows_inputs_formulas_caps_class_table_tie_break_and_what_it_takes():
    lines = explain(build_record(small_result(), default_registry()), "u2", default_registry())
    text = "\n".join(lines)
    assert lines[0] == "unit u2: unit 2, cluster k1"
    assert "inputs: a = 6.50, t = 7.00" in text
    assert "below target: 3 x 1 x 6.50/7.00" in text
    assert "= 2.79 points (rounded half-up to 2 decimals; range 0..3.5)" in text
    assert "group g: 3.79 (cap 1000) -> 3.79" in text
    assert "rank 2 set by 'total desc' against u1 (above): 3.79 vs 4.68" in text
    assert "award flag (Cờ thi đua): not proposed: the cluster's 1 place(s) went to u1" in text
    assert "needs +0.90 points on the total (all else equal)" in text
    # growth can add at most 0.71 (3.5 with the bonus): not enough alone; the band can
    assert "quality (now 1.00): +0.90 points: v 95.0 instead of 81.5 (+13.5 -> 2.00)" in text
    assert "no change in one criterion alone suffices for growth, late" in text


def test_a_gate_blocks_whatever_the_points():
    text = "\n".join(explain(build_record(small_result(), default_registry()), "u3",
                             default_registry()))
    assert "blocked whatever the points: gate clean" in text
    assert text.count("(eligible only with violations <= 0)") == 1


def test_explain_on_the_command_line(tmp_path):
    record = scored(tmp_path)
    out = CliRunner().invoke(main, ["explain", str(record), "2"])
    assert out.exit_code == 0, out.output
    assert "needs +" in out.output and "cluster k1 (ranking: total desc, unit_id asc):" in out.output
    out = CliRunner().invoke(main, ["explain", str(record), "99"])
    assert out.exit_code == 1 and "unit 99 is not in this record" in out.output


LADDER = AWARDS + '''
[[awards]]
id = "top"
from_award = "flag"
share = 0.5

[[awards]]
id = "merit"
per_cluster = 2
exclude = ["flag"]
requires = { min_total = 2 }
'''


@given(units_st.filter(lambda u: len({c for _, c in u}) == 2))
@settings(max_examples=25, deadline=None)
def test_suggestions_for_share_and_excluding_awards_also_win_in_a_rerun(units):
    rs = ruleset(SHEET, rest=LADDER)
    values, clusters = [dict(v) for v, _ in units], [c for _, c in units]
    result = run(rs, rows(values, clusters))
    for award in ("top", "merit"):
        holders = {p.unit for p in result.proposals if p.award == award}
        for i, unit in enumerate(result.data.unit_ids):
            if unit in holders:
                continue
            taking = what_it_takes(result, unit, award, default_registry())
            if award == "merit" and unit in result.awards_of(unit) + [
                    p.unit for p in result.proposals if p.award == "flag"]:
                assert taking.blocked and "excludes it" in taking.blocked
            for alone in taking.alone:
                for change in alone.changes:
                    changed = [dict(v) for v in values]
                    changed[i][change.indicator] = change.new
                    again = run(rs, rows(changed, clusters))
                    assert unit in [p.unit for p in again.proposals if p.award == award]


def test_a_class_short_on_two_criteria_is_named_when_no_single_change_suffices():
    classed = AWARDS.replace("requires = { min_total = 3, gates = [\"clean\"] }",
                             "requires = { classification = \"excellent\" }") + '''
[classification]
bands = [{ label = "excellent", min_each = 0.9 }, { label = "other" }]
'''
    data = rows([{"a": "6", "t": "7", "v": "81", "late": 0, "violations": 0},
                 {"a": "7", "t": "7", "v": "99", "late": 0, "violations": 0}])
    result = run(ruleset(SHEET, rest=classed), data)
    taking = what_it_takes(result, "u1", "flag", default_registry())
    assert taking.points is None and not taking.alone
    text = "\n".join(explain(build_record(result, default_registry()), "u1", default_registry()))
    assert "class 'excellent' still needs: growth 2.57 < 2.7, quality 1.00 < 1.8" in text


def test_a_plugin_whose_explanation_fails_is_named_and_the_rest_still_shown():
    from emuscore.manager import Registered, Registry, get_plugin_manager
    from emuscore.scorers.bands import Bands

    class Mute(Bands):
        def explain(self, ctx, unit):  # type: ignore[no-untyped-def]
            raise RuntimeError("no words")

    registry = Registry(get_plugin_manager())
    registry.scorers["bands"] = Registered(Mute(), "emuscore-mute", "1.0")
    text = "\n".join(explain(build_record(small_result(), default_registry()), "u2", registry))
    assert "(plugin emuscore-mute 1.0 could not explain: RuntimeError: no words)" in text
    assert "= 1.00 points" in text and "award flag" in text


def test_explain_warns_when_the_installed_plugins_no_longer_reproduce_the_record():
    from emuscore.manager import Registered, Registry, get_plugin_manager
    from test_audit_replay import HalfAttainment

    registry = Registry(get_plugin_manager())
    registry.scorers["attainment"] = Registered(HalfAttainment(), "emuscore-sector", "2.0")
    lines = explain(build_record(small_result(), default_registry()), "u2", registry)
    assert lines[0].startswith("warning: the installed plugins score this record differently")
