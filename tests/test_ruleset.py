"""Loading rulesets: every problem at once, each with file, line, key and a hint."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, sheet
from emuscore import RulesetError, dump_ruleset, load_ruleset, parse_ruleset

GOOD = '''[[criteria]]
id = "grdp"
group = "g"
scorer = "attainment"
max = 3
actual = "grdp"
target = "grdp_target"
bonus = { per_percent = 0.05, cap = 0.5 }
'''


def problems(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "sheet.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    return [str(p) for p in caught.value.problems]


def test_a_misspelt_key_names_file_line_key_and_the_near_miss(tmp_path):
    text = sheet(GOOD.replace("bonus =", "bonsu ="))
    (message,) = problems(text, tmp_path)
    line = text.splitlines().index("bonsu = { per_percent = 0.05, cap = 0.5 }") + 1
    assert message.startswith(f"{tmp_path / 'sheet.toml'}:{line}: criteria[0] (grdp).bonsu: ")
    assert "unknown key 'bonsu'; did you mean 'bonus'?" in message


def test_every_problem_is_reported_at_once(tmp_path):
    text = sheet(GOOD.replace('direction', 'x').replace("max = 3", "max = \"three\"")
                 .replace('scorer = "attainment"', 'scorer = "attainment"\ndirection = "up"'),
                 rounding="half_up")
    found = problems(text, tmp_path)
    assert len(found) == 3
    assert any("ruleset.rounding: must be one of" in p and "did you mean 'half-up'" in p
               for p in found)
    assert any("criteria[0] (grdp).max: must be a number, got 'three'" in p for p in found)
    assert any("criteria[0] (grdp).direction: must be one of 'higher', 'lower'" in p for p in found)


def test_an_unknown_scorer_says_which_plugins_the_ruleset_requires(tmp_path):
    text = sheet(GOOD.replace('"attainment"', '"graduaton_index"'))
    (message,) = problems(text, tmp_path)
    assert "no installed plugin provides scorer 'graduaton_index'" in message
    assert "requires" in message


def test_a_required_plugin_that_is_not_installed_is_named_with_the_install_command(tmp_path):
    text = sheet(GOOD.replace('"attainment"', '"medal_count"')).replace(
        'rounding = "half-up"', 'rounding = "half-up"\nrequires = ["emuscore-sports>=1.0"]')
    found = problems(text, tmp_path)
    assert any("emuscore-sports>=1.0" in p and "pip install" in p for p in found)


def test_a_broken_criterion_does_not_hide_problems_elsewhere(tmp_path):
    text = sheet(GOOD.replace("max = 3", "max = \"three\"")).replace(
        'order = ["total desc", "unit_id asc"]', 'order = ["total dsc", "criterion:grdp desc"]')
    found = problems(text, tmp_path)
    assert any("criteria[0] (grdp).max" in p for p in found)
    assert any("ranking.order[0]: 'total dsc' must be a field and a direction" in p for p in found)
    assert not any("criterion:grdp" in p or "no criterion" in p for p in found)


def test_a_near_miss_scorer_name_gets_a_suggestion(tmp_path):
    (message,) = problems(sheet(GOOD.replace('"attainment"', '"atainment"')), tmp_path)
    assert "did you mean 'attainment'?" in message


def test_cross_references_are_checked(tmp_path):
    rest = ('[[awards]]\nid = "gov"\nfrom_award = "flag"\nshare = 0.2\n'
            '[[awards]]\nid = "flag"\nper_cluster = 1\nrequires = { gates = ["clean"] }\n')
    text = sheet(GOOD.replace('group = "g"', 'group = "targets"'), rest=rest)
    found = problems(text, tmp_path)
    assert any("criteria[0] (grdp).group: no group 'targets'" in p for p in found)
    assert any("awards[0] (gov).from_award: 'flag' must be an award declared before" in p
               for p in found)
    assert any("awards[1] (flag).requires.gates[0]: no gate 'clean'" in p for p in found)


def test_ranking_entries_are_checked(tmp_path):
    text = sheet(GOOD).replace('order = ["total desc", "unit_id asc"]',
                               'order = ["totl desc", "group:x desc", "unit_id"]')
    found = problems(text, tmp_path)
    assert any("ranking.order[0]: unknown field 'totl'; did you mean 'total'?" in p for p in found)
    assert any("ranking.order[1]: no group 'x'" in p for p in found)
    assert any("ranking.order[2]: 'unit_id' must be a field and a direction" in p for p in found)


def test_invalid_toml_is_one_problem_with_its_line(tmp_path):
    (message,) = problems("[ruleset]\nid = \n", tmp_path)
    assert f"{tmp_path / 'sheet.toml'}:2: not valid TOML" in message


def test_floats_never_enter_a_ruleset():
    rs = parse_ruleset(sheet(GOOD))
    assert rs.criteria[0].params.bonus.per_percent == Decimal("0.05")
    assert type(rs.criteria[0].params.bonus.per_percent) is Decimal


def test_bundled_rulesets_load_dump_and_load_to_the_same_value():
    for path in sorted((ROOT / "rulesets").glob("cluster-40.toml")):
        rs = load_ruleset(path)
        assert parse_ruleset(dump_ruleset(rs)) == rs


criteria_tables = st.lists(st.one_of(
    st.builds(lambda i, m, pp, cap: (f'[[criteria]]\nid = "a{i}"\ngroup = "g"\nscorer = "attainment"\n'
                                     f'max = {m}\nactual = "x{i}"\ntarget = "t{i}"\n'
                                     f'bonus = {{ per_percent = {pp}, cap = {cap} }}\n'),
              st.integers(), st.integers(1, 20), st.decimals("0.01", 1, places=2),
              st.decimals(0, 3, places=1)),
    st.builds(lambda i, m, p: (f'[[criteria]]\nid = "d{i}"\nscorer = "deduction"\nmax = {m}\n'
                               f'count = "late{i}"\npoints = {p}\n'),
              st.integers(), st.integers(1, 5), st.decimals("0.25", 2, places=2)),
    st.builds(lambda i, lo: (f'[[criteria]]\nid = "b{i}"\ngroup = "g"\nscorer = "bands"\nmax = 2\n'
                             f'value = "v{i}"\nthresholds = [{{ at_least = {lo}, points = 2 }}]\n'),
              st.integers(), st.decimals(0, 100, places=3)),
), min_size=1, max_size=6, unique_by=lambda t: t.split("\n")[1])


@given(criteria_tables, st.sampled_from(["half-up", "half-even", "down", "up"]), st.integers(0, 4))
@settings(max_examples=60, deadline=None)
def test_load_dump_load_is_identity(tables, rounding, scale):
    text = sheet("\n".join(tables), rounding=rounding, scale=scale,
                 rest='[[gates]]\nid = "clean"\nindicator = "v"\nat_most = 0\n'
                      '[[awards]]\nid = "flag"\nper_cluster = 1\n'
                      'requires = { gates = ["clean"], min_total = 81.5 }\n')
    try:
        first = parse_ruleset(text)
    except RulesetError as e:          # generated maxima finer than the scale are refused
        assert all("decimals" in str(p) for p in e.problems)
        return
    dumped = dump_ruleset(first)
    again = parse_ruleset(dumped)
    assert again == first
    assert dump_ruleset(again) == dumped


def test_the_ruleset_guide_documents_every_built_in_scorer_and_parameter():
    import attrs

    from emuscore.manager import default_registry
    from emuscore.structure import toml_key

    guide = (ROOT / "docs" / "rulesets.md").read_text(encoding="utf-8")
    built_in = [r.item for r in default_registry() if r.item.__module__.startswith("emuscore.")]
    assert len(built_in) >= 10
    for scorer in built_in:
        section = guide.split(f"**`{scorer.name}`**", 1)
        assert len(section) == 2, f"docs/rulesets.md has no section for scorer {scorer.name}"
        text = section[1].split("\n**`", 1)[0]
        for field in attrs.fields(scorer.Params):
            assert f"`{toml_key(field)}" in text, f"{scorer.name}: parameter {field.name} undocumented"


def test_a_scorer_check_points_at_the_line_of_the_offending_item(tmp_path):
    bands = ('[[criteria]]\nid = "q"\ngroup = "g"\nscorer = "bands"\nmax = 2\nvalue = "v"\n'
             'thresholds = [\n  { at_least = 95, points = 2 },\n  { points = 1 },\n]\n')
    text = sheet(bands)
    (message,) = problems(text, tmp_path)
    line = text.splitlines().index("  { points = 1 },") + 1
    assert message == (f"{tmp_path / 'sheet.toml'}:{line}: criteria[0] (q).thresholds[1]: "
                       "needs exactly one of at_least or at_most")


def test_publication_declares_the_objection_period_and_refuses_a_negative_one():
    text = (ROOT / "rulesets" / "lang-son-2024.toml").read_text(encoding="utf-8")
    ruleset = parse_ruleset(text, "lang-son.toml")
    assert ruleset.publication is not None and ruleset.publication.objection_days == 10
    assert parse_ruleset(dump_ruleset(ruleset), "again.toml") == ruleset
    bad = text.replace("objection_days = 10", "objection_days = -3")
    with pytest.raises(RulesetError,
                       match=r"lang-son\.toml:\d+: publication\.objection_days: .*working days"):
        parse_ruleset(bad, "lang-son.toml")
