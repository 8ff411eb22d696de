"""`replay` and `diff` on the command line and through the API: exit codes, plugin versions."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import edit_record_file, sheet
from emuscore.audit.record import (
    UnusableRecord,
    build_record,
    digests,
    load_record,
    parse_record,
    record_bytes,
)
from emuscore.audit.replay import replay
from emuscore.cli import main
from emuscore.manager import Registered, Registry, default_registry, get_plugin_manager
from emuscore.scorers.attainment import Attainment
from test_audit_record import AWARDS, SHEET, small_result

VERSION = metadata.version("emuscore")
"""The version the built-in scorers report."""

UNITS = "unit_id,name,cluster_id\n1,Huyện Cao Lộc,k1\n2,Huyện Lộc Bình,k1\n3,Thành phố Lạng Sơn,k2\n"
MEASURES = ("unit_id,indicator,value\n1,a,\"7,25\"\n1,t,7\n1,v,96\n1,late,0\n1,violations,0\n"
            "2,a,6.9\n2,t,7\n2,v,96\n2,late,0\n2,violations,0\n"
            "3,a,5\n3,t,7\n3,v,50\n3,late,0\n3,violations,0\n")


def scored(tmp_path: Path, measures: str = MEASURES, name: str = "run.json") -> Path:
    (tmp_path / "rs.toml").write_text(sheet(SHEET, rest=AWARDS), encoding="utf-8")
    data = tmp_path / name.replace(".json", "")
    data.mkdir()
    (data / "units.csv").write_text(UNITS, encoding="utf-8")
    (data / "measures.csv").write_text(measures, encoding="utf-8")
    out = CliRunner().invoke(main, ["score", str(tmp_path / "rs.toml"), str(data), "-q",
                                    "--record", str(tmp_path / name)])
    assert out.exit_code == 0, out.output
    assert f"wrote run record {tmp_path / name}" in out.output
    return tmp_path / name


def test_replay_prints_identical_and_the_digest_and_exits_0(tmp_path):
    record = scored(tmp_path)
    out = CliRunner().invoke(main, ["replay", str(record)])
    assert out.exit_code == 0
    assert out.output == f"identical {load_record(record)['digests']['record']}\n"


def test_replay_of_an_edited_record_exits_2_naming_the_part(tmp_path):
    record = scored(tmp_path)
    edit_record_file(record, "data", "7.25", "7.35")
    out = CliRunner().invoke(main, ["replay", str(record)])
    assert out.exit_code == 2
    assert "edited after it was written: the data part" in out.output


@pytest.mark.parametrize("content", [b"", b"\xff\xfe", b'{"a": 1}'])
def test_replay_of_something_else_exits_2(tmp_path, content):
    (tmp_path / "x.json").write_bytes(content)
    out = CliRunner().invoke(main, ["replay", str(tmp_path / "x.json")])
    assert out.exit_code == 2 and out.output.startswith("unusable: ")
    assert CliRunner().invoke(main, ["replay", str(tmp_path / "nothing.json")]).exit_code == 2


def with_software(record, scorer, **changes):
    record = json.loads(record_bytes(record))
    record["software"]["scorers"][scorer].update(changes)
    record["digests"] = digests(record)
    return parse_record(record_bytes(record))


def test_replay_reports_a_plugin_version_that_differs_from_the_record():
    """As if the record were made by an older emuscore: same results, version noted."""
    old = with_software(build_record(small_result(), default_registry()), "attainment", version="0.0.9")
    outcome = replay(old, default_registry())
    assert outcome.identical
    assert outcome.lines()[1] == ("note: scorer attainment: emuscore.scorers.attainment 0.0.9 "
                                  f"(recorded) -> emuscore.scorers.attainment {VERSION} (now)")


class HalfAttainment(Attainment):
    """A sector plugin's newer attainment that gives half the points."""

    def score(self, ctx):  # type: ignore[no-untyped-def]
        return super().score(ctx) // 2


def test_replay_with_a_plugin_that_scores_differently_shows_units_criteria_and_versions():
    registry = Registry(get_plugin_manager())
    registry.scorers["attainment"] = Registered(HalfAttainment(), "emuscore-sector", "2.0")
    outcome = replay(build_record(small_result(), default_registry()), registry)
    assert not outcome.identical
    lines = outcome.lines()
    assert lines[0].startswith("different: 4 unit(s) scored differently")
    text = "\n".join(lines)
    assert "growth 3.18 -> 1.59" in text
    assert (f"scorer attainment: emuscore.scorers.attainment {VERSION} (recorded) -> "
            "emuscore-sector 2.0 (replayed)") in text


def test_replay_without_a_scorer_the_record_needs_is_unusable(tmp_path):
    registry = Registry(get_plugin_manager())
    del registry.scorers["bands"]
    with pytest.raises(UnusableRecord, match="cannot replay") as caught:
        replay(build_record(small_result(), default_registry()), registry)
    assert f"bands (emuscore.scorers.bands {VERSION})" in str(caught.value)


def test_diff_of_same_inputs_exits_0(tmp_path):
    a, b = scored(tmp_path, name="a.json"), scored(tmp_path, name="b.json")
    out = CliRunner().invoke(main, ["diff", str(a), str(b)])
    assert out.exit_code == 0 and out.output.startswith("same inputs and results")


