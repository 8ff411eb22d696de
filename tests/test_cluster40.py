"""rulesets/cluster-40.toml reproduces the peers' exact oracle (impl_decimal.py) on every unit."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from emuscore import load_data, load_ruleset, run
from emuscore.exact import format_units


def oracle_rows(peers: Path, data: Path, out: Path) -> list[tuple[str, str, str, str]]:
    subprocess.run([sys.executable, str(peers / "impl_decimal.py"), "--data", str(data),
                    "--out", str(out)], check=True, cwd=peers)
    with out.open(encoding="utf-8") as f:
        return [(r["unit_id"], r["total"], r["cluster_rank"], r["flag"]) for r in csv.DictReader(f)]


@pytest.mark.parametrize("units,seed", [(3000, 1), (1200, 2), (37, 3)])
def test_cluster40_equals_the_decimal_oracle_on_every_unit(tmp_path, peers, units, seed):
    data = tmp_path / "data"
    subprocess.run([sys.executable, str(peers / "gen.py"), "--units", str(units), "--seed",
                    str(seed), "--out", str(data)], check=True)
    want = oracle_rows(peers, data, tmp_path / "oracle.csv")

    result = run(load_ruleset(ROOT / "rulesets" / "cluster-40.toml"), load_data(data))
    flagged = {p.unit for p in result.proposals if p.award == "flag"}
    got = sorted(((u, format_units(int(result.scores.total[i]), 2), str(result.ranks.rank[i]),
                   "1" if u in flagged else "0") for i, u in enumerate(result.data.unit_ids)),
                 key=lambda row: int(row[0]))
    assert got == want
