"""rulesets/cluster-40.toml does the cluster-40 job exactly: on every unit its total,
cluster rank and flag equal the exact oracle's (tests/cluster40.py), on generated data that
reaches every edge and tie-break of the job, and on the bundled sample data.
bench/check_peers.py checks the same oracle against the peers' own (impl_decimal.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import cluster40
from conftest import ROOT
from emuscore import load_data, load_ruleset, run
from emuscore.exact import format_units

RULESET = ROOT / "rulesets" / "cluster-40.toml"
SAMPLES = [(3000, 1), (1200, 2), (37, 3)]
Generated = tuple[Path, dict[int, cluster40.Score]]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int, int], Generated]:
    """Data for (units, seed), generated and scored by the oracle once per module."""
    made: dict[tuple[int, int], Generated] = {}

    def make(units: int, seed: int) -> Generated:
        if (units, seed) not in made:
            folder = cluster40.generate(tmp_path_factory.mktemp(f"cluster40-{units}-{seed}"), units, seed)
            made[units, seed] = folder, cluster40.scores(folder)
        return made[units, seed]

    return make


def engine_rows(data: Path) -> list[tuple[str, str, str, str]]:
    result = run(load_ruleset(RULESET), load_data(data))
    flagged = {p.unit for p in result.proposals if p.award == "flag"}
    return sorted(((u, format_units(int(result.scores.total[i]), 2), str(result.ranks.rank[i]),
                    "1" if u in flagged else "0") for i, u in enumerate(result.data.unit_ids)),
                  key=lambda row: int(row[0]))


@pytest.mark.parametrize("units,seed", SAMPLES)
def test_cluster40_equals_the_exact_oracle_on_every_unit(generated, units, seed):
    data, table = generated(units, seed)
    assert engine_rows(data) == cluster40.results(table)


def test_cluster40_equals_the_exact_oracle_on_the_bundled_data():
    data = ROOT / "rulesets" / "cluster-40"
    want = cluster40.oracle(data)
    assert len(want) == 200
    assert engine_rows(data) == want


@pytest.mark.parametrize("units,seed", SAMPLES[:2])
def test_the_generated_ties_reach_every_tie_break(generated, units, seed):
    """Equal totals in about 15% of the clusters, each later ranking key the one that
    separates some of them, some at the top of a cluster where it decides the flag, and
    unit ids that sort differently as numbers and as text."""
    _, table = generated(units, seed)
    found = cluster40.tie_breaks(table)
    clusters = len({s.cluster for s in table.values()})
    assert 0.08 * clusters <= found["group A"] + found["deductions"] + found["unit_id"] <= 0.3 * clusters
    for key in ("group A", "deductions", "unit_id"):
        assert found[key] >= 3, (key, found)
        assert found[f"{key} at the top"] >= 1, (key, found)
    assert found["unit_id by number, not text"] >= 3, found


def test_the_generated_data_sits_on_every_edge_of_the_arithmetic(generated):
    data, table = generated(*SAMPLES[0])
    found = cluster40.edges(data, table)
    for edge in ("attainment on half a cent, below target", "attainment on half a cent, above target",
                 "ratio exactly 1", "zero actual", "bonus exactly at its cap", "band value on a threshold",
                 "deduction on half a cent", "deduction at its cap exactly"):
        assert found[edge] >= 100, (edge, found)
    for edge in ("leader at 81.00", "leader at 80.99", "leader above 81 without b_1"):
        assert found[edge] >= 1, (edge, found)


def test_the_generator_is_deterministic_and_keeps_to_the_job(tmp_path):
    first = cluster40.generate(tmp_path / "a", 120, 9)
    again = cluster40.generate(tmp_path / "b", 120, 9)
    other = cluster40.generate(tmp_path / "c", 120, 10)
    for name in ("units.csv", "measures.csv"):
        assert (first / name).read_bytes() == (again / name).read_bytes()
        assert (first / name).read_bytes() != (other / name).read_bytes()
    clusters, measures = cluster40.read(first)
    assert sorted(clusters) == list(range(1, 121))
    sizes = sorted(list(clusters.values()).count(c) for c in set(clusters.values()))
    assert all(8 <= size <= 12 for size in sizes[1:]), sizes       # the last may be smaller
    assert all(sorted(m) == sorted(cluster40.INDICATORS) for m in measures.values())
    assert all(text.split(".")[1:] and len(text.split(".")[1]) == 2
               for m in measures.values() for text in m.values())
    unit_lines = (first / "measures.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [line.split(",")[0] for line in unit_lines[:60]] != [unit_lines[0].split(",")[0]] * 60
    names = (first / "units.csv").read_text(encoding="utf-8")
    assert any(ch in names for ch in "ỦĐơưạộ")
