"""The bundled rulesets: each one with sample data beside it (a folder or a CSV file with
the same stem) validates and scores from the CLI, every ruleset round-trips through TOML,
and the province example (lang-son-2024) gives the outcome a secretariat can defend.

Every test here registers the sector plugins of plugins/ (`sector_plugins`), so every
bundled ruleset is loaded and scored; a sector plugin that is not installed fails them."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections import Counter
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from conftest import ROOT
from emuscore import Result, dump_ruleset, load_data, load_ruleset, parse_ruleset, run
from emuscore.cli import main
from emuscore.exact import format_units
from emuscore.manager import Registry, default_registry
from emuscore.pipeline import score
from emuscore.problems import RulesetError

RULESETS = ROOT / "rulesets"
PROVINCE = RULESETS / "lang-son-2024.toml"
PROVINCE_DATA = RULESETS / "lang-son-2024"
PROVINCE_WIDE = RULESETS / "lang-son-2024-wide.csv"


@attrs.frozen
class Bundled:
    toml: Path
    data: Path

    @property
    def name(self) -> str:
        return self.toml.stem

    @property
    def requires(self) -> list[str]:
        raw = tomllib.loads(self.toml.read_text(encoding="utf-8-sig"))
        return list(raw.get("ruleset", {}).get("requires", []))


def data_beside(toml: Path) -> Path:
    folder, wide = toml.with_suffix(""), toml.with_suffix(".csv")
    if (folder / "units.csv").exists():
        return folder
    assert wide.exists(), f"{toml.name} has no sample data beside it ({folder.name}/ or {wide.name})"
    return wide


BUNDLED = [Bundled(toml, data_beside(toml)) for toml in sorted(RULESETS.glob("*.toml"))]


def invoke(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def test_every_bundled_ruleset_is_tested_here():
    assert {b.name for b in BUNDLED} >= {"lang-son-2024", "cluster-40", "education-2024",
                                         "police-2024"}


@pytest.mark.parametrize("bundled", [b for b in BUNDLED if b.requires], ids=lambda b: b.name)
def test_a_ruleset_whose_sector_plugin_is_missing_says_what_to_install(bundled):
    """Here only the built-ins are registered: the error names the package to install."""
    with pytest.raises(RulesetError) as caught:
        load_ruleset(bundled.toml)
    text = str(caught.value)
    assert "no installed plugin provides scorer" in text
    for requirement in bundled.requires:
        assert requirement in text


@pytest.mark.parametrize("bundled", BUNDLED, ids=lambda b: b.name)
def test_bundled_ruleset_validates_with_its_sample_data(bundled, sector_plugins):
    code, output = invoke("validate", bundled.toml, bundled.data)
    assert code == 0, output
    assert "ok" in output.splitlines()[-1]


@pytest.mark.parametrize("bundled", BUNDLED, ids=lambda b: b.name)
def test_bundled_ruleset_scores_its_sample_data_and_writes_every_unit(bundled, tmp_path,
                                                                      sector_plugins):
    out = tmp_path / "results.json"
    code, output = invoke("score", bundled.toml, bundled.data, "--out", out, "-q")
    assert code == 0, output
    assert out.exists()
    assert out.read_text(encoding="utf-8").count('"unit_id"') >= load_data(bundled.data).size


@pytest.mark.parametrize("bundled", BUNDLED, ids=lambda b: b.name)
def test_criteria_scored_on_several_threads_give_the_same_scores(bundled, monkeypatch,
                                                                  sector_plugins):
    """At large N thread-safe criteria run on all cores, beside plugins' others."""
    ruleset, data = load_ruleset(bundled.toml), load_data(bundled.data)
    serial = run(ruleset, data).scores
    monkeypatch.setattr(score, "PARALLEL_FROM", 0)
    threaded = run(ruleset, data).scores
    assert serial.criteria.keys() == threaded.criteria.keys()
    for criterion, points in serial.criteria.items():
        assert points.tolist() == threaded.criteria[criterion].tolist(), criterion
    assert serial.total.tolist() == threaded.total.tolist()


@pytest.mark.parametrize("bundled", BUNDLED, ids=lambda b: b.name)
def test_bundled_ruleset_round_trips_through_toml(bundled, sector_plugins: Registry):
    ruleset = load_ruleset(bundled.toml)
    text = dump_ruleset(ruleset)
    again = parse_ruleset(text)
    assert again == ruleset
    assert dump_ruleset(again) == text


# --- the province example -----------------------------------------------------------

# the province's classes, in the board's words as its sheet writes them, best first
EXCELLENT, GOOD = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"
COMPLETED, NOT_COMPLETED = "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ"


@pytest.fixture(scope="module")
def province() -> Result:
    return run(load_ruleset(PROVINCE), load_data(PROVINCE_DATA))


def holders(result: Result, award: str) -> list[int]:
    index = result.data.index()
    return [index[p.unit] for p in result.proposals if p.award == award]


def test_province_every_proposal_and_every_skip_says_why(province):
    assert province.proposals
    assert all(str(p.reason).strip() for p in province.proposals)
    assert all(str(s.reason).strip() for s in province.skips)


def test_province_per_cluster_quotas_hold(province):
    for rule in province.ruleset.awards:
        if rule.per_cluster is None:
            continue
        per_cluster = Counter(province.data.clusters[i] for i in holders(province, rule.id))
        assert max(per_cluster.values(), default=0) <= rule.per_cluster, rule.id


