"""emuscore: exact, replayable scoring and ranking of emulation clusters.

The Python API is as small as the CLI::

    import emuscore
    ruleset = emuscore.load_ruleset("rulesets/lang-son-2024.toml")
    data = emuscore.load_data("rulesets/lang-son-2024")
    result = emuscore.run(ruleset, data)
"""

from __future__ import annotations

from pathlib import Path

from emuscore.dataset import Dataset
from emuscore.engine import Result, run
from emuscore.hookspecs import hookimpl
from emuscore.model import Ruleset
from emuscore.per_unit import scorer
from emuscore.problems import DataError, EmuscoreError, PluginError, RulesetError
from emuscore.ruleset import dump_ruleset, load_ruleset, parse_ruleset
from emuscore.scoring import ScoreContext, Scorer
from emuscore.structure import Indicator

__all__ = [
    "DataError",
    "Dataset",
    "EmuscoreError",
    "Indicator",
    "PluginError",
    "Result",
    "Ruleset",
    "RulesetError",
    "ScoreContext",
    "Scorer",
    "dump_ruleset",
    "hookimpl",
    "load_data",
    "load_ruleset",
    "parse_ruleset",
    "run",
    "scorer",
]


def load_data(path: str | Path, encoding: str = "utf-8-sig") -> Dataset:
    """The year's data, read by the installed loader for its format: built in, a folder
    (units.csv, measures.csv) or one wide CSV file; plugins add others."""
    from emuscore.io.formats import load_data as load

    return load(Path(path), encoding)
