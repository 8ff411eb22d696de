"""The secretariat's commands, run as click runs them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

import cluster40
from conftest import ROOT
from emuscore.cli import main

RULESET = ROOT / "rulesets" / "cluster-40.toml"


def small_data(tmp_path: Path, units: int = 60) -> Path:
    return cluster40.generate(tmp_path / "data", units, seed=7)


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_score_prints_each_cluster_ranking_and_the_proposals(tmp_path):
    result = invoke("score", RULESET, small_data(tmp_path))
    assert result.exit_code == 0, result.output
    assert "cluster 1" in result.output
    assert "Cluster flag (flag):" in result.output


def test_score_writes_one_row_per_unit_with_every_criterion(tmp_path):
    data = small_data(tmp_path)
    out = tmp_path / "results.csv"
    result = invoke("score", RULESET, data, "--out", out, "-q")
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert len(table) == 60
    assert {"unit_id", "name", "cluster_id", "total", "classification", "cluster_rank",
            "awards", "decided_by", "att_1", "band_10", "ded_5"} <= set(table[0])
    flagged = [r for r in table if "flag" in r["awards"].split(";")]
    assert all(r["cluster_rank"] == "1" for r in flagged)


def test_score_writes_json_with_reasons(tmp_path):
    out = tmp_path / "results.json"
    result = invoke("score", RULESET, small_data(tmp_path), "--out", out, "-q")
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["units"]) == 60
    assert all(p["reason"] for p in document["proposals"])


def test_validate_reports_ok_and_checks_the_data(tmp_path):
    result = invoke("validate", RULESET, small_data(tmp_path))
    assert result.exit_code == 0, result.output
    assert "ruleset cluster-40 1.0: 40 criteria" in result.output
    assert "60 units" in result.output


def test_validate_notes_when_the_ranking_can_leave_ties(tmp_path):
    text = RULESET.read_text(encoding="utf-8").replace(', "unit_id asc"]', "]")
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    result = invoke("validate", path)
    assert result.exit_code == 0 and "can leave two units tied" in result.output


def test_errors_are_one_line_each_with_a_non_zero_exit_and_no_traceback(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text(RULESET.read_text(encoding="utf-8").replace("per_cluster", "per_clustr"), "utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines and all(line.startswith(f"error: {path}:") for line in lines)
    assert "Traceback" not in result.output


def test_bad_data_leaves_no_output_file_and_keeps_an_old_one_intact(tmp_path):
    data = small_data(tmp_path)
    with (data / "measures.csv").open("a", encoding="utf-8") as f:
        f.write("5,extra_indicator,abc\n")
    out = tmp_path / "results.csv"
    out.write_text("last year's results\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(RULESET), str(data), "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {data / 'measures.csv'}:")
    assert "'abc' is not a number" in result.output
    assert out.read_text(encoding="utf-8") == "last year's results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "results.csv"]


def test_an_unknown_output_format_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "results.xls"
    result = CliRunner().invoke(main, ["score", str(RULESET), str(small_data(tmp_path)),
                                       "--out", str(out)])
    assert result.exit_code == 1 and "unknown output format" in result.output
    assert not out.exists()


def test_a_missing_ruleset_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {tmp_path / 'nope.toml'}: no such ruleset file"


def test_written_results_get_the_users_normal_file_permissions(tmp_path):
    import os

    out = tmp_path / "results.csv"
    old = os.umask(0o022)
    try:
        result = invoke("score", RULESET, small_data(tmp_path), "--out", out, "-q")
    finally:
        os.umask(old)
    assert result.exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o644
