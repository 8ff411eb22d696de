"""rulesets/cluster-40-formulas.toml, the reference job written with formulas only,
gives the built-in scorers' points on every unit and criterion, and equals the
project's exact oracle of the job."""

from __future__ import annotations

from pathlib import Path

import pytest

import cluster40
from conftest import ROOT
from emuscore import load_data, load_ruleset, run
from emuscore.exact import format_units

BUILT_IN = ROOT / "rulesets" / "cluster-40.toml"
FORMULAS = ROOT / "rulesets" / "cluster-40-formulas.toml"


@pytest.fixture(scope="module", params=[("bundled", 0, 0), ("generated", 3000, 1),
                                        ("generated", 1200, 2)], ids=lambda p: f"{p[0]}-{p[1]}")
def data(request, tmp_path_factory) -> Path:
    kind, units, seed = request.param
    if kind == "bundled":
        return ROOT / "rulesets" / "cluster-40"
    return cluster40.generate(tmp_path_factory.mktemp("c40"), units, seed)


def test_every_criterion_of_the_formulas_ruleset_is_a_formula():
    assert {c.scorer for c in load_ruleset(FORMULAS).criteria} == {"formula"}
    assert all(g.when for g in load_ruleset(FORMULAS).gates)


def test_formulas_give_the_built_in_scorers_points_on_every_unit(data):
    dataset = load_data(data)
    built_in, formulas = run(load_ruleset(BUILT_IN), dataset), run(load_ruleset(FORMULAS), dataset)
    for criterion, points in built_in.scores.criteria.items():
        assert points.tolist() == formulas.scores.criteria[criterion].tolist(), criterion
    assert built_in.ranks.rank.tolist() == formulas.ranks.rank.tolist()
    assert [(p.award, p.unit) for p in built_in.proposals] == \
        [(p.award, p.unit) for p in formulas.proposals]


def test_the_formulas_ruleset_equals_the_oracle_on_every_unit(data):
    result = run(load_ruleset(FORMULAS), load_data(data))
    flagged = {p.unit for p in result.proposals if p.award == "flag"}
    got = sorted(((u, format_units(int(result.scores.total[i]), 2), str(result.ranks.rank[i]),
                   "1" if u in flagged else "0") for i, u in enumerate(result.data.unit_ids)),
                 key=lambda row: int(row[0]))
    assert got == cluster40.oracle(data)
