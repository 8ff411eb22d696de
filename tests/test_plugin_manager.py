"""The plugin manager, the registry, `emuscore plugins`, the environment switches, the
ruleset's `requires`, and the fixture for plugin authors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from attrs import frozen

import emuscore
from emuscore import manager as plugins
from emuscore import plugin
from emuscore.manager import DEFAULT_PLUGINS, default_registry
from emuscore.plugin import Indicator
from emuscore.ruleset import unmet_requirements
from emuscore.testing import PluginSandbox

ROOT = Path(__file__).resolve().parents[1]
SHEET = ('[ruleset]\nid = "t"\ntitle = "t"\nversion = "1"\n{requires}\n[[groups]]\nid = "g"\nmax = 10\n'
         '[[criteria]]\nid = "c"\ngroup = "g"\nscorer = "{scorer}"\nmax = 5\nvalue = "v"\n'
         '[ranking]\norder = ["total desc"]\n')


@frozen
class Params:
    value: Indicator


def test_the_built_in_csv_json_and_xlsx_io_are_plugins_like_any_other() -> None:
    registry = default_registry()
    assert {"emuscore.io.csv_data", "emuscore.io.results", "emuscore.io.xlsx_results"} <= set(
        DEFAULT_PLUGINS)
    assert registry.loaders["csv"].plugin == "emuscore.io.csv_data"
    assert {s: r.plugin for s, r in registry.writers.items()} == {
        ".csv": "emuscore.io.results", ".json": "emuscore.io.results",
        ".xlsx": "emuscore.io.xlsx_results"}


def installed(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The `emuscore` command as a user runs it, outside pytest, so that it loads the
    installed entry points (the sector plugins of plugins/, which the README installs)."""
    return subprocess.run([sys.executable, "-c", "from emuscore.cli import main; main()", *args],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, **(env or {})})


def test_plugins_lists_each_plugin_its_version_origin_and_what_it_registers() -> None:
    listing = json.loads(installed("plugins", "--json").stdout)
    by_name = {p["name"]: p for p in listing}
    assert by_name["emuscore.scorers.occurrences"]["origin"] == "built-in"
    assert by_name["emuscore.scorers.occurrences"]["scorers"] == ["per_occurrence", "deduction", "bonus"]
    assert by_name["emuscore.io.results"]["writers"] == ["csv", "json"]
    police = by_name["emuscore-police"]
    assert (police["origin"], police["package"], police["version"]) == ("package", "emuscore-police", "1.0.0")
    assert police["scorers"] == ["case_clearance", "reduction"]
    assert police["gates"] == ["no_serious_misconduct"]
    assert by_name["emuscore-education"]["hooks"] == ["register_scorers", "validate_ruleset"]


def test_plugins_prints_a_readable_list() -> None:
    output = installed("plugins").stdout
    assert "emuscore-education 1.0.0  (package)\n  scorers: pass_rate, teacher_standards, " \
           "standard_schools\n  hooks: validate_ruleset\n" in output
    assert "emuscore.io.csv_data" in output and "loaders: csv" in output


def test_a_disabled_plugin_is_left_out() -> None:
    listing = json.loads(installed("plugins", "--json", env={
        "EMUSCORE_DISABLE_PLUGINS": "emuscore.scorers.bands, emuscore-police"}).stdout)
    scorers = {s for p in listing for s in p.get("scorers", [])}
    assert "bands" not in scorers and "case_clearance" not in scorers
    assert "attainment" in scorers and "pass_rate" in scorers


def test_the_trace_variable_prints_every_hook_call_with_its_time() -> None:
    err = installed("plugins", env={"EMUSCORE_TRACE_HOOKS": "1"}).stderr.splitlines()
    assert "emuscore hook register_scorers(register) -> ['emuscore.scorers.attainment']" in err
    assert "emuscore hook register_gates(register) -> ['emuscore-police']" in err
    assert any(line.startswith("emuscore hook register_loaders done in ") and line.endswith(" ms")
               for line in err)


def test_importing_emuscore_loads_no_plugin() -> None:
    code = ("import sys, emuscore, emuscore.manager as p; "
            "print(p._default is None, 'emuscore_education' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "True False\n"


def test_a_missing_scorer_says_which_required_package_to_install() -> None:
    text = SHEET.format(requires='requires = ["emuscore-customs>=2.1"]', scorer="seizures")
    with pytest.raises(emuscore.RulesetError) as error:
        emuscore.parse_ruleset(text, "customs.toml")
    assert [str(p) for p in error.value.problems] == [
        "customs.toml:5: ruleset.requires[0]: requires emuscore-customs>=2.1, which is not "
        "installed: pip install 'emuscore-customs>=2.1'",
        "customs.toml:12: criteria[0] (c).scorer: no installed plugin provides scorer 'seizures'; "
        "requires emuscore-customs>=2.1, which is not installed: pip install 'emuscore-customs>=2.1'"]


def test_a_too_old_required_package_says_to_upgrade() -> None:
    assert unmet_requirements(["emuscore-education>=2.0", "emuscore-police>=1.0"]) == [
        (0, "requires emuscore-education>=2.0, but emuscore-education 1.0.0 is installed: "
            "pip install --upgrade 'emuscore-education>=2.0'")]


def test_a_missing_scorer_without_requires_says_how_to_declare_it() -> None:
    with pytest.raises(emuscore.RulesetError, match="no installed plugin provides scorer 'pas_fail'; "
                       "did you mean 'pass_fail'\\?; if a sector plugin provides it, install that "
                       "package and list it in the \\[ruleset\\] table's requires"):
        emuscore.parse_ruleset(SHEET.format(requires="", scorer="pas_fail"))


def test_an_unreadable_requirement_is_a_ruleset_error() -> None:
    with pytest.raises(emuscore.RulesetError, match="'emuscore education' is not a package requirement"):
        emuscore.parse_ruleset(SHEET.format(requires='requires = ["emuscore education"]',
                                            scorer="pass_fail"))


def test_the_fixture_removes_what_it_registered_when_the_test_ends() -> None:
    @plugin.scorer(name="twice", params=Params)
    def twice(params: Params, values: Any, max: Decimal) -> Decimal:
        return 2 * values["value"]

    before = default_registry()
    with pytest.MonkeyPatch.context() as monkeypatch:
        sandbox = PluginSandbox(monkeypatch)
        sandbox.register(twice)
        assert default_registry() is sandbox.registry
        assert "twice" in default_registry().scorers
    assert default_registry() is before and "twice" not in before.scorers
    assert plugins._default is before


def test_an_installed_plugin_that_cannot_be_imported_is_one_line_naming_it(tmp_path: Path) -> None:
    info = tmp_path / "emuscore_broken-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: emuscore-broken\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[emuscore]\nbroken = emuscore_broken_module\n")
    done = subprocess.run([sys.executable, "-c", "from emuscore.cli import main; main()", "plugins"],
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "error: plugin broken (emuscore-broken 1.0) cannot be loaded: ModuleNotFoundError: No module "
        "named 'emuscore_broken_module'; reinstall or upgrade it, or leave it out with "
        "EMUSCORE_DISABLE_PLUGINS=broken"]
