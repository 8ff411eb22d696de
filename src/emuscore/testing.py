"""A pytest plugin for scorer authors, installed with emuscore: the `emuscore_plugins`
fixture registers scorers (or whole plugins) for one test and removes them after, and
scores a criterion or runs a ruleset on a tiny table in a line::

    def test_pass_rate(emuscore_plugins):
        emuscore_plugins.register(pass_rate)
        points = emuscore_plugins.points(
            'scorer = "pass_rate"\\nmax = 2\\npassed = "passed"\\ncandidates = "sat"',
            "unit_id,passed,sat\\nA,45,50\\nB,50,50")
        assert points == {"A": Decimal("1.80"), "B": Decimal("2.00")}

While the test runs, everything that asks for the installed plugins (`emuscore.run`,
`load_ruleset`, the CLI through `CliRunner`) sees the registered ones too.

Under pytest, emuscore never loads installed entry points (the `sys._called_from_test`
flag that llm and datasette use): a test sees the built-in plugins and what it
registers, never whatever else happens to be installed, so a plugin's tests register
the plugin itself (``emuscore_plugins.register(my_plugin_module)``).
"""

from __future__ import annotations

import csv
import io
import sys
import tomllib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from emuscore.dataset import Dataset
    from emuscore.manager import Registry
    from emuscore.model import Ruleset
    from emuscore.result import Result

Table = str | Iterable[Mapping[str, object]]
"""CSV text with a header, or rows as dicts: unit_id and indicator columns; name and
cluster_id may be left out (name = unit_id, one cluster "1")."""

CRITERION = "c"
GROUP = "all"


class PluginSandbox:
    """The installed plugins plus those registered for this test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from emuscore.cli import main

        self._monkeypatch = monkeypatch
        self._extra: list[object] = []
        # commands that plugins add during the test go when the test ends
        monkeypatch.setattr(main, "commands", dict(main.commands))
        self.registry = self._build()

    def register(self, *things: object) -> Registry:
        """Register scorers (batch `Scorer` instances or `@emuscore.scorer` functions),
        loaders, writers, eligibility gates, or whole plugin modules/objects with
        `@hookimpl` functions, until the end of the test."""
        self._extra.extend(t for t in things if not any(t is e for e in self._extra))
        self.registry = self._build()
        return self.registry

    def _build(self) -> Registry:
        from emuscore import manager as plugins

        pm = plugins.get_plugin_manager()
        for thing in self._extra:
            pm.register(_as_plugin(thing), name=_entry_point_name(thing) or f"test:{_name(thing)}")
        registry = plugins.Registry(pm)
        self._monkeypatch.setattr(plugins, "_default", registry)
        return registry

    def ruleset(self, text: str) -> Ruleset:
        """A whole ruleset from TOML text, validated as `load_ruleset` would."""
        from emuscore.ruleset import parse_ruleset

        return parse_ruleset(text, "<test ruleset>", self.registry)

    def criterion_ruleset(self, criterion: str | Mapping[str, Any], scale: int = 2,
                          rounding: str = "half-up") -> Ruleset:
        """A ruleset of one criterion (id "c"), given as the keys of its [[criteria]] table;
        id, group and title may be left out."""
        import tomli_w

        table = dict(tomllib.loads(criterion, parse_float=Decimal) if isinstance(criterion, str)
                     else criterion)
        table.setdefault("id", CRITERION)
        found = self.registry.scorers.get(str(table.get("scorer")))
        if found is not None and found.item.role == "points":
            table.setdefault("group", GROUP)
        document = {
            "ruleset": {"id": "test", "title": "test", "version": "0", "scale": scale,
                        "rounding": rounding},
            "groups": [{"id": GROUP, "max": 10**9}],
            "criteria": [table],
            "ranking": {"order": ["total desc", "unit_id asc"]},
        }
        return self.ruleset(tomli_w.dumps(document))

    def data(self, table: Table) -> Dataset:
        from emuscore.io.csv_data import dataset_from_rows

        if isinstance(table, str):
            table = list(csv.DictReader(io.StringIO(table.strip())))
        return dataset_from_rows(({"name": row["unit_id"], "cluster_id": "1", **row} for row in table),
                                 "<test table>")

    def run(self, ruleset: str, table: Table) -> Result:
        """Run a whole ruleset (TOML text) on the table."""
        from emuscore.engine import run

        return run(self.ruleset(ruleset), self.data(table), self.registry)

    def points(self, criterion: str | Mapping[str, Any], table: Table, scale: int = 2,
               rounding: str = "half-up") -> dict[str, Decimal]:
        """Each unit's points on one criterion, exact, as Decimals at the scale."""
        from emuscore.engine import run
        from emuscore.exact import units_to_decimal

        result = run(self.criterion_ruleset(criterion, scale, rounding), self.data(table),
                     self.registry)
        points = result.scores.criteria[result.ruleset.criteria[0].id]
        return {unit: units_to_decimal(int(points[i]), scale)
                for i, unit in enumerate(result.data.unit_ids)}

    def explain(self, criterion: str | Mapping[str, Any], table: Table, unit: str) -> list[str]:
        """The scorer's one-unit explanation for `unit`."""
        from emuscore.pipeline.score import context

        ruleset = self.criterion_ruleset(criterion)
        data = self.data(table)
        c = ruleset.criteria[0]
        return self.registry.scorers[c.scorer].item.explain(context(ruleset, data, c),
                                                             data.index()[unit])


def _entry_point_name(thing: object) -> str | None:
    """The name a plugin module has when it is loaded from its package's `emuscore` entry
    point (e.g. "emuscore-police"), so that messages read the same as in a real run."""
    from importlib import metadata

    module = getattr(thing, "__name__", None)
    return next((ep.name for ep in metadata.entry_points(group="emuscore") if ep.value == module),
                None)


def _name(thing: object) -> str:
    """A plugin's name in messages: the scorer's (loader's...) name, or the module's or class's."""
    name = getattr(thing, "name", None) or getattr(thing, "__name__", None)
    return str(name or type(thing).__name__)


def _as_plugin(thing: object) -> object:
    """A scorer, loader, writer or gate wrapped in a plugin that registers it; a plugin as is."""
    from emuscore.eligibility import EligibilityGate
    from emuscore.hookspecs import hookimpl
    from emuscore.io.formats import Loader, Writer
    from emuscore.scoring import Scorer

    hook = {Scorer: "register_scorers", Loader: "register_loaders", Writer: "register_writers",
            EligibilityGate: "register_gates"}
    for cls, name in hook.items():
        if isinstance(thing, cls):
            def register(register: Any) -> None:
                register(thing)
            register.__name__ = name
            return type("TestPlugin", (), {name: staticmethod(hookimpl(register))})()
    return thing


def pytest_configure(config: pytest.Config) -> None:
    sys._called_from_test = True  # type: ignore[attr-defined]


@pytest.fixture
def emuscore_plugins(monkeypatch: pytest.MonkeyPatch) -> PluginSandbox:
    """The installed emuscore plugins, plus any this test registers (removed after it)."""
    return PluginSandbox(monkeypatch)
