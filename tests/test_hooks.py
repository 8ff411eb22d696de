"""One test per hook in hookspecs.py, named test_hook_<name> (test_hooks_documented.py
checks that every hook has one): a small inline plugin implements the hook, registered
for the test by the `emuscore_plugins` fixture."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import numpy as np
import pytest
from attrs import frozen
from click.testing import CliRunner

import emuscore
from emuscore import plugin
from emuscore.cli import main
from emuscore.dataset import Dataset
from emuscore.eligibility import EligibilityGate
from emuscore.exact import IntArray
from emuscore.io.csv_data import dataset_from_rows
from emuscore.io.dispatch import write_results
from emuscore.io.formats import Loader, Writer
from emuscore.plugin import Indicator, ScoreContext, Scorer, hookimpl
from emuscore.testing import PluginSandbox

RULESET = """
[ruleset]
id = "t"
title = "test"
version = "1"

[[groups]]
id = "g"
max = 100

[[criteria]]
id = "twice"
group = "g"
scorer = "twice"
max = 10
value = "v"

[[criteria]]
id = "half"
group = "g"
scorer = "half"
max = 10
value = "v"

[ranking]
order = ["total desc", "unit_id asc"]
"""
TABLE = "unit_id,cluster_id,v\nA,1,1.25\nB,1,3\nC,2,0.01"


@frozen
class ValueParams:
    value: Indicator


class Twice(Scorer):
    """A batch scorer: 2 x value, capped at max."""

    name = "twice"
    Params = ValueParams

    def score(self, ctx: ScoreContext) -> IntArray:
        col = ctx.column("value")
        points: IntArray = np.minimum(ctx.divide(2 * col.values, 1, col.scale),
                                      ctx.units(ctx.criterion.max))
        return points


@plugin.scorer(name="half", params=ValueParams)
def half(params: ValueParams, values: Any, max: Decimal) -> Decimal:
    """A per-unit scorer: value / 2."""
    value: Decimal = values["value"]
    return value / 2


def test_hook_register_scorers(emuscore_plugins: PluginSandbox) -> None:
    emuscore_plugins.register(Twice(), half)
    result = emuscore_plugins.run(RULESET, TABLE)
    assert [result.points(result.scores.criteria["twice"], i) for i in range(3)] == \
        ["2.50", "6.00", "0.02"]
    # 0.01 / 2 = 0.005 rounds half-up to 0.01, exactly
    assert [result.points(result.scores.criteria["half"], i) for i in range(3)] == \
        ["0.63", "1.50", "0.01"]
    assert emuscore_plugins.registry.scorers["half"].plugin == "test:half"


def test_hook_register_scorers_rejects_a_name_taken_by_another_plugin(
        emuscore_plugins: PluginSandbox) -> None:
    class Attainment(Twice):
        name = "attainment"

    with pytest.raises(emuscore.PluginError, match=r"scorer 'attainment' is registered by both "
                       r"emuscore\.scorers\.attainment and test:attainment"):
        emuscore_plugins.register(Attainment())


def test_hook_register_scorers_rejects_what_is_not_a_scorer(emuscore_plugins: PluginSandbox) -> None:
    class Wrong:
        @hookimpl
        def register_scorers(self, register: Any) -> None:
            register(lambda ctx: None)

    with pytest.raises(emuscore.PluginError, match=r"plugin test:Wrong unversioned registered "
                       r"<function .*> as one of its scorers, which is not an emuscore\.scoring\.Scorer"):
        emuscore_plugins.register(Wrong())


def _units_file(path: Path, encoding: str) -> Dataset:
    rows = [dict(zip(("unit_id", "cluster_id", "v"), line.split(), strict=True))
            for line in path.read_text(encoding=encoding).splitlines()]
    return dataset_from_rows(rows, str(path))


def test_hook_register_loaders(emuscore_plugins: PluginSandbox, tmp_path: Path) -> None:
    emuscore_plugins.register(Loader("spaces", lambda p: p.suffix == ".units", _units_file,
                                     "unit_id cluster_id v, separated by spaces"))
    data_file = tmp_path / "year.units"
    data_file.write_text("A 1 2\nB 1 5\n", encoding="utf-8")
    data = emuscore.load_data(data_file)
    assert data.unit_ids == ("A", "B")
    assert data.indicators["v"].decimal(1) == 5
    # the built-in CSV and workbook loaders are still there, asked after the plugin's
    assert [r.item.name for r in emuscore_plugins.registry.loaders.values()] == ["csv", "xlsx",
                                                                                "spaces"]


def test_hook_register_loaders_failure_is_named(emuscore_plugins: PluginSandbox, tmp_path: Path) -> None:
    def broken(path: Path, encoding: str) -> Dataset:
        raise KeyError("unit_id")

    emuscore_plugins.register(Loader("broken", lambda p: p.suffix == ".units", broken))
    with pytest.raises(emuscore.PluginError, match=r"plugin test:broken unversioned, loader broken "
                       r"failed on .*year.units: KeyError: 'unit_id'"):
        emuscore.load_data(tmp_path / "year.units")


def test_a_path_no_loader_reads_says_which_formats_are_installed(tmp_path: Path) -> None:
    (tmp_path / "year.ods").write_bytes(b"PK")
    with pytest.raises(emuscore.DataError, match=r"year.ods: no installed loader reads this \(csv: "
                                                 r".*; xlsx: a data-entry workbook"):
        emuscore.load_data(tmp_path / "year.ods")


def test_hook_register_writers(emuscore_plugins: PluginSandbox, tmp_path: Path) -> None:
    def tsv(result: emuscore.Result) -> bytes:
        return "".join(f"{u}\t{result.points(result.scores.total, i)}\n"
                       for i, u in enumerate(result.data.unit_ids)).encode("utf-8")

    emuscore_plugins.register(Twice(), half, Writer("tsv", ".tsv", tsv, "unit and total"))
    result = emuscore_plugins.run(RULESET, TABLE)
    write_results(result, tmp_path / "out.tsv", emuscore_plugins.registry)
    assert (tmp_path / "out.tsv").read_text(encoding="utf-8") == "A\t3.13\nB\t7.50\nC\t0.03\n"
    assert list(emuscore_plugins.registry.writers) == [".csv", ".json", ".xlsx", ".tsv"]


def test_hook_register_writers_failure_is_named_and_writes_nothing(emuscore_plugins: PluginSandbox,
                                                                    tmp_path: Path) -> None:
    def broken(result: emuscore.Result) -> str:
        raise ValueError("no template")

    emuscore_plugins.register(Twice(), half, Writer("broken", ".tsv", broken))
    result = emuscore_plugins.run(RULESET, TABLE)
    with pytest.raises(emuscore.PluginError, match=r"plugin test:broken unversioned, writer broken "
                       r"failed on .*out.tsv: ValueError: no template"):
        write_results(result, tmp_path / "out.tsv", emuscore_plugins.registry)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_output_suffix_lists_the_installed_writers(emuscore_plugins: PluginSandbox,
                                                              tmp_path: Path) -> None:
    emuscore_plugins.register(Twice(), half)
    result = emuscore_plugins.run(RULESET, TABLE)
    with pytest.raises(emuscore.EmuscoreError, match=r"unknown output format '.ods'; use .csv or .json"):
        write_results(result, tmp_path / "out.ods", emuscore_plugins.registry)


def _odd_units(data: Dataset) -> list[str | None]:
    return [None if int(u[1:]) % 2 else f"{u} is even" for u in data.unit_ids]


AWARD = """
[[awards]]
id = "flag"
per_cluster = 1
requires = { gates = ["odd_only"] }
"""


def test_hook_register_gates(emuscore_plugins: PluginSandbox) -> None:
    emuscore_plugins.register(Twice(), half, EligibilityGate("odd_only", _odd_units))
    result = emuscore_plugins.run(RULESET + AWARD, "unit_id,v\nu1,1\nu2,4\nu3,3")
    assert [(p.award, p.unit) for p in result.proposals] == [("flag", "u3")]
    assert [(s.unit, str(s.reason)) for s in result.skips] == [("u2", "gate odd_only failed: u2 is even")]


def test_a_rulesets_own_gate_of_the_same_id_takes_precedence(emuscore_plugins: PluginSandbox) -> None:
    def never(data: Dataset) -> list[str | None]:
        raise AssertionError("the plugin gate must not be asked")

    emuscore_plugins.register(Twice(), half, EligibilityGate("odd_only", never))
    own = '[[gates]]\nid = "odd_only"\nindicator = "v"\nat_most = 3\n'
    result = emuscore_plugins.run(RULESET + own + AWARD, "unit_id,v\nu1,1\nu2,4\nu3,3")
    assert [(p.award, p.unit) for p in result.proposals] == [("flag", "u3")]
    assert [s.unit for s in result.skips] == ["u2"]


def test_an_award_naming_a_gate_nobody_provides_is_a_ruleset_error(
        emuscore_plugins: PluginSandbox) -> None:
    emuscore_plugins.register(Twice(), half)
    with pytest.raises(emuscore.RulesetError, match=r"no gate 'odd_only' \(declare it under \[\[gates\]\], "
                       "or install the plugin that provides it\\)"):
        emuscore_plugins.ruleset(RULESET + AWARD)


def test_a_plugin_gate_with_a_wrong_verdict_is_named(emuscore_plugins: PluginSandbox) -> None:
    emuscore_plugins.register(Twice(), half, EligibilityGate("odd_only", lambda data: [None]))
    with pytest.raises(emuscore.PluginError, match="plugin test:odd_only unversioned, gate odd_only "
                       "returned 1 verdicts for 3 units"):
        emuscore_plugins.run(RULESET + AWARD, "unit_id,v\nu1,1\nu2,4\nu3,3")


class NoBigCriteria:
    """A sector's extra rule: no criterion is worth more than 5 points."""

    @hookimpl
    def validate_ruleset(self, ruleset: emuscore.Ruleset) -> list[str]:
        return [f"criterion {c.id} is worth {c.max}; this sector caps criteria at 5"
                for c in ruleset.criteria if c.max > 5]