def test_diff_after_an_objection_lists_the_value_the_scores_the_rank_and_the_award(tmp_path):
    a = scored(tmp_path, name="a.json")
    b = scored(tmp_path, MEASURES.replace("2,a,6.9", "2,a,7.5"), name="b.json")
    out = CliRunner().invoke(main, ["diff", str(a), str(b)])
    assert out.exit_code == 1
    assert "unit 2  a: 6.90 -> 7.50" in out.output
    assert "award + flag: unit 2 (gained)" in out.output
    assert "award - flag: unit 1 (lost)" in out.output
    as_json = CliRunner().invoke(main, ["diff", str(a), str(b), "--json"])
    d = json.loads(as_json.output)
    assert d["same"] is False and d["ruleset"]["changed"] is False
    assert d["data"]["values"] == [{"unit": "2", "indicator": "a", "a": "6.90", "b": "7.50"}]
    unit2 = next(u for u in d["units"] if u["unit"] == "2")
    assert unit2["rank"] == {"a": 2, "b": 1} and unit2["awards"] == {"a": [], "b": ["flag"]}
    assert unit2["criteria"]["growth"] == {"a": "2.96", "b": "3.36"}


def test_diff_shows_a_ruleset_revision(tmp_path):
    a = scored(tmp_path, name="a.json")
    rs = tmp_path / "rs.toml"
    rs.write_text(rs.read_text(encoding="utf-8").replace("min_total = 3", "min_total = 4"),
                  encoding="utf-8")
    out = CliRunner().invoke(main, ["score", str(rs), str(tmp_path / "a"), "-q", "--record",
                                    str(tmp_path / "b.json")])
    assert out.exit_code == 0
    out = CliRunner().invoke(main, ["diff", str(a), str(tmp_path / "b.json")])
    assert out.exit_code == 1
    assert "ruleset changed" in out.output and "+requires = { min_total = 4" in out.output


def test_replay_shows_a_changed_reason_for_passing_a_unit_over():
    record = json.loads(record_bytes(build_record(small_result(), default_registry())))
    skip = record["results"]["skips"][0]
    skip["reason"] = "rank 9 is below the rank 1 required"
    record["digests"] = digests(record)
    outcome = replay(parse_record(record_bytes(record)), default_registry())
    assert not outcome.identical
    text = "\n".join(outcome.lines())
    assert "2 reason(s) for passing units over changed" in text
    assert (f"passed over for {skip['award']} only in recorded: unit {skip['unit']}: "
            "rank 9 is below the rank 1 required") in text


def test_score_record_into_a_missing_folder_is_one_line_and_writes_nothing(tmp_path):
    scored(tmp_path)
    out = CliRunner().invoke(main, ["score", str(tmp_path / "rs.toml"), str(tmp_path / "run"), "-q",
                                    "--record", str(tmp_path / "nowhere" / "run.json")])
    assert out.exit_code == 1
    assert out.output.strip().splitlines()[-1].startswith("error: ")
    assert "does not exist" in out.output and "Traceback" not in out.output


def test_diff_of_records_from_different_software_but_same_results_is_same_with_a_note(tmp_path):
    a = scored(tmp_path, name="a.json")
    old = with_software(load_record(a), "bands", version="0.0.1")
    (tmp_path / "old.json").write_bytes(record_bytes(old))
    out = CliRunner().invoke(main, ["diff", str(tmp_path / "old.json"), str(a)])
    assert out.exit_code == 0
    assert out.output.splitlines() == [
        f"same inputs and results ({tmp_path / 'old.json'}, {a})",
        f"note: scorer bands: emuscore.scorers.bands 0.0.1 ({tmp_path / 'old.json'}) -> "
        f"emuscore.scorers.bands {VERSION} ({a})"]


def gate_registry(version: str) -> Registry:
    """The built-ins plus a sector plugin's gate: no unit with any violation."""
    from emuscore.eligibility import EligibilityGate

    def check(data):  # type: ignore[no-untyped-def]
        col = data.indicators["violations"]
        return [None if int(v) == 0 else f"{col.decimal(i)} violation(s)"
                for i, v in enumerate(col.values.tolist())]

    registry = Registry(get_plugin_manager())
    registry.gates["spotless"] = Registered(EligibilityGate("spotless", check, ("violations",)),
                                            "emuscore-sector-gates", version)
    return registry


def test_a_plugin_gate_is_recorded_and_its_version_change_reported():
    from emuscore import parse_ruleset, run
    registry = gate_registry("3.1")
    rs = parse_ruleset(sheet(SHEET, rest=AWARDS.replace('gates = ["clean"]', 'gates = ["spotless"]')),
                       registry=registry)
    record = build_record(run(rs, small_result().data, registry), registry)
    assert record["software"]["gates"]["spotless"] == {
        "plugin": "emuscore-sector-gates", "version": "3.1", "used_by": ["flag"]}
    assert any(s["reason"]["text"].startswith("gate spotless failed: 1 violation(s)")
               for s in record["results"]["skips"])
    outcome = replay(record, gate_registry("3.2"))
    assert outcome.identical
    assert outcome.lines()[1:] == ["note: gate spotless: emuscore-sector-gates 3.1 (recorded) -> "
                                   "emuscore-sector-gates 3.2 (now)"]
    from emuscore.audit.explain import explain
    lines = explain(record, "u3", registry)
    assert "  blocked whatever the points: gate spotless failed: 1 violation(s)" in lines