def test_province_government_flags_are_at_most_a_fifth_of_provincial_flags(province):
    provincial = set(holders(province, "provincial_flag"))
    government = set(holders(province, "government_flag"))
    assert government <= provincial
    assert len(government) <= int(Decimal("0.20") * len(provincial))
    # and they are the best of the holders by the declared order (here: the two highest totals)
    best = sorted(provincial, key=lambda i: -int(province.scores.total[i]))[:len(government)]
    assert government == set(best)


def test_province_nobody_failing_a_gate_is_proposed(province):
    # read straight from the data, not from the engine's own gate evaluation
    columns = province.data.indicators
    barred = {i for i in range(province.data.size)
              if columns["vi_pham_nghiem_trong"].values[i] > 0
              or columns["can_bo_ky_luat"].values[i] > 0}
    assert barred, "the sample data should contain units barred by a gate"
    assert not barred & {province.data.index()[p.unit] for p in province.proposals}


def test_province_certificates_go_to_good_or_better_units_without_the_flag(province):
    flags = set(holders(province, "provincial_flag"))
    for i in holders(province, "certificate_of_merit"):
        assert province.classes[i] in (EXCELLENT, GOOD)
        assert i not in flags


def test_province_flags_go_only_to_excellent_units(province):
    assert all(province.classes[i] == EXCELLENT for i in holders(province, "provincial_flag"))


def test_province_skipped_cluster_leaders_are_explained(province):
    data, flags = province.data, set(holders(province, "provincial_flag"))
    skipped = {s.unit: str(s.reason) for s in province.skips if s.award == "provincial_flag"}
    leaders = [i for i in range(data.size) if province.ranks.rank[i] == 1]
    unflagged = [i for i in leaders if i not in flags]
    assert unflagged, "the sample data should have leaders that do not get the flag"
    for i in unflagged:
        assert skipped.get(data.unit_ids[i]), f"leader {data.unit_ids[i]} is not explained"
    barred = [i for i in unflagged if "gate" in skipped[data.unit_ids[i]]]
    next_in_line = [i for i in barred if any(
        data.clusters[j] == data.clusters[i] and province.ranks.rank[j] == 2 for j in flags)]
    assert next_in_line, "some cluster's leader is barred by a gate and the runner-up gets the flag"
    assert any(f"classified '{GOOD}', not '{EXCELLENT}' or better" in skipped[data.unit_ids[i]]
               for i in unflagged)


def test_province_outcome_is_what_a_secretariat_meets(province):
    flags = holders(province, "provincial_flag")
    assert 10 <= len(flags) <= 16                        # the seed article's province: 13
    assert len(holders(province, "government_flag")) == int(Decimal("0.20") * len(flags))
    assert set(province.classes) == {EXCELLENT, GOOD, COMPLETED, NOT_COMPLETED}
    assert max(int(t) for t in province.scores.total) > 107 * 10**province.ruleset.scale
    assert len(province.data.cluster_ids) >= 20
    assert 250 <= province.data.size <= 350


def test_province_has_leaders_decided_by_each_later_tie_break(province):
    data, ranks, total = province.data, province.ranks, province.scores.total
    decided = set()
    for i in (i for i in range(data.size) if ranks.rank[i] == 1):
        runner_up = [j for j in range(data.size)
                     if data.clusters[j] == data.clusters[i] and ranks.rank[j] == 2]
        if runner_up and total[runner_up[0]] == total[i]:
            assert ranks.decided_by[i] not in (None, "total desc")
            decided.add(ranks.decided_by[i])
    assert {"group:chi_tieu desc", "group:khen_thuong desc", "deductions desc"} <= decided


def test_province_uses_every_built_in_scorer():
    used = {c.scorer for c in load_ruleset(PROVINCE).criteria}
    registry = default_registry()
    built_in = {name for name, r in registry.scorers.items()
                if registry.plugins[r.plugin].origin == "built-in"}
    assert len(built_in) >= 10
    assert built_in <= used, sorted(built_in - used)


def test_province_sample_data_is_what_its_generator_writes(tmp_path):
    subprocess.run([sys.executable, str(PROVINCE_DATA / "generate.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    for written, committed in ((tmp_path / "units.csv", PROVINCE_DATA / "units.csv"),
                               (tmp_path / "measures.csv", PROVINCE_DATA / "measures.csv"),
                               (tmp_path / PROVINCE_WIDE.name, PROVINCE_WIDE)):
        assert written.read_bytes() == committed.read_bytes(), committed.name


def test_province_wide_csv_scores_its_units_exactly_as_the_long_data_does(province):
    wide = run(province.ruleset, load_data(PROVINCE_WIDE))
    long_index = province.data.index()
    scale = province.ruleset.scale
    # whole clusters, so that scores relative to a cluster's best are comparable
    for cluster in wide.data.cluster_ids:
        assert (Counter(wide.data.clusters)[cluster] == Counter(province.data.clusters)[cluster])
    assert len(wide.data.cluster_ids) == 3
    for w, unit in enumerate(wide.data.unit_ids):
        i = long_index[unit]
        assert format_units(int(wide.scores.total[w]), scale) == \
            format_units(int(province.scores.total[i]), scale), unit
        for c in province.ruleset.criteria:
            assert wide.scores.criteria[c.id][w] == province.scores.criteria[c.id][i], (unit, c.id)
        assert wide.classes[w] == province.classes[i]
        assert wide.ranks.rank[w] == province.ranks.rank[i]