def test_hook_validate_ruleset(emuscore_plugins: PluginSandbox) -> None:
    emuscore_plugins.register(Twice(), half, NoBigCriteria())
    with pytest.raises(emuscore.RulesetError) as error:
        emuscore_plugins.ruleset(RULESET)
    assert [str(p) for p in error.value.problems] == [
        f"<test ruleset>:2: ruleset: criterion {c} is worth 10; this sector caps criteria at 5 "
        "(plugin test:NoBigCriteria unversioned)" for c in ("twice", "half")]
    emuscore_plugins.ruleset(RULESET.replace("max = 10", "max = 5"))


class Hello:
    @hookimpl
    def register_commands(self, cli: click.Group) -> None:
        @cli.command()
        @click.argument("name")
        def hello(name: str) -> None:
            """Greet a cluster."""
            click.echo(f"xin chào {name}")


def test_hook_register_commands(emuscore_plugins: PluginSandbox) -> None:
    emuscore_plugins.register(Hello())
    runner = CliRunner()
    assert runner.invoke(main, ["hello", "Lạng Sơn"]).output == "xin chào Lạng Sơn\n"
    assert "hello" in runner.invoke(main, ["--help"]).output
    listing = json.loads(runner.invoke(main, ["plugins", "--json"]).output)
    assert {"name": "test:Hello", "commands": ["hello"]}.items() <= \
        next(p for p in listing if p["name"] == "test:Hello").items()


def test_a_plugin_command_cannot_replace_one_of_emuscores(emuscore_plugins: PluginSandbox) -> None:
    class Score:
        @hookimpl
        def register_commands(self, cli: click.Group) -> None:
            @cli.command()
            def score() -> None:
                """Not the real one."""

    emuscore_plugins.register(Score())
    result = CliRunner().invoke(main, ["unknown-command"])
    assert result.exit_code == 1
    assert result.output == ("error: plugin test:Score unversioned replaces the command 'score' of "
                             "emuscore; give its command another name\n")
    assert main.commands["score"].callback is not None
    assert main.commands["score"].callback.__module__ == "emuscore.cli.score"


def test_hook_run_finished(emuscore_plugins: PluginSandbox) -> None:
    seen: list[emuscore.Result] = []

    class Collect:
        @hookimpl
        def run_finished(self, result: emuscore.Result) -> None:
            seen.append(result)

    emuscore_plugins.register(Twice(), half, Collect())
    result = emuscore_plugins.run(RULESET, TABLE)
    assert seen == [result]


def test_a_run_finished_hook_that_raises_stops_the_run_with_its_name(
        emuscore_plugins: PluginSandbox, tmp_path: Path) -> None:
    class Notify:
        @hookimpl
        def run_finished(self, result: emuscore.Result) -> None:
            raise ConnectionError("mail server down")

    emuscore_plugins.register(Twice(), half, Notify())
    (tmp_path / "rs.toml").write_text(RULESET, encoding="utf-8")
    (tmp_path / "data.csv").write_text("unit_id,name,cluster_id,v\nA,a,1,1\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["score", str(tmp_path / "rs.toml"), str(tmp_path / "data.csv"),
                                       "--out", str(out)])
    assert result.exit_code == 1
    assert result.output == ("error: plugin test:Notify unversioned failed in run_finished: "
                             "ConnectionError: mail server down\n")
    assert not out.exists()
